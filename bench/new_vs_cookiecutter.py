#!/usr/bin/env python3
"""Benchmark: `dockseal new --no-input` against plain `cookiecutter --no-input` on the same template.

Whole processes, interleaved runs (so machine noise hits both alike), median of N. Prints both medians and
the ratio dockseal / cookiecutter. Usage: python3 bench/new_vs_cookiecutter.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    dockseal = shutil.which("dockseal") or sys.exit("dockseal is not installed (pip install .)")
    cookiecutter = shutil.which("cookiecutter") or sys.exit("cookiecutter is not installed")
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i in range(args.runs + 1):
            a, b = work / f"d{i}", work / f"c{i}"
            t_ours = timed([dockseal, "new", "--no-input", "--set", "stack=python", str(a)], work)
            t_theirs = timed([cookiecutter, "--no-input", "-o", str(b), str(ROOT), "stack=python"], work)
            if i:  # the first pair warms caches
                ours.append(t_ours)
                theirs.append(t_theirs)
            assert (a / "Dockerfile").read_bytes() == (b / "example-service" / "Dockerfile").read_bytes()
    m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"runs: {args.runs} interleaved pairs (whole processes)")
    print(f"dockseal new --no-input   median {m_ours * 1000:7.1f} ms")
    print(f"cookiecutter --no-input   median {m_theirs * 1000:7.1f} ms")
    print(f"ratio dockseal/cookiecutter: {m_ours / m_theirs:.2f} (aim <= 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
