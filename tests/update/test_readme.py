"""The update/check section of the README works as written: its commands and its organisation config."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from generator import config

from .helpers import dockseal, new_service

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## `dockseal update [DIR]`", 1)[1].split("\n## ", 1)[0]


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", SECTION, re.S)


def commands(block: str) -> list[list[str]]:
    return [shlex.split(line.split(" #", 1)[0].split(" >", 1)[0]) for line in block.splitlines() if line.strip()]


def test_update_commands_work(tmp_path):
    svc = new_service(tmp_path / "svc")
    local = [argv for argv in commands(blocks("sh")[0]) if "--template" not in argv]
    assert len(local) == 4
    for argv in local:
        assert argv[:2] == ["dockseal", "update"]
        proc = dockseal(*argv[1:], cwd=svc)
        assert proc.returncode == 0, (argv, proc.stdout, proc.stderr)
    assert yaml.safe_load((svc / ".dockseal.yml").read_text())["answers"]["port"] == 9000


def test_check_commands_work(tmp_path):
    for name in ("api", "web"):
        new_service(tmp_path / "services" / name, f"service_name={name}")
    local = [argv for argv in commands(blocks("sh")[1]) if "--template" not in argv]
    assert len(local) == 3
    for argv in local:
        assert argv[:2] == ["dockseal", "check"]
        cwd = tmp_path / "services" / "api" if argv == ["dockseal", "check"] else tmp_path
        proc = dockseal(*argv[1:], cwd=cwd)
        assert proc.returncode == 0, (argv, proc.stdout, proc.stderr)


def test_organisation_config_example_loads_and_feeds_new(tmp_path):
    (tmp_path / ".dockseal-org.yml").write_text(blocks("yaml")[0])
    org = config.load(tmp_path / ".dockseal-org.yml")
    assert org.uid == 10001 and "com.example.team" in org.required_labels and org.ignore == ["SECURITY.md"]
    proc = dockseal("new", "--no-input", "--set", "stack=python", "svc", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "USER 10001:10001" in (tmp_path / "svc" / "Dockerfile").read_text()
