"""Every command the README's supply-chain section shows works as shown."""

from __future__ import annotations

import re
import shlex

from conftest import ROOT
from generator.cli import main


def section_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Supply chain:", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_commands_work(tmp_path, monkeypatch):
    commands = section_commands()
    assert len(commands) == 3 and all(c[:2] == ["dockseal", "new"] for c in commands)
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        assert main(argv[1:]) == 0, argv
    assert (tmp_path / "orders/.github/workflows/container.yml").is_file()
    assert (tmp_path / "orders-gl/.gitlab-ci.yml").is_file()
    assert (tmp_path / "tool/signing/policy.json").is_file()
