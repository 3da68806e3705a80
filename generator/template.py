"""Where the built-in cookiecutter template lives: the checkout root, or the copy inside the wheel."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def builtin_template() -> Path:
    """The checkout root when running from a checkout (so edits show at once), else the packaged copy."""
    for candidate in (_PACKAGE.parent, _PACKAGE / "template"):
        if (candidate / "cookiecutter.json").is_file() and (candidate / "hooks").is_dir():
            return candidate
    raise RuntimeError("dockseal's built-in template is missing from the installation")


@lru_cache(maxsize=None)
def cookiecutter_defaults(template: Path | None = None) -> dict[str, Any]:
    """The template's `cookiecutter.json`: the static defaults and the order of the public keys."""
    path = (template or builtin_template()) / "cookiecutter.json"
    return json.loads(path.read_text(encoding="utf-8"))
