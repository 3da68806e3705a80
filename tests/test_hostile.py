"""Hostile answers: each is refused (exit 2, nothing written) or appears only as a quoted literal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checkers
from generator.cli import main

FRAGMENTS = ["\n", "\r\n", "\\", "\\\n", '"', "'", "$(id)", "${HOME}", "$HOME", "`id`", "{{ 7*7 }}",
             "{% raw %}", "{#", "#}", "\u202e", "\u2028", "\x00", "\x1b[31m", "é", "漢字", "🚀", "&&", ";", "|",
             "\t", "FROM scratch", "RUN rm -rf /", "--", "#", "-", "=", "a" * 10_000, "%", "\ufeff"]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), min_size=1, max_size=6).map("".join)
FREE_TEXT = ["description", "vendor", "authors", "command"]
PATTERNED = ["service_name", "health_path", "licenses", "source_url", "documentation_url", "app_version",
             "writable_paths", "image_repository"]


def decode_dockerfile_word(word: str) -> str:
    assert word.startswith('"') and word.endswith('"'), word
    out, i, body = [], 0, word[1:-1]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in '\\"$':
            out.append(body[i + 1])
            i += 2
        else:
            assert body[i] not in '"$', f"unescaped {body[i]!r} in {word!r}"
            out.append(body[i])
            i += 1
    return "".join(out)


def run_new(tmp: Path, key: str, value) -> tuple[int, Path]:
    answers = tmp / "answers.json"
    answers.write_text(json.dumps({"stack": "python", key: value}))
    target = tmp / "out"
    return main(["new", "--no-input", "--answers", str(answers), str(target)]), target


def check_outcome(tmp: Path, key: str, value, rc: int, target: Path) -> None:
    import dockerfile as buildkit

    if rc == 2:
        assert not target.exists(), "refused input must write nothing"
        return
    assert rc == 0
    instructions = buildkit.parse_file(str(target / "Dockerfile"))
    baseline = [i.cmd for i in buildkit.parse_file(str(tmp.parent / "baseline" / "Dockerfile"))]
    assert [i.cmd for i in instructions] == baseline, "no instruction may be added or removed"
    record = yaml.safe_load((target / ".dockseal.yml").read_text(encoding="utf-8"))["answers"]
    if key in ("description", "vendor", "authors"):
        assert record[key] == value
        labels = {}
        for instr in instructions:
            if instr.cmd == "LABEL":
                labels.update(dict(zip(instr.value[::2], instr.value[1::2])))
        wanted = {"description": "description", "vendor": "vendor", "authors": "authors"}[key]
        if value:
            assert decode_dockerfile_word(labels[f"org.opencontainers.image.{wanted}"]) == value
    if key == "command":
        entry = [i for i in instructions if i.cmd == "ENTRYPOINT"][0]
        assert entry.json and list(entry.value) == record["command"]
    assert checkers.hadolint(target / "Dockerfile") == ""


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    assert main(["new", "--no-input", "--set", "stack=python", str(root / "baseline")]) == 0
    return root


@pytest.mark.parametrize("key", FREE_TEXT + PATTERNED)
def test_hostile_values(baseline, key, tmp_path_factory):
    counter = iter(range(10_000))

    @settings(max_examples=30 if key in FREE_TEXT else 12, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(value=hostile)
    def prop(value):
        tmp = baseline / f"{key}-{next(counter)}"
        tmp.mkdir()
        rc, target = run_new(tmp, key, value)
        check_outcome(tmp, key, value, rc, target)

    prop()


def test_template_syntax_is_data_not_code(tmp_path):
    """Even where allowed through, `{{ }}` never reaches Jinja: answers travel unrendered in `_answers`."""
    rc, target = run_new(tmp_path, "command", ["python3", "-c", "print('{{ 7*7 }}')"])
    assert rc == 2  # refused: template markers are not allowed in any free text
    rc, target = run_new(tmp_path, "description", "costs $5 \"quoted\" back")
    assert rc == 0
    assert 'description="costs \\$5 \\"quoted\\" back"' in (target / "Dockerfile").read_text()
    (tmp_path / "b").mkdir()
    rc, target = run_new(tmp_path / "b", "description", "back\\")
    assert rc == 2  # a backslash cannot be quoted so that hadolint and BuildKit agree: refused
