"""Interactive prompts, driven headless through prompt_toolkit's pipe input."""

from __future__ import annotations

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from generator.answers import resolve
from generator.detect import detected_answers, detect_all
from generator.prompts import asker
from generator.questions import questions

ENTER = "\r"
DOWN = "\x1b[B"
BACKSPACE = "\x7f"


def run_prompts(keys: str, given=None, detected=None):
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return resolve(questions(), given or {}, detected, asker(input=pipe, output=DummyOutput()))


def test_enter_accepts_every_default():
    answers = run_prompts(ENTER * 40)
    assert answers["stack"] == "python" and answers["port"] == 8000 and answers["uid"] == 65532


def test_select_and_type_answers():
    # clear the default service name, type a new one; pick the second stack (node); accept the rest
    keys = BACKSPACE * 40 + "orders" + ENTER + ENTER + DOWN + ENTER + ENTER * 40
    answers = run_prompts(keys)
    assert answers["service_name"] == "orders"
    assert answers["stack"] == "node"
    assert answers["port"] == 3000


def test_validation_as_you_type_rejects_then_accepts():
    # port: "80" is refused by the validator (the prompt stays), then corrected to 8080
    given = {"service_name": "x", "description": "d", "stack": "python"}
    # asked before the port: stack_version, package_manager, base_flavour
    keys = ENTER * 3 + BACKSPACE * 10 + "80" + ENTER + "80" + ENTER + ENTER * 40
    answers = run_prompts(keys, given)
    assert answers["port"] == 8080


def test_given_answers_are_not_asked():
    answers = run_prompts(ENTER * 40, {"stack": "go", "port": 9999})
    assert answers["stack"] == "go" and answers["port"] == 9999


def test_detected_values_are_the_defaults(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "@acme/web-shop", "engines": {"node": ">=20"}}')
    (tmp_path / "yarn.lock").write_text("")
    answers = run_prompts(ENTER * 40, detected=detected_answers(tmp_path, detect_all(tmp_path)))
    assert (answers["service_name"], answers["stack"], answers["stack_version"], answers["package_manager"]) == \
        ("web-shop", "node", "20", "yarn")


def test_eof_on_prompt_becomes_a_clear_error():
    from generator.errors import InputError

    with create_pipe_input() as pipe:
        pipe.close()
        with pytest.raises((InputError, EOFError)):
            resolve(questions(), {}, None, asker(input=pipe, output=DummyOutput()))
