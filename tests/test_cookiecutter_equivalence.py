"""Plain `cookiecutter --no-input <checkout> KEY=VALUE ...` renders the same files as `dockseal new`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

CASES = {
    "python-defaults": {"stack": "python"},
    "python-slim-uv": {"stack": "python", "stack_version": "3.12", "package_manager": "uv", "port": "9000",
                       "writable_paths": "/data,/var/cache/app", "vendor": "Acme $HOME \"quoted\""},
    "node-pnpm-private": {"stack": "node", "package_manager": "pnpm", "private_index": "true",
                          "command": "node dist/server.js --color=false"},
    "java-gradle-spring": {"stack": "java", "package_manager": "gradle", "framework": "spring-boot",
                           "base_flavour": "jre"},
    "static-prebuilt": {"stack": "static", "package_manager": "none", "main_package": "./public"},
    "go-chainguard": {"stack": "go", "base_flavour": "chainguard", "main_package": "./cmd/api", "uid": "10001",
                      "gid": "10001"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_plain_cookiecutter_matches_dockseal(tmp_path, case):
    answers = {"service_name": "orders", **CASES[case]}
    plain = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(plain), str(ROOT),
                    *[f"{k}={v}" for k, v in answers.items()]], check=True, capture_output=True,
                   cwd=tmp_path)
    ours = tmp_path / "ours"
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "new", "--no-input", str(ours),
                           *[arg for k, v in answers.items() for arg in ("--set", f"{k}={v}")]],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    plain_files = {p.relative_to(plain / "orders").as_posix(): p.read_bytes()
                   for p in (plain / "orders").rglob("*") if p.is_file()}
    our_files = {p.relative_to(ours).as_posix(): p.read_bytes() for p in ours.rglob("*") if p.is_file()}
    assert sorted(plain_files) == sorted(our_files)
    for rel in plain_files:
        assert plain_files[rel] == our_files[rel], rel
