"""Organisation settings: a team's template, answer defaults, policy and accepted edits, from one YAML file.

Found as `--config FILE`, else `$DOCKSEAL_CONFIG`, else the nearest `.dockseal-org.yml` in the current directory
or above it (a monorepo keeps one at its root). Unknown keys are refused, so a typo never silently loosens policy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

FILENAME = ".dockseal-org.yml"
_POLICY_KEYS = {"allowed_registries": list, "required_labels": list, "uid": int, "max_digest_age_days": int}


@dataclass(frozen=True)
class OrgConfig:
    path: Path | None = None
    template: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    allowed_registries: list[str] | None = None
    required_labels: list[str] = field(default_factory=list)
    uid: int | None = None
    max_digest_age_days: int | None = None
    ignore: list[str] = field(default_factory=list)


def find(start: Path | None = None) -> Path | None:
    env = os.environ.get("DOCKSEAL_CONFIG")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / FILENAME).is_file():
            return folder / FILENAME
    return None


def load(path: Path | None = None) -> OrgConfig:
    """The organisation config (an empty one when there is none); InputError naming the key when invalid."""
    import yaml

    from .yamlio import safe_load

    path = path or find()
    if path is None:
        return OrgConfig()
    try:
        data = safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read the organisation config: {str(err).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: the top level must be a mapping (template, defaults, policy, check)")
    _only(path, "", data, {"template", "defaults", "policy", "check"})
    policy = _mapping(path, "policy", data.get("policy"))
    _only(path, "policy.", policy, set(_POLICY_KEYS))
    for key, kind in _POLICY_KEYS.items():
        if key in policy and not (isinstance(policy[key], kind) and not isinstance(policy[key], bool)):
            raise InputError(f"{path}: policy.{key} must be a {'list' if kind is list else 'whole number'}")
    for key in ("allowed_registries", "required_labels"):
        if not all(isinstance(x, str) and x for x in policy.get(key, [])):
            raise InputError(f"{path}: policy.{key} must be a list of non-empty strings")
    check = _mapping(path, "check", data.get("check"))
    _only(path, "check.", check, {"ignore"})
    ignore = check.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(x, str) for x in ignore):
        raise InputError(f"{path}: check.ignore must be a list of file globs")
    template = data.get("template")
    if template is not None and not isinstance(template, str):
        raise InputError(f"{path}: template must be a directory or a git URL")
    from .source import BUILTIN, is_git_url

    if template and template != BUILTIN and not is_git_url(template):
        template = str((path.parent / Path(template).expanduser()).resolve())  # relative to the config file
    return OrgConfig(path, template, _mapping(path, "defaults", data.get("defaults")),
                     policy.get("allowed_registries"), policy.get("required_labels", []), policy.get("uid"),
                     policy.get("max_digest_age_days"), ignore)


def _mapping(path: Path, key: str, value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{path}: {key} must be a mapping")
    return value


def _only(path: Path, prefix: str, data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise InputError(f"{path}: unknown key {prefix}{unknown[0]}; allowed: {', '.join(sorted(allowed))}")
