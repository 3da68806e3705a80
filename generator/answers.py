"""The answers model: one `Question` type whose parse/validate serve prompts, files and flags alike.

Priority, highest first: `--set KEY=VALUE`, `--answers FILE`, interactive prompts, detection, defaults.
A given value that is invalid is an error (exit 2); a detected value that is invalid is ignored.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import AnswerError, InputError
from .text import text_problem

AUTO = "auto"
Answers = dict[str, Any]
Ask = Callable[["Question", Any, Answers], Any]


@dataclass(frozen=True)
class Question:
    """One answer key: how to parse it, validate it and ask for it."""

    key: str
    prompt: str
    kind: str = "text"  # text | slug | int | bool | choice | paths | argv
    help: str = ""
    pattern: str | None = None
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    choices: Callable[[Answers], list[str]] | None = None
    auto: Callable[[Answers], Any] | None = None
    when: Callable[[Answers], bool] | None = None
    inactive: Any = None
    static_default: Any = field(default=None, compare=False)

    def active(self, answers: Answers) -> bool:
        return self.when is None or self.when(answers)

    def default(self, answers: Answers) -> Any:
        """The default when nothing was given or detected (`auto` computes it from earlier answers)."""
        if self.static_default in (None, AUTO) and self.auto is not None:
            return self.auto(answers)
        if self.kind == "choice" and isinstance(self.static_default, list):
            return self.static_default[0]
        return self.static_default

    def allowed(self, answers: Answers) -> list[str]:
        return list(self.choices(answers)) if self.choices else []

    def parse(self, raw: Any, answers: Answers) -> Any:
        """The typed, validated value for `raw` (from YAML, JSON, a flag or a prompt), or AnswerError."""
        parser = getattr(self, f"_parse_{self.kind}")
        return parser(raw, answers)

    def check(self, text: str, answers: Answers) -> bool | str:
        """questionary's `validate=` contract: True, or the message to show while the user types."""
        try:
            self.parse(text, answers)
        except AnswerError as err:
            return err.reason
        return True

    def as_text(self, value: Any) -> str:
        """How a value is shown as a prompt default (and read back by `parse`)."""
        if self.kind == "argv":
            return shlex.join(value or [])
        if self.kind == "paths":
            return ",".join(value or [])
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    # -- parsers, one per kind ------------------------------------------------------------------------------
    def _fail(self, message: str) -> AnswerError:
        return AnswerError(self.key, message)

    def _parse_text(self, raw: Any, answers: Answers) -> str:
        if raw is None:
            raw = ""
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise self._fail("must be a single line of text")
        value = str(raw)
        problem = text_problem(value, self.max_length)
        if problem:
            raise self._fail(problem)
        if self.pattern and value and not re.fullmatch(self.pattern, value):
            raise self._fail(f"{value!r} is not allowed; {self.help or 'must match ' + self.pattern}")
        return value

    def _parse_slug(self, raw: Any, answers: Answers) -> str:
        value = self._parse_text(raw, answers)
        if not value:
            raise self._fail(f"must not be empty; {self.help}")
        return value

    def _parse_int(self, raw: Any, answers: Answers) -> int:
        if isinstance(raw, bool):
            raise self._fail("must be a whole number")
        if isinstance(raw, str) and re.fullmatch(r"\s*\d{1,10}\s*", raw):
            raw = int(raw)
        if not isinstance(raw, int):
            raise self._fail(f"must be a whole number, got {str(raw)[:40]!r}")
        lo, hi = self.minimum, self.maximum
        if (lo is not None and raw < lo) or (hi is not None and raw > hi):
            raise self._fail(f"must be between {lo} and {hi}, got {raw}")
        return raw

    def _parse_bool(self, raw: Any, answers: Answers) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "y", "1", "on"):
            return True
        if text in ("false", "no", "n", "0", "off"):
            return False
        raise self._fail(f"must be true or false, got {str(raw)[:40]!r}")

    def _parse_choice(self, raw: Any, answers: Answers) -> str:
        allowed = self.allowed(answers)
        value = str(raw).strip() if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else None
        if value not in allowed:
            shown = str(raw)[:40]
            raise self._fail(f"{shown!r} is not allowed; choose one of: {', '.join(allowed)}")
        return value

    def _parse_paths(self, raw: Any, answers: Answers) -> list[str]:
        if raw is None or raw == "":
            return []
        items = raw if isinstance(raw, list) else re.split(r"[,\s]+", str(raw).strip())
        paths: list[str] = []
        for item in items:
            if not isinstance(item, str) or not re.fullmatch(r"(/[A-Za-z0-9._-]+)+/?", item) \
                    or any(part in (".", "..") for part in item.split("/")):
                raise self._fail(f"{str(item)[:60]!r} is not allowed; {self.help}")
            path = item.rstrip("/")
            if path not in paths:
                paths.append(path)
        if len(paths) > 32:
            raise self._fail("at most 32 paths")
        return paths

    def _parse_argv(self, raw: Any, answers: Answers) -> list[str]:
        if isinstance(raw, str):
            problem = text_problem(raw, self.max_length)
            if problem:
                raise self._fail(problem)
            try:
                raw = shlex.split(raw)
            except ValueError as err:
                raise self._fail(f"cannot split into arguments: {err}") from None
        if not isinstance(raw, list) or not raw or len(raw) > 64:
            raise self._fail("must be a command with 1 to 64 arguments")
        argv = []
        for item in raw:
            if not isinstance(item, str) or not item:
                raise self._fail("every argument must be non-empty text")
            problem = text_problem(item, self.max_length)
            if problem:
                raise self._fail(problem)
            if item.endswith("\\"):  # JSON `"a\\"` is read by hadolint as an escaped quote: not exec form
                raise self._fail(f"{item[:60]!r}: an argument may not end with a backslash")
            argv.append(item)
        return argv


