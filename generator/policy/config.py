"""Audit settings: defaults, overridden by a `.dockseal-audit.yml` file, overridden by command-line flags.

The registry allow-list is the team policy that `new` and `pin` use (`policy.allowed_registries` in
pyproject.toml, .dockseal.yml or the organisation config), so one list governs generating and auditing.

    ignore: [DS114]                 # controls switched off everywhere
    severity: {DS202: warning}      # severity overrides
    fail_on: warning                # error | warning | info | none
    pss_version: v1.30              # Pod Security policy version (latest by default)
    exclude: ["legacy/**"]          # path globs not audited
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .finding import SEVERITIES

CONFIG_NAME = ".dockseal-audit.yml"
FAIL_ON = (*SEVERITIES, "none")
_ID = re.compile(r"^DS\d{3}$")


@dataclass(frozen=True)
class Config:
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "info"
    pss_version: str = "latest"
    exclude: tuple[str, ...] = ()
    allowed_registries: tuple[str, ...] | None = None  # set by callers that already loaded the team policy

    @property
    def registries(self) -> list[str]:
        """The team policy's allow-list: the one given, else the one found from the current directory."""
        if self.allowed_registries is not None:
            return list(self.allowed_registries)
        return list(_team_registries(Path.cwd()))

    def with_fail_on(self, fail_on: str | None) -> "Config":
        return self if fail_on is None else replace(self, fail_on=_choice("fail_on", fail_on, FAIL_ON))


@lru_cache(maxsize=8)
def _team_registries(directory: Path) -> tuple[str, ...]:
    from .. import policy_config

    return policy_config.load(directory).allowed_registries


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(f"{key}: {value!r} is not allowed; choose one of: {', '.join(allowed)}")
    return value


def _ids(key: str, value: Any) -> list[str]:
    from .controls import registry

    if not isinstance(value, list) or not all(isinstance(v, str) and _ID.match(v) for v in value):
        raise InputError(f"{key}: expected a list of control ids like DS001")
    unknown = [v for v in value if v not in registry()]
    if unknown:
        raise InputError(f"{key}: unknown control(s) {', '.join(unknown)} (see dockseal audit --list)")
    return value


def parse(data: Any, source: str = CONFIG_NAME) -> Config:
    """A Config from the mapping in a config file; InputError naming the key on anything unexpected."""
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping of settings")
    known = {"ignore", "severity", "fail_on", "pss_version", "exclude"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"{source}: unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(sorted(known))}")
    severity = data.get("severity") or {}
    if not isinstance(severity, dict):
        raise InputError(f"{source}: severity: expected a mapping of control id to {'|'.join(SEVERITIES)}")
    _ids(f"{source}: severity", list(severity))
    for cid, level in severity.items():
        _choice(f"{source}: severity.{cid}", level, SEVERITIES)
    exclude = data.get("exclude") or []
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise InputError(f"{source}: exclude: expected a list of path globs")
    version = data.get("pss_version", "latest")
    if not isinstance(version, str):  # unquoted 1.30 is the number 1.3: never guess which version was meant
        raise InputError(f"{source}: pss_version: {version!r} is not a string; quote it, e.g. pss_version: \"v1.30\"")
    if version != "latest" and not re.fullmatch(r"v?1\.\d{1,2}", version):
        raise InputError(f"{source}: pss_version: {version!r} is not allowed; use latest or v1.MINOR")
    return Config(frozenset(_ids(f"{source}: ignore", data.get("ignore") or [])), dict(severity),
                  _choice(f"{source}: fail_on", data.get("fail_on", "info"), FAIL_ON), version, tuple(exclude))


def load(path: Path | None = None) -> Config:
    """The config file given, or `.dockseal-audit.yml` in the current directory when present."""
    if path is None:
        path = Path(CONFIG_NAME)
        if not path.is_file():
            return Config()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: cannot read the audit config ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: the audit config is not UTF-8 ({err.reason} at byte {err.start})") from None
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    return parse(data, str(path))
