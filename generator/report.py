"""Formatters for `dockseal check` findings: text for people, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
from typing import Callable

from .check import Finding

RULES = {
    "drift": "A generated file differs from what the service's answers render",
    "missing-file": "A generated file is missing",
    "stale-pin": "A base image digest was observed longer ago than the policy's max_digest_age_days",
    "pin-differs": "A base image is pinned to a digest other than the catalog's (dockseal pin, or by hand)",
    "missing-pin": "A base image is not pinned by digest",
    "record": "The .dockseal.yml record is missing, broken or was migrated",
    "policy/registry": "A base image comes from a registry the organisation does not allow",
    "policy/uid": "The service runs as a UID/GID the organisation does not allow",
    "policy/labels": "The Dockerfile lacks labels the organisation requires",
}


def text(findings: list[Finding], services: int) -> str:
    lines = [f"{f.path}:{f.line}: {f.level}: [{f.rule}] {f.message}" for f in findings]
    failing = sum(1 for f in findings if f.level != "note")
    lines.append(f"{services} service(s) checked, {failing} finding(s)" if failing
                 else f"{services} service(s) checked: no drift, pins current, policy met")
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding], services: int) -> str:
    return json.dumps({"services": services, "findings": [f.__dict__ for f in findings]}, indent=2) + "\n"


def sarif(findings: list[Finding], services: int) -> str:
    from . import sarif as sarif_log

    rule_ids = sorted({f.rule for f in findings} | set(RULES))
    rules = [{"id": rid, "shortDescription": {"text": RULES.get(rid, rid)}} for rid in rule_ids]
    return sarif_log.document(rules, [sarif_log.result(f.rule, rule_ids.index(f.rule), f.level, f.message, f.path,
                                                       f.line) for f in findings])


FORMATS: dict[str, Callable[[list[Finding], int], str]] = {"text": text, "json": as_json, "sarif": sarif}
