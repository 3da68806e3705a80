"""`dockseal new`: the command line contract (files, refusals, dry run, exit codes, atomicity)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import writer
from generator.cli import main
from generator.errors import InputError


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_writes_into_dir_and_records_answers(tmp_path, capsys):
    target = tmp_path / "svc"
    assert main(["new", "--no-input", "--set", "stack=go", "--set", "port=9090", str(target)]) == 0
    assert {"Dockerfile", ".dockerignore", ".dockseal.yml", ".dockseal/healthprobe/main.go"} <= set(snapshot(target))
    record = yaml.safe_load((target / ".dockseal.yml").read_text())
    assert record["answers"]["port"] == 9090 and record["answers"]["stack"] == "go"
    assert record["dockseal_version"]
    assert all("@sha256:" in ref for ref in record["images"].values())
    assert "wrote" in capsys.readouterr().out


def test_default_directory_is_cwd_and_other_files_are_untouched(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--no-input"]) == 0
    assert (tmp_path / "app.py").read_text() == "print('hi')\n"
    record = yaml.safe_load((tmp_path / ".dockseal.yml").read_text())
    assert record["answers"]["stack"] == "python"
    assert record["answers"]["command"] == ["python3", "app.py"]


def test_existing_files_are_refused_without_force(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    before = snapshot(tmp_path)
    assert main(["new", "--no-input", "--set", "stack=python", str(tmp_path)]) == 2
    assert snapshot(tmp_path) == before
    err = capsys.readouterr().err
    assert "Dockerfile" in err and "--force" in err
    assert main(["new", "--no-input", "--set", "stack=python", "--force", str(tmp_path)]) == 0
    assert (tmp_path / "Dockerfile").read_text().startswith("# syntax=")


def test_rerun_with_same_answers_is_a_no_op(tmp_path, capsys):
    args = ["new", "--no-input", "--set", "stack=node", str(tmp_path)]
    assert main(args) == 0
    assert main(args) == 0
    assert "already up to date" in capsys.readouterr().out


def test_dry_run_writes_nothing_and_shows_diff(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    before = snapshot(tmp_path)
    assert main(["new", "--no-input", "--dry-run", "--set", "stack=python", str(tmp_path / "sub")]) == 0
    assert main(["new", "--no-input", "--dry-run", "--set", "stack=python", str(tmp_path)]) == 0
    assert snapshot(tmp_path) == before and not (tmp_path / "sub").exists()
    out = capsys.readouterr().out
    assert "changed   " in out and "-FROM scratch" in out and "+FROM docker.io/library/python" in out


@pytest.mark.parametrize("args,fragment", [
    (["--set", "port=80"], "port: must be between 1024 and 65535"),
    (["--set", "stack=cobol"], "stack: 'cobol' is not allowed"),
    (["--set", "uid=0"], "uid: must be between 1"),
    (["--set", "nonsense"], "expected KEY=VALUE"),
    (["--set", "colour=blue"], "colour: unknown answer key"),
    (["--answers", "missing.yml"], "cannot read"),
    (["--bogus-flag"], "No such option"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "svc"
    assert main(["new", "--no-input", *args, str(target)]) == 2
    assert not target.exists()
    err = capsys.readouterr().err
    assert fragment in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 4


def test_answers_file_then_set_priority(tmp_path):
    answers = tmp_path / "answers.yml"
    answers.write_text("stack: node\nport: 4000\ndescription: from file\n")
    target = tmp_path / "svc"
    assert main(["new", "--no-input", "--answers", str(answers), "--set", "port=4001", str(target)]) == 0
    record = yaml.safe_load((target / ".dockseal.yml").read_text())["answers"]
    assert (record["stack"], record["port"], record["description"]) == ("node", 4001, "from file")


def test_several_detected_stacks_need_a_choice(tmp_path, capsys):
    (tmp_path / "package.json").write_text('{"name": "web"}')
    (tmp_path / "go.mod").write_text("module example.org/web\n\ngo 1.24\n")
    assert main(["new", "--no-input", str(tmp_path)]) == 2
    assert "matches several stacks" in capsys.readouterr().err
    assert main(["new", "--no-input", "--set", "stack=go", str(tmp_path)]) == 0


def test_target_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["new", "--no-input", str(target)]) == 2


def test_prompting_without_a_terminal_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "new", str(tmp_path / "svc")],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "--no-input" in proc.stderr
    assert not (tmp_path / "svc").exists()


def test_commit_is_all_or_nothing(tmp_path, monkeypatch):
    (tmp_path / "keep").write_text("old")
    changes = writer.plan(tmp_path, {"a.txt": b"A", "keep": b"new", "b/c.txt": b"C"})
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(KeyboardInterrupt):
        writer.commit(tmp_path, changes)
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".dockseal-tmp")]
    assert leftovers == []
    assert (tmp_path / "keep").read_text() in ("old", "new")  # whole, never partial


def test_plan_refuses_paths_outside_the_target(tmp_path):
    with pytest.raises(Exception, match="outside"):
        writer.plan(tmp_path, {"../escape.txt": b"x"})
    (tmp_path / "link").symlink_to(tmp_path.parent)
    with pytest.raises(Exception):
        writer.plan(tmp_path, {"link/x": b"x"})
    (tmp_path / "real").write_text("the user's")
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "real")
    with pytest.raises(InputError, match="not a regular file"):
        writer.plan(tmp_path, {"Dockerfile": b"x"})
    (tmp_path / "k8s").write_text("a file")
    with pytest.raises(InputError, match="is a file, not a folder"):
        writer.plan(tmp_path, {"k8s/base/app.yaml": b"x"})


def test_unexpected_errors_exit_3(tmp_path, monkeypatch, capsys):
    import generator.new as new_module

    def boom(*_a, **_k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(new_module, "render", boom)
    assert main(["new", "--no-input", str(tmp_path / "x")]) == 3
    assert "kaboom" in capsys.readouterr().err


def test_version_flag(capsys):
    assert main(["--version"]) == 0
    assert "dockseal" in capsys.readouterr().out


def test_end_of_life_bases_are_warned_about(tmp_path, capsys):
    assert main(["new", "--no-input", "--set", "stack=node", "--set", "stack_version=20", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "node:20-bookworm-slim reached end of life on 2026-04-30" in err
