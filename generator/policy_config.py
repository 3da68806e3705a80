"""Team configuration: the registry allow-list and digest age policy, plus registry mirrors and timeout.

Read from the service's `.dockseal.yml` (`policy:` and `registries:` sections), the nearest
`pyproject.toml` (`[tool.dockseal.policy]`, `[tool.dockseal.registries]`) and the organisation config
(`.dockseal-org.yml`, generator/config.py), so one file can serve a whole repository and a service can adjust
it. Priority: command-line flags > .dockseal.yml > pyproject.toml > organisation config > the catalog. `new`, `pin` and `check` all load it here, so they enforce the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import refs
from .errors import InputError, PolicyError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .config import OrgConfig

RECORD_FILE = ".dockseal.yml"
_PREFIX = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*/?$")
POLICY_KEYS = {"allowed_registries", "max_digest_age_days"}
REGISTRY_KEYS = {"mirrors", "timeout"}


@dataclass(frozen=True)
class TeamConfig:
    """The merged configuration, with the files it came from (for messages)."""

    allowed_registries: tuple[str, ...]
    max_digest_age_days: int
    mirrors: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    sources: tuple[str, ...] = ()

    def allows(self, reference: str | refs.ImageRef) -> bool:
        """Whether the reference's `registry/repository` starts with an allowed prefix.

        A prefix ending in `/` matches anything below it (`docker.io/library/`); otherwise it names a repository
        or a path boundary (`ghcr.io/acme` matches `ghcr.io/acme/app`, not `ghcr.io/acme-evil/app`).
        """
        from . import catalog

        return catalog.load().is_trusted(str(reference), list(self.allowed_registries))

    def require_allowed(self, references: list[tuple[str, str | refs.ImageRef]]) -> None:
        """PolicyError naming every (where, reference) that is not from an allowed registry or publisher."""
        refused = [f"{ref} ({where})" for where, ref in references if not self.allows(ref)]
        if refused:
            origin = ", ".join(self.sources) or "the catalog's trusted publishers"
            raise PolicyError(f"untrusted image: {'; '.join(refused)} is not from an allowed registry "
                              f"(allowed by {origin}: {', '.join(self.allowed_registries)}); use a catalog image "
                              "or add the publisher to policy.allowed_registries")


def load(directory: Path, org_file: Path | None = None, *, org: OrgConfig | None = None,
         record: Mapping[str, Any] | None = None) -> TeamConfig:
    """The team configuration that applies to files in `directory` (`org_file`: an explicit --config).

    `org` (the organisation config already loaded from `org_file`) and `record` (the service's record, already
    parsed) spare `check --all` reading and parsing both again for every service."""
    from . import catalog

    from . import config as org_config

    cat = catalog.load()
    config = TeamConfig(tuple(cat.trusted_registries), cat.max_digest_age_days)
    org_file = org_file or org_config.find(directory)
    if org_file is not None:
        if org is None or org.path != org_file:
            org = org_config.load(org_file)
        policy = {k: v for k, v in (("allowed_registries", org.allowed_registries),
                                    ("max_digest_age_days", org.max_digest_age_days)) if v is not None}
        config = _apply(config, policy or None, None, str(org_file))
    pyproject = _nearest(directory, "pyproject.toml")
    if pyproject:
        tool = _read_toml(pyproject).get("tool", {}).get("dockseal", {})
        if not isinstance(tool, dict):
            raise InputError(f"{pyproject}: [tool.dockseal] must be a table")
        config = _apply(config, tool.get("policy"), tool.get("registries"), f"{pyproject} [tool.dockseal]")
    record_file = directory / RECORD_FILE
    if record is None and record_file.is_file():
        record = _read_yaml(record_file)
    if record is not None:
        config = _apply(config, record.get("policy"), record.get("registries"), str(record_file))
    return config


def base_warnings(directory: Path, stack: str, version: str, flavour: str, org_file: Path | None = None) -> list[str]:
    """Enforce the allow-list on the catalog bases `new` would use; return their digest-age warnings."""
    from . import catalog

    config = load(directory, org_file)
    bases = catalog.load().bases(stack, version, flavour)
    config.require_allowed([(f"{role} base", image.ref) for role, image in bases.items()])
    return catalog.age_warnings(bases, config.max_digest_age_days)


def with_overrides(config: TeamConfig, mirrors: dict[str, str] | None = None,
                   timeout: float | None = None) -> TeamConfig:
    """Command-line flags on top of the files."""
    if mirrors:
        _check_mirrors(mirrors, "--mirror")
        config = replace(config, mirrors={**config.mirrors, **mirrors})
    if timeout is not None:
        config = replace(config, timeout=_timeout(timeout, "--timeout"))
    return config


def parse_mirror_flags(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`PREFIX=TARGET` flags -> mapping (validated by the registry module)."""
    out: dict[str, str] = {}
    for value in values:
        prefix, sep, target = value.partition("=")
        if not sep or not prefix or not target:
            raise InputError(f"--mirror {value!r}: expected PREFIX=HOST[:PORT][/PATH], e.g. docker.io=127.0.0.1:5000")
        out[prefix.strip()] = target.strip()
    return out