def resolve(questions: list[Question], given: Answers, detected: Answers | None = None,
            ask: Ask | None = None) -> Answers:
    """Answers for every question, in order, so later questions can depend on earlier ones."""
    known = {q.key for q in questions}
    unknown = sorted(set(given) - known)
    if unknown:
        raise AnswerError(unknown[0], f"unknown answer key; known keys: {', '.join(sorted(known))}")
    detected = detected or {}
    answers: Answers = {}
    for question in questions:
        if not question.active(answers):
            answers[question.key] = question.inactive
            continue
        raw = given.get(question.key)
        if question.key in given and raw is not None and raw != AUTO:
            answers[question.key] = question.parse(raw, answers)
            continue
        default = question.default(answers)
        if question.key in detected:
            try:
                default = question.parse(detected[question.key], answers)
            except AnswerError:
                pass
        answers[question.key] = ask(question, default, answers) if ask else question.parse(default, answers)
    return answers


def parse_set(items: tuple[str, ...] | list[str]) -> Answers:
    """`--set KEY=VALUE` values, each read as a YAML scalar (`true`, `8080`) or a flow list/mapping."""
    import yaml

    out: Answers = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            raise InputError(f"--set {item[:60]!r}: expected KEY=VALUE with a lowercase key")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        if isinstance(value, (dict,)) or (value is not None and not isinstance(value, (str, int, bool, list, float))):
            value = text  # dates and other YAML types stay the text the user typed
        out[key] = value
    return out


def load_file(path: Path) -> Answers:
    """An answers file, YAML or JSON (JSON is YAML), whose top level is a mapping of keys to values."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"--answers {path}: cannot read: {err.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as err:
        raise InputError(f"--answers {path}: not valid YAML/JSON: {str(err).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"--answers {path}: the top level must be a mapping of answer keys to values")
    if "answers" in data and isinstance(data["answers"], dict) and "dockseal_version" in data:
        data = data["answers"]  # a .dockseal.yml works as an answers file too
    return {str(k): v for k, v in data.items()}
