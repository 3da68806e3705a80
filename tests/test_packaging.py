"""The wheel carries the template: `dockseal` works outside the checkout and renders the same files."""

from __future__ import annotations

import subprocess
import sys
import venv

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_installed_wheel_renders_like_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("dockseal-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = ("import generator.template as t, sys; p = t.builtin_template(); "
            "print(p); sys.exit(0 if 'site-packages' in str(p) else 1)")
    where = subprocess.run([str(py), "-c", code], cwd=outside, capture_output=True, text=True)
    assert where.returncode == 0, where.stdout + where.stderr
    args = ["new", "--no-input", "--set", "stack=node", "--set", "service_name=shop"]
    subprocess.run([str(env_dir / "bin" / "dockseal"), *args, str(outside / "a")], cwd=outside, check=True,
                   capture_output=True, timeout=120)
    subprocess.run([sys.executable, "-m", "generator.cli", *args, str(outside / "b")], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    for name in ("Dockerfile", ".dockerignore", ".dockseal.yml"):
        assert (outside / "a" / name).read_bytes() == (outside / "b" / name).read_bytes(), name
