"""The real external checkers, run the way CONTROLS asks (zero findings), with batched calls where slow."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import need


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=600, **kwargs)


def hadolint(*files: Path) -> str:
    """Findings of hadolint at failure threshold `info` ('' when clean)."""
    proc = run([need("hadolint"), "--failure-threshold", "info", "--no-color", *map(str, files)])
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def checkov(directory: Path, framework: str) -> list[dict]:
    """Failed checkov checks for every file below `directory` (one process for the batch)."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    proc = run([need("checkov"), "--framework", framework, "-d", str(directory), "--skip-download", "--quiet",
                "--compact", "-o", "json"], env=env)
    if not proc.stdout.strip():
        raise AssertionError(f"checkov produced no report: {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    reports = data if isinstance(data, list) else [data]
    failed = []
    for report in reports:
        if isinstance(report, dict) and "results" in report:
            failed.extend(report["results"].get("failed_checks", []))
    return [{"check": f["check_id"], "file": f["file_path"], "name": f.get("check_name")} for f in failed]


def checkov_passed_count(directory: Path, framework: str) -> int:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    proc = run([need("checkov"), "--framework", framework, "-d", str(directory), "--skip-download", "--quiet",
                "--compact", "-o", "json"], env=env)
    data = json.loads(proc.stdout)
    reports = data if isinstance(data, list) else [data]
    return sum(r.get("summary", {}).get("passed", 0) for r in reports if isinstance(r, dict))


def kubernetes_validate(files: list[Path], version: str) -> str:
    proc = run([need("kubernetes-validate"), "-k", version, "--strict", "--quiet", *map(str, files)])
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def check_jsonschema(schema: str, files: list[Path]) -> str:
    proc = run([need("check-jsonschema"), "--builtin-schema", schema, *map(str, files)])
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def shellcheck(files: list[Path]) -> str:
    proc = run([need("shellcheck"), "--severity=style", *map(str, files)])
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def checkov_summary(directory: Path, framework: str) -> tuple[dict, list[dict]]:
    """checkov's summary (passed/failed/skipped/resource counts) and its failed checks, from one process."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    proc = run([need("checkov"), "--framework", framework, "-d", str(directory), "--skip-download", "--quiet",
                "--compact", "-o", "json"], env=env)
    data = json.loads(proc.stdout)
    reports = [r for r in (data if isinstance(data, list) else [data]) if isinstance(r, dict)]
    summary = {key: sum(r.get("summary", {}).get(key, 0) for r in reports)
               for key in ("passed", "failed", "skipped", "resource_count", "parsing_errors")}
    failed = [f for r in reports for f in r.get("results", {}).get("failed_checks", [])]
    return summary, failed


SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-2.1.0-rtm.5.json"


def sarif_errors(log: dict) -> list[str]:
    """What the SARIF 2.1.0 schema finds wrong in `log` ([] when valid). The official OASIS schema (as shipped in
    @microsoft/jest-sarif) carries one pattern that Python's `re` rejects (toolComponent.language), so
    check-jsonschema refuses the schema itself; the draft-04 validator applies every other constraint."""
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text())
    return [e.message for e in sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)]
