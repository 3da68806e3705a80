"""Hostile answers for the keys the new stacks put into Dockerfiles, shell lines and server configs
(main_package in `dotnet restore`/`COPY`/`cp`, health_path in nginx and php-fpm probes, the start command):
each is refused (exit 2, nothing written) or appears only as validated or quoted data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checkers
from generator.cli import main

FRAGMENTS = ["\n", "\\", '"', "'", "$(id)", "${HOME}", "`id`", "{{ 7*7 }}", ";", "|", "&&", " ", "..", "/..",
             "{", "}", "#", "\u202e", "漢", "a" * 5000, "-", "./", "/", "%", "?", "=", "~"]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=10)), min_size=1, max_size=6).map("".join)
CASES = [("static", "main_package"), ("dotnet", "main_package"), ("static", "health_path"),
         ("php", "health_path"), ("ruby", "command"), ("java", "health_path")]
SAFE_PATH = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~/%=&?-")


def run_new(tmp: Path, stack: str, key: str, value) -> tuple[int, Path]:
    answers = tmp / "answers.json"
    answers.write_text(json.dumps({"stack": stack, key: value}))
    target = tmp / "out"
    return main(["new", "--no-input", "--answers", str(answers), str(target)]), target


@pytest.mark.parametrize("stack,key", CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_hostile_values_for_new_stacks(tmp_path_factory, stack, key):
    import dockerfile as buildkit

    root = tmp_path_factory.mktemp(f"{stack}-{key}")
    counter = iter(range(10_000))

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(value=hostile)
    def prop(value):
        tmp = root / str(next(counter))
        tmp.mkdir()
        rc, target = run_new(tmp, stack, key, value)
        if rc == 2:
            assert not target.exists()
            return
        assert rc == 0
        if key == "main_package":
            assert ".." not in value.split("/") and set(value) <= SAFE_PATH
        if key == "health_path":
            assert set(value) <= SAFE_PATH
        if key == "command":
            entry = [i for i in buildkit.parse_file(str(target / "Dockerfile")) if i.cmd == "ENTRYPOINT"][0]
            assert entry.json
        assert checkers.hadolint(target / "Dockerfile") == ""

    prop()


@pytest.mark.parametrize("value", ["./..", "./../secrets", "./dist/../..", "../x", "/etc", "./a b", "./$(id)"])
def test_bad_folders_are_refused(tmp_path, value):
    rc, target = run_new(tmp_path, "static", "main_package", value)
    assert rc == 2 and not target.exists()


def test_unusual_but_valid_values_stay_data(tmp_path):
    """Valid values with shell- and nginx-significant characters reach their files as the validated text."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"stack": "static", "main_package": "./site-1.0_x", "package_manager": "none",
                                   "health_path": "/health/~a=b&c%20?x=1"}))
    assert main(["new", "--no-input", "--answers", str(answers), str(tmp_path / "out")]) == 0
    conf = (tmp_path / "out" / ".dockseal" / "nginx" / "default.conf").read_text()
    assert "location = /health/~a=b&c%20 {" in conf
    dockerfile = (tmp_path / "out" / "Dockerfile").read_text()
    assert "COPY ./site-1.0_x/ /out/site/" in dockerfile
    assert checkers.hadolint(tmp_path / "out" / "Dockerfile") == ""
