"""The answers model: parsing, validation, priorities, --set scalars and answers files."""

from __future__ import annotations

import json

import pytest

from generator.answers import load_file, parse_set, resolve
from generator.errors import AnswerError, InputError
from generator.questions import questions, public_keys
from generator.template import cookiecutter_defaults


def res(given=None, detected=None):
    return resolve(questions(), given or {}, detected)


def test_cookiecutter_json_and_questions_have_the_same_public_keys():
    defaults = cookiecutter_defaults()
    assert set(public_keys()) == {k for k in defaults if not k.startswith("_")}


def test_defaults_resolve_for_every_stack():
    for stack in ("python", "node", "go"):
        answers = res({"stack": stack})
        assert answers["stack"] == stack
        assert 1024 <= answers["port"] <= 65535
        assert answers["uid"] == 65532 and answers["gid"] == 65532


@pytest.mark.parametrize("key,value,fragment", [
    ("service_name", "Orders", "lowercase DNS label"),
    ("service_name", "-x", "lowercase DNS label"),
    ("service_name", "a" * 64, "at most 63"),
    ("stack", "cobol", "choose one of"),
    ("stack_version", "2.7", "choose one of"),
    ("port", 80, "between 1024 and 65535"),
    ("port", 70000, "between 1024 and 65535"),
    ("port", "http", "whole number"),
    ("port", True, "whole number"),
    ("uid", 0, "between 1 and"),
    ("gid", 0, "between 1 and"),
    ("private_index", "maybe", "true or false"),
    ("writable_paths", "relative/path", "absolute"),
    ("writable_paths", "/a/../etc", "absolute"),
    ("health_path", "healthz", "absolute URL path"),
    ("health_path", "/x'y", "absolute URL path"),
    ("description", "two\nlines", "one line"),
    ("description", "x" * 201, "at most 200"),
    ("description", "{{ 7*7 }}", "template syntax"),
    ("description", "bidi \u202e trick", "one line"),
    ("command", "", "1 to 64"),
    ("command", "python3 'unterminated", "cannot split"),
    ("source_url", "http://insecure.example", "https://"),
    ("licenses", "MIT; rm -rf /", "SPDX"),
    ("image_repository", "Registry/Name", "lowercase"),
])
def test_invalid_given_values_name_the_key(key, value, fragment):
    given = {"stack": "python", key: value} if key != "stack" else {key: value}
    with pytest.raises(AnswerError) as err:
        res(given)
    assert err.value.key == key
    assert fragment in str(err.value)


def test_unknown_key_is_refused():
    with pytest.raises(AnswerError, match="unknown answer key"):
        res({"colour": "blue"})


def test_flavour_must_exist_for_the_version():
    with pytest.raises(AnswerError, match="base_flavour"):
        res({"stack": "python", "stack_version": "3.13", "base_flavour": "distroless"})


def test_priority_given_over_detected_over_default():
    answers = res({"port": 9001}, {"port": 9002, "stack": "node", "stack_version": "20"})
    assert answers["port"] == 9001
    assert answers["stack"] == "node" and answers["stack_version"] == "20"
    assert res({}, {})["port"] == 8000


def test_invalid_detected_value_falls_back_to_default():
    answers = res({"stack": "python"}, {"stack_version": "2.7", "service_name": "Not A Slug"})
    assert answers["stack_version"] == "3.11"
    assert answers["service_name"] == "example-service"


def test_auto_means_default():
    assert res({"stack": "go", "port": "auto"})["port"] == 8080


def test_parse_set_reads_yaml_scalars():
    values = parse_set(["port=8080", "private_index=true", "description=hello world", "writable_paths=[/a, /b]",
                        "vendor=", "app_version=2026-01-01"])
    assert values == {"port": 8080, "private_index": True, "description": "hello world",
                      "writable_paths": ["/a", "/b"], "vendor": "", "app_version": "2026-01-01"}


@pytest.mark.parametrize("item", ["noequals", "Upper=1", "=x", "with space=1"])
def test_parse_set_rejects_malformed(item):
    with pytest.raises(InputError):
        parse_set([item])


def test_load_file_yaml_json_and_record(tmp_path):
    (tmp_path / "a.yml").write_text("stack: go\nport: 9090\n")
    (tmp_path / "a.json").write_text(json.dumps({"stack": "node"}))
    (tmp_path / ".dockseal.yml").write_text("dockseal_version: 0.1.0\nanswers: {stack: python}\n")
    assert load_file(tmp_path / "a.yml") == {"stack": "go", "port": 9090}
    assert load_file(tmp_path / "a.json") == {"stack": "node"}
    assert load_file(tmp_path / ".dockseal.yml") == {"stack": "python"}


@pytest.mark.parametrize("content", ["- a\n- b\n", "key: [unclosed\n", "just text"])
def test_load_file_rejects_non_mappings(tmp_path, content):
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises(InputError, match="--answers"):
        load_file(path)


def test_argv_from_string_and_list():
    assert res({"stack": "python", "command": "gunicorn 'app:create()' -b :8000"})["command"] == \
        ["gunicorn", "app:create()", "-b", ":8000"]
    assert res({"stack": "python", "command": ["python3", "-m", "x"]})["command"] == ["python3", "-m", "x"]


def test_cookiecutter_stack_choices_are_the_registered_stacks():
    from generator import stacks

    assert cookiecutter_defaults()["stack"] == list(stacks.STACKS)
