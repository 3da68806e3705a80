"""The control catalog: an explicit list of control modules, each joined with its metadata from controls.yml.

A module declares `ID`, `TARGET` (dockerfile | compose | kubernetes) and a pure `check`. Dockerfile checks
take the parsed Dockerfile, compose checks one service (`name, service`), Kubernetes checks one object; a check
that needs the audit's settings (trusted registries, Pod Security version) takes them as a second argument.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Callable

from ...yamlio import safe_load
from . import (ds001_from_unpinned, ds002_untrusted_registry, ds003_root_user, ds004_user_not_numeric,
               ds005_no_healthcheck, ds006_add_instead_of_copy, ds007_relative_workdir,
               ds008_shell_form_entrypoint, ds009_secret_in_arg_env, ds010_tls_verification_off,
               ds011_apt_recommends, ds012_apt_lists, ds013_bad_expose, ds014_pipe_without_pipefail,
               ds015_duplicate_stage, ds016_sudo, ds017_curl_pipe_shell, ds018_apk_cache,
               ds101_compose_image_unpinned, ds102_compose_root, ds103_compose_no_user, ds104_compose_privileged,
               ds105_compose_no_new_privileges, ds106_compose_capabilities, ds107_compose_read_only,
               ds108_compose_host_namespaces, ds109_compose_host_mounts, ds110_compose_confinement_off,
               ds111_compose_limits, ds112_compose_healthcheck, ds113_compose_ports, ds114_compose_restart_always,
               ds201_k8s_image_unpinned, ds202_k8s_pull_policy, ds203_k8s_read_only_root, ds204_k8s_resources,
               ds205_k8s_probes, ds206_k8s_sa_token, ds207_k8s_default_namespace, ds208_k8s_low_ids,
               ds209_pss_baseline, ds210_pss_restricted, ds211_k8s_secret_env)

META_FILE = Path(__file__).resolve().parents[2] / "data" / "controls.yml"
PARSE_ERROR = "DS000"

MODULES: tuple[ModuleType, ...] = (
    ds001_from_unpinned, ds002_untrusted_registry, ds003_root_user, ds004_user_not_numeric, ds005_no_healthcheck,
    ds006_add_instead_of_copy, ds007_relative_workdir, ds008_shell_form_entrypoint, ds009_secret_in_arg_env,
    ds010_tls_verification_off, ds011_apt_recommends, ds012_apt_lists, ds013_bad_expose,
    ds014_pipe_without_pipefail, ds015_duplicate_stage, ds016_sudo, ds017_curl_pipe_shell, ds018_apk_cache,
    ds101_compose_image_unpinned, ds102_compose_root, ds103_compose_no_user, ds104_compose_privileged,
    ds105_compose_no_new_privileges, ds106_compose_capabilities, ds107_compose_read_only,
    ds108_compose_host_namespaces, ds109_compose_host_mounts, ds110_compose_confinement_off, ds111_compose_limits,
    ds112_compose_healthcheck, ds113_compose_ports, ds114_compose_restart_always,
    ds201_k8s_image_unpinned, ds202_k8s_pull_policy, ds203_k8s_read_only_root, ds204_k8s_resources,
    ds205_k8s_probes, ds206_k8s_sa_token, ds207_k8s_default_namespace, ds208_k8s_low_ids, ds209_pss_baseline,
    ds210_pss_restricted, ds211_k8s_secret_env,
)


@dataclass(frozen=True)
class Control:
    id: str
    target: str
    title: str
    severity: str
    rationale: str
    references: tuple[str, ...]
    fix: str
    check: Callable | None
    needs_context: bool


@lru_cache(maxsize=None)
def metadata() -> dict[str, dict]:
    return safe_load(META_FILE.read_text(encoding="utf-8"))["controls"]


def _control(cid: str, target: str, check: Callable | None) -> Control:
    meta = metadata()[cid]
    needs = check is not None and len(inspect.signature(check).parameters) > (2 if target == "compose" else 1)
    return Control(cid, target, meta["title"], meta["severity"], meta["rationale"], tuple(meta["references"]),
                   meta["fix"], check, needs)


@lru_cache(maxsize=None)
def registry() -> dict[str, Control]:
    """id -> Control, in catalog order; DS000 (parse error) first."""
    out = {PARSE_ERROR: _control(PARSE_ERROR, "any", None)}
    for module in MODULES:
        out[module.ID] = _control(module.ID, module.TARGET, module.check)
    return out


@lru_cache(maxsize=None)
def for_target(target: str) -> tuple[Control, ...]:
    """The controls that check `target` files, in catalog order (asked once per audited file)."""
    return tuple(c for c in registry().values() if c.target == target)
