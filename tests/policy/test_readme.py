"""Every command and the config example of the README's audit section work as shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from generator.cli import main
from generator.policy.config import parse as parse_config

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## `dockseal audit", 1)[1].split("\n## ", 1)[0]


def test_readme_commands_work(tmp_path, monkeypatch):
    blocks = re.findall(r"```sh\n(.*?)```", SECTION, re.DOTALL)
    commands = [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 3 and all(c[:2] == ["dockseal", "audit"] for c in commands)
    (tmp_path / "Dockerfile").write_text("FROM gcr.io/distroless/static-debian12:nonroot\n"
                                         "COPY app /app\nENTRYPOINT [\"/app\"]\n")
    before = (tmp_path / "Dockerfile").read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(commands[0][1:]) == 0
    assert main(commands[1][1:]) == 1
    assert main(commands[2][1:]) == 1
    assert (tmp_path / "Dockerfile").read_bytes() == before


def test_readme_config_example_is_valid():
    example = re.findall(r"```yaml\n(.*?)```", SECTION, re.DOTALL)[0]
    config = parse_config(yaml.safe_load(example))
    assert config.fail_on == "warning" and "DS114" in config.ignore


def test_readme_counts_the_controls():
    from generator.policy.controls import MODULES

    assert f"({len(MODULES)} controls" in SECTION
