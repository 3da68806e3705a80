#!/usr/bin/env python3
"""Benchmark: `dockseal check --all` over N generated services against `cruft diff --exit-code` per service.

cruft is installed in a venv of its own (bench/.venv-cruft), never in the test dependencies. One service is made
with `cruft create` from this repository's template (committed HEAD) to get cruft's record; the others are
rendered by dockseal with the same answers (plain cookiecutter and dockseal render identical files, see
tests/test_cookiecutter_equivalence.py) and given the same record with their own context, so both tools
compare the very same files. cruft can be timed on a sample (--cruft-sample) and scaled to N; the output says so.
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
# generator package through PYTHONPATH (the same code as the clone's).
ENV = dict(os.environ)


def make_services(work: Path, count: int, tool: str) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from generator import writer
    from generator.answers import resolve
    from generator.questions import questions
    from generator.render import render

    head = work.parent / "template-head"  # cruft renders the committed HEAD: render the others from it too
    head.mkdir()
    subprocess.run(f"git -C {ROOT} archive HEAD | tar -x -C {head}", shell=True, check=True)
    ENV["PYTHONPATH"] = str(head)  # the generator package of the same commit
    first = work / "svc-000"
    subprocess.run([tool, "create", "--no-input", "--output-dir", str(work), "--extra-context",
                    json.dumps({"service_name": first.name, "stack": "python"}), str(ROOT)], check=True,
                   stdout=subprocess.DEVNULL, env=ENV)
    cruft_record = json.loads((first / ".cruft.json").read_text())
    services = [first]
    for i in range(1, count):
        path = work / f"svc-{i:03d}"
        answers = resolve(questions(), {"service_name": path.name, "stack": "python"})
        path.mkdir()
        writer.commit(path, writer.plan(path, render(answers, head, in_process=True)))
        record = json.loads(json.dumps(cruft_record))
        record["context"]["cookiecutter"]["service_name"] = path.name
        (path / ".cruft.json").write_text(json.dumps(record, indent=2) + "\n")
        services.append(path)
    return services


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
        start = time.perf_counter()
        proc = subprocess.run([dockseal, "check", "--all", "--trust"], cwd=work, capture_output=True, text=True)
        ours = time.perf_counter() - start
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        start = time.perf_counter()
        proc = subprocess.run([dockseal, "check", "--all", "--full", "--trust"], cwd=work, capture_output=True, text=True)
        ours_full = time.perf_counter() - start
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        sample = services[: args.cruft_sample] if args.cruft_sample else services
        start = time.perf_counter()
        differing = 0
        for service in sample:
            run = subprocess.run([tool, "diff", "--exit-code"], cwd=service, capture_output=True, text=True, env=ENV)
            differing += run.returncode != 0
        theirs = (time.perf_counter() - start) * len(services) / len(sample)
    scaled = "" if len(sample) == len(services) else f" (timed on {len(sample)}, scaled to {len(services)})"
    print(f"services: {len(services)}; cruft reported a difference in {differing} of {len(sample)} (see README)")
    print(f"dockseal check --all (one process)        {ours:8.2f} s")
    print(f"dockseal check --all --full (re-renders)  {ours_full:8.2f} s")
    print(f"cruft diff --exit-code, one per service   {theirs:8.2f} s{scaled}")
    print(f"ratio cruft / dockseal: {theirs / ours:.1f}x (with --full: {theirs / ours_full:.1f}x); aim >= 20x, < 3 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
