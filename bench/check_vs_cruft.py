#!/usr/bin/env python3
"""Benchmark: `dockseal check --all` over N generated services against `cruft diff --exit-code` per service.

cruft is installed in a venv of its own (bench/.venv-cruft), never in the test dependencies. Both tools work from
one template commit: this repository's HEAD, resolved once (others may commit meanwhile). One service is made with
`cruft create --checkout <commit>` to get cruft's record; the others are rendered by dockseal with the same answers
from a snapshot of that commit (plain cookiecutter and dockseal render identical files, see
tests/test_cookiecutter_equivalence.py) and given the same record with their own context. dockseal runs the
snapshot's code too (PYTHONPATH), so its built-in template is that commit's, as cruft's is: both tools compare the
very same files against the very same template, and the run fails unless each finds no difference on every service
it checked. cruft can be timed on a sample (--cruft-sample) and scaled to N; the output says so.
Usage: python3 bench/check_vs_cruft.py [--services 200] [--cruft-sample 0 (all)]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / ".venv-cruft"


def cruft() -> str:
    if not (VENV / "bin" / "cruft").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "cruft==2.16.0", "PyYAML", "click",
                        "questionary", "httpx"], check=True)
    return str(VENV / "bin" / "cruft")


# cruft renders a clone of the template and does not give its hooks the template directory, so they find the
# generator package through PYTHONPATH (the same commit's code as the clone's); dockseal runs with it as well.
ENV = dict(os.environ)


def snapshot(head: Path) -> str:
    """Extract this repository's HEAD commit into `head`; returns the commit, so cruft can check out the same."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    head.mkdir()
    subprocess.run(f"git -C {ROOT} archive {commit} | tar -x -C {head}", shell=True, check=True)
    ENV["PYTHONPATH"] = str(head)
    return commit


def make_services(work: Path, count: int, tool: str) -> list[Path]:
    head = work.parent / "template-head"
    commit = snapshot(head)
    sys.path.insert(0, str(head))  # the snapshot's generator: its built-in template is the snapshot
    from generator import writer
    from generator.answers import resolve
    from generator.questions import questions
    from generator.render import render
    from generator.template import builtin_template

    assert builtin_template().resolve() == head.resolve(), builtin_template()
    first = work / "svc-000"
    subprocess.run([tool, "create", "--no-input", "--checkout", commit, "--output-dir", str(work),
                    "--extra-context", json.dumps({"service_name": first.name, "stack": "python"}), str(ROOT)],
                   check=True, stdout=subprocess.DEVNULL, env=ENV)
    cruft_record = json.loads((first / ".cruft.json").read_text())
    assert cruft_record["commit"] == commit, cruft_record["commit"]
    services = [first]
    for i in range(1, count):
        path = work / f"svc-{i:03d}"
        answers = resolve(questions(), {"service_name": path.name, "stack": "python"})
        path.mkdir()
        writer.commit(path, writer.plan(path, render(answers, in_process=True)))
        record = json.loads(json.dumps(cruft_record))
        record["context"]["cookiecutter"]["service_name"] = path.name
        (path / ".cruft.json").write_text(json.dumps(record, indent=2) + "\n")
        services.append(path)
    return services


def run_dockseal(dockseal: str, work: Path, *flags: str) -> tuple[float, int, int]:
    """Seconds for one `dockseal check --all`, services it checked, and its drift findings (must be 0)."""
    start = time.perf_counter()
    proc = subprocess.run([dockseal, "check", "--all", "--trust", "--format", "json",
                           *flags], cwd=work, capture_output=True, text=True, env=ENV)
    took = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    drift = sum(f["rule"] in ("drift", "missing-file") for f in report["findings"])
    return took, report["services"], drift


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--cruft-sample", type=int, default=0, help="time cruft on this many services (0: all)")
    args = parser.parse_args()
    dockseal = shutil.which("dockseal") or sys.exit("dockseal is not installed (pip install .)")
    tool = cruft()
    with tempfile.TemporaryDirectory(prefix="dockseal-bench-") as tmp:
        work = Path(tmp) / "services"
        work.mkdir()
        services = make_services(work, args.services, tool)
        ours, checked, drift = run_dockseal(dockseal, work)
        ours_full, checked_full, drift_full = run_dockseal(dockseal, work, "--full")
        sample = services[: args.cruft_sample] if args.cruft_sample else services
        start = time.perf_counter()
        differing = 0
        for service in sample:
            run = subprocess.run([tool, "diff", "--exit-code"], cwd=service, capture_output=True, text=True, env=ENV)
            differing += run.returncode != 0
        theirs = (time.perf_counter() - start) * len(services) / len(sample)
    scaled = "" if len(sample) == len(services) else f" (timed on {len(sample)}, scaled to {len(services)})"
    print(f"services: {len(services)}, one template commit for both tools")
    print(f"dockseal checked {checked} (--full: {checked_full}): {drift} with drift (--full: {drift_full})")
    print(f"cruft checked {len(sample)}: {differing} with a difference")
    print(f"dockseal check --all (one process)        {ours:8.2f} s")
    print(f"dockseal check --all --full (re-renders)  {ours_full:8.2f} s")
    print(f"cruft diff --exit-code, one per service   {theirs:8.2f} s{scaled}")
    print(f"ratio cruft / dockseal: {theirs / ours:.1f}x (with --full: {theirs / ours_full:.1f}x); aim >= 20x, < 3 s")
    valid = checked == checked_full == len(services) and drift == drift_full == differing == 0
    print("valid comparison: every tool found no difference" if valid else "INVALID: a tool found differences")
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
