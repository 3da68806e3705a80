"""Values that compose and Kubernetes share, derived once from the answers."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..answers import Answers

TMP = "/tmp"


def image_tag(version: str) -> str:
    """An OCI tag for `app_version` ('+' of semver build metadata is not allowed in tags)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", version)[:128]


def service_image(a: Answers) -> str:
    """`repository:version`; the digest is only known after the push and is set by `dockseal pin` or CI."""
    return f"{a['image_repository']}:{image_tag(a['app_version'])}"


def image_env_var(a: Answers) -> str:
    """The variable compose reads the pushed image reference (by digest) from, e.g. ORDERS_IMAGE."""
    return re.sub(r"[^A-Z0-9]", "_", a["service_name"].upper()) + "_IMAGE"


def writable_paths(a: Answers) -> list[str]:
    """/tmp plus the declared writable paths: the only places a read-only container may write."""
    return [TMP] + [p for p in a.get("writable_paths") or [] if p != TMP]


def secret_names(a: Answers) -> list[str]:
    return [s for s in (a.get("secrets") or "").split(",") if s]


def mebibytes(quantity: str) -> int:
    """`256Mi` -> 256, `1Gi` -> 1024 (the only units the answers allow)."""
    number, unit = int(quantity[:-2]), quantity[-2:]
    return number * 1024 if unit == "Gi" else number


def cpus(millicores: str) -> float:
    """`500m` -> 0.5, the unit compose's `cpus` takes."""
    return int(millicores[:-1]) / 1000


def selinux_type(a: Answers) -> str | None:
    value = a.get("selinux_type")
    return None if value in (None, "", "none") else value


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes shared values out in full: anchors and aliases confuse readers and some checkers."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(header: str, data: Any, *more: Any) -> str:
    """YAML documents from data (never from strings), after a comment header written by dockseal."""
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.strip().splitlines())
    docs = [yaml.dump(d, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000, allow_unicode=True)
            for d in (data, *more)]
    return comment + "---\n".join(docs)
