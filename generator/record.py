"""Load a service's `.dockseal.yml`: the answers, pinned images and template it was generated from.

Records written by older versions still load: the steps in data/migrations.yml rename or drop answer keys and
reshape the layout, each with a message, and answers that did not exist then take their defaults (named too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError
from .seal import RECORD

MIGRATIONS = Path(__file__).parent / "data" / "migrations.yml"


@dataclass
class Record:
    """A parsed record; `rendered` holds the fingerprint and per-file hashes of the last render, if sealed."""

    path: Path
    answers: dict[str, Any]
    images: dict[str, str]
    template: dict[str, str]
    dockseal_version: str
    rendered_fingerprint: str = ""
    rendered_files: dict[str, str] = field(default_factory=dict)
    rendered_record: str = ""
    messages: list[str] = field(default_factory=list)
    pinned_on: dict[str, str] = field(default_factory=dict)  # role -> ISO date the digest was seen current
    # the `policy:` and `registries:` sections as written, so the team config needs no second parse of the record
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def builtin(self) -> bool:
        return self.template.get("source", "builtin") == "builtin"


def load(directory: Path, migrations: Path = MIGRATIONS) -> Record:
    """The record in `directory`, migrated to the current layout; InputError (exit 2) when missing or broken."""
    import yaml

    from .yamlio import safe_load

    path = directory / RECORD
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no dockseal record here (run `dockseal new` first)") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError(f"{path}: not a readable YAML record: {str(err).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise InputError(f"{path}: not a dockseal record (expected a mapping with `answers`)")
    messages = migrate(data, migrations)
    images = data.get("images") or {}
    if not isinstance(images, dict) or not all(isinstance(v, str) for v in images.values()):
        raise InputError(f"{path}: `images` must map a role (builder, runtime) to an image reference")
    template = data.get("template") or {}
    if not isinstance(template, dict):
        raise InputError(f"{path}: `template` must be a mapping with `source` and `version`")
    pinned_on = data.get("pinned_on") or {}
    if not isinstance(pinned_on, dict) or not all(_is_date(v) for v in pinned_on.values()):
        raise InputError(f"{path}: `pinned_on` must map a role (builder, runtime) to a date like 2026-01-31")
    rendered = data.get("rendered") or {}
    files = rendered.get("files") if isinstance(rendered, dict) else None
    return Record(path, dict(data["answers"]), {str(k): v for k, v in images.items()},
                  {"source": str(template.get("source") or "builtin"), "version": str(template.get("version") or "")},
                  str(data.get("dockseal_version") or ""),
                  str(rendered.get("fingerprint") or "") if isinstance(rendered, dict) else "",
                  {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {},
                  str(rendered.get("record") or "") if isinstance(rendered, dict) else "",
                  [f"{path}: {m}" for m in messages], {str(k): str(v) for k, v in pinned_on.items()},
                  {k: data[k] for k in USER_SECTIONS if k in data})


def _is_date(value: Any) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


USER_SECTIONS = ("policy", "registries")  # what a team adds to the record by hand; never rendered


def with_user_sections(new: str, old: str) -> str:
    """The `new` record text with the top-level `policy:` and `registries:` blocks of `old` that `new` lacks
    appended as written (comments and all): an update re-renders the record, and a team's policy must survive."""
    blocks, current = [], None
    for line in old.splitlines(keepends=True):
        if line[:1].strip() and not line.startswith("#"):
            key = line.split(":", 1)[0].strip()
            current = [line] if key in USER_SECTIONS and not re.search(rf"^{key}:", new, re.M) else None
            if current is not None:
                blocks.append(current)
        elif current is not None:
            current.append(line)
    if not blocks:
        return new
    return new + ("" if new.endswith("\n") else "\n") + "".join("".join(b) for b in blocks)


def _key(role: str) -> str:
    """`role` as a YAML mapping key: bare when it is a plain name, else double-quoted (JSON is valid YAML)."""
    return role if re.fullmatch(r"[A-Za-z_][\w.-]*", role) else json.dumps(role)


def with_pinned_on(text: str, dates: dict[str, str]) -> str:
    """The record text with its top-level `pinned_on:` block replaced by `dates` (placed after `images:`).

    A text edit, not a re-dump, so the comments and key order the template wrote stay as they are."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    skipping = False
    for line in lines:
        top = bool(line[:1].strip()) and not line.startswith("#")
        if top or not line.strip():
            skipping = line.startswith("pinned_on:")
        if not skipping:
            out.append(line)
    block = ["pinned_on:\n", *(f"  {_key(role)}: '{day}'\n" for role, day in sorted(dates.items()))] if dates else []
    at = next((i for i, line in enumerate(out) if line.startswith("images:")), None)
    if at is None:
        return "".join(out + block)
    end = next((i for i in range(at + 1, len(out)) if out[i][:1].strip()), len(out))
    while end > at + 1 and not out[end - 1].strip():
        end -= 1
    return "".join(out[:end] + block + out[end:])


def migrate(data: dict[str, Any], migrations: Path = MIGRATIONS) -> list[str]:
    """Bring `data` (a parsed record) up to the current layout in place; returns what was changed."""
    version = data.get("record_version", 1)
    if not isinstance(version, int) or version < 1:
        raise InputError(f"{RECORD}: record_version must be a whole number >= 1, got {str(version)[:20]!r}")
    messages = []
    for step in _steps(migrations.read_text(encoding="utf-8")):
        if version >= step["to"]:
            continue
        answers = data["answers"]
        for old, new in (step.get("rename_answers") or {}).items():
            if old in answers:
                answers.setdefault(new, answers.pop(old))
                messages.append(f"answer `{old}` is now called `{new}`")
        for key in step.get("drop_answers") or []:
            if answers.pop(key, None) is not None:
                messages.append(f"answer `{key}` no longer exists and was dropped")
        if step.get("template_string_to_mapping") and not isinstance(data.get("template"), dict):
            source = data.get("template") or "builtin"
            data["template"] = {"source": str(source), "version": str(data.get("dockseal_version") or "")}
        messages.append(step["message"])
        version = step["to"]
    data["record_version"] = version
    return messages


@lru_cache(maxsize=8)
def _steps(text: str) -> tuple[dict[str, Any], ...]:
    """The migration steps of a migrations file's text, parsed once per process (every record reads them)."""
    from .yamlio import safe_load

    return tuple(safe_load(text).get("steps", []))


def missing_keys(record: Record, keys: list[str]) -> list[str]:
    """Answer keys this dockseal asks that the record does not hold (they take their defaults)."""
    return [k for k in keys if k not in record.answers]