def _nearest(directory: Path, name: str) -> Path | None:
    """`name` in `directory` or its nearest ancestor, stopping at a repository root."""
    here = directory.resolve()
    for folder in (here, *here.parents):
        if (folder / name).is_file():
            return folder / name
        if (folder / ".git").exists():
            return None
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid TOML ({err})") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    from .yamlio import safe_load

    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    return data


def _apply(config: TeamConfig, policy: Any, registries: Any, source: str) -> TeamConfig:
    used = False
    if policy is not None:
        _check_keys(policy, POLICY_KEYS, f"{source}: policy")
        if "allowed_registries" in policy:
            config = replace(config, allowed_registries=_prefixes(policy["allowed_registries"], source))
        if "max_digest_age_days" in policy:
            days = policy["max_digest_age_days"]
            if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
                raise InputError(f"{source}: policy.max_digest_age_days must be a whole number of days, 1-3650")
            config = replace(config, max_digest_age_days=days)
        used = True
    if registries is not None:
        _check_keys(registries, REGISTRY_KEYS, f"{source}: registries")
        if "mirrors" in registries:
            mirrors = registries["mirrors"]
            if not isinstance(mirrors, dict) or not all(isinstance(v, str) for v in mirrors.values()):
                raise InputError(f"{source}: registries.mirrors must map a registry prefix to HOST[:PORT][/PATH]")
            _check_mirrors({str(k): v for k, v in mirrors.items()}, f"{source}: registries.mirrors")
            config = replace(config, mirrors={**config.mirrors, **{str(k): v for k, v in mirrors.items()}})
        if "timeout" in registries:
            config = replace(config, timeout=_timeout(registries["timeout"], f"{source}: registries.timeout"))
        used = True
    return replace(config, sources=(*config.sources, source)) if used else config


def _check_keys(section: Any, allowed: set[str], where: str) -> None:
    if not isinstance(section, dict):
        raise InputError(f"{where} must be a mapping with keys: {', '.join(sorted(allowed))}")
    unknown = sorted(set(map(str, section)) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")


def _prefixes(value: Any, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise InputError(f"{source}: policy.allowed_registries must be a non-empty list of registry prefixes")
    out = []
    for item in value:
        if not isinstance(item, str) or not _PREFIX.match(item):
            raise InputError(f"{source}: policy.allowed_registries: {item!r} is not a registry prefix such as "
                             "docker.io/library/ or ghcr.io/acme")
        out.append(item)
    return tuple(out)


def _check_mirrors(mirrors: dict[str, str], where: str) -> None:
    from .registry import parse_mirrors

    try:
        parse_mirrors(mirrors)
    except InputError as err:
        raise InputError(f"{where}: {err}") from None


def _timeout(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.1 <= value <= 300:
        raise InputError(f"{where} must be a number of seconds between 0.1 and 300")
    return float(value)
