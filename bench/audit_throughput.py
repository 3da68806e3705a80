#!/usr/bin/env python3
"""Benchmark: `dockseal audit` throughput (files per second) against hadolint and checkov, same files, same run.

A seeded generator (bench/audit_corpus.py) writes >= 500 varied Dockerfiles and Kubernetes manifests, good and
bad. Each tool audits the files it supports in one batch process (hadolint: the Dockerfiles; checkov: both
frameworks; dockseal: both, in-process on every available CPU and on one, and as one CLI process), median of
--runs for the fast tools and one run of checkov. Prints files/second and the ratios, and which hadolint codes
and checkov checks fired that no dockseal control references. Both CLIs are also timed on one file, their
start-up, to give the per-file rate with start-up left out (a batch's time minus the start-up). Last, the two
parsers dockseal builds on (BuildKit's for Dockerfiles, libyaml's composer for manifests) are timed alone on one
CPU: no audit can be faster than its parse, so this bounds the ratio any change to the checks could reach.
Usage: python3 bench/audit_throughput.py [--runs 3] [--dockerfiles 300] [--manifests 250]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_corpus import write_corpus  # noqa: E402

import yaml  # noqa: E402

from generator.policy import audit_files  # noqa: E402
from generator.policy.dockerfile import buildkit  # noqa: E402
from generator.policy.controls import registry  # noqa: E402
from generator.policy.workers import available_cpus  # noqa: E402
from generator.yamlio import SafeLoader  # noqa: E402


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def parse_only(dockerfiles: list[Path], manifests: list[Path]) -> None:
    """Read and parse every file, nothing more: the floor under an audit's time."""
    parse_string = buildkit().parse_string
    for path in dockerfiles:
        parse_string(path.read_text())
    for path in manifests:
        for _ in yaml.compose_all(path.read_text(), Loader=SafeLoader):
            pass


def run_hadolint(files: list[Path]) -> list[dict]:
    proc = subprocess.run([shutil.which("hadolint") or "hadolint", "-f", "json", "--no-fail", *map(str, files)],
                          capture_output=True, text=True)
    return json.loads(proc.stdout or "[]")


def run_checkov(root: Path) -> list[dict]:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    proc = subprocess.run([shutil.which("checkov") or "checkov", "-d", str(root), "--framework", "dockerfile",
                           "kubernetes", "--skip-download", "--quiet", "--compact", "-o", "json"],
                          capture_output=True, text=True, env=env)
    data = json.loads(proc.stdout)
    reports = data if isinstance(data, list) else [data]
    return [f for r in reports if isinstance(r, dict) for f in r.get("results", {}).get("failed_checks", [])]


def run_cli(root: Path) -> None:
    subprocess.run([shutil.which("dockseal") or "dockseal", "audit", "--fail-on", "none", "--format", "json",
                    str(root)], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dockerfiles", type=int, default=300)
    parser.add_argument("--manifests", type=int, default=250)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = write_corpus(root, args.dockerfiles, args.manifests)
        dockerfiles, manifests = corpus["dockerfile"], corpus["kubernetes"]
        total = len(dockerfiles) + len(manifests)
        ours = [timed(lambda: audit_files([root]))[0] for _ in range(args.runs)]
        ours_one = [timed(lambda: audit_files([root], jobs=1))[0] for _ in range(args.runs)]
        findings = audit_files([root])
        ours_df = [timed(lambda: audit_files([root / "dockerfiles"]))[0] for _ in range(args.runs)]
        cli = [timed(lambda: run_cli(root))[0] for _ in range(args.runs)]
        had_times, had = [], []
        for _ in range(args.runs):
            t, had = timed(lambda: run_hadolint(dockerfiles))
            had_times.append(t)
        t_checkov, failed = timed(lambda: run_checkov(root))
        one = root / "one"
        one.mkdir()
        (one / "Dockerfile").write_text(dockerfiles[0].read_text())
        start_cli = statistics.median(timed(lambda: run_cli(one))[0] for _ in range(args.runs))
        start_checkov = timed(lambda: run_checkov(one))[0]
        parse = statistics.median(timed(lambda: parse_only(dockerfiles, manifests))[0] for _ in range(args.runs))

    rate = {
        f"dockseal in-process, all files, {available_cpus()} CPU": total / statistics.median(ours),
        "dockseal in-process, all files, 1 CPU": total / statistics.median(ours_one),
        "dockseal CLI process, all files": total / statistics.median(cli),
        "dockseal in-process, Dockerfiles": len(dockerfiles) / statistics.median(ours_df),
        "hadolint batch, Dockerfiles": len(dockerfiles) / statistics.median(had_times),
        "checkov batch, all files": total / t_checkov,
    }
    print(f"corpus: {len(dockerfiles)} Dockerfiles + {len(manifests)} Kubernetes manifests = {total} files "
          f"(seeded); {len(registry()) - 1} dockseal controls")
    for name, value in rate.items():
        print(f"  {name:40} {value:9.1f} files/s")
    print(f"ratio dockseal/hadolint on Dockerfiles (in-process): "
          f"{rate['dockseal in-process, Dockerfiles'] / rate['hadolint batch, Dockerfiles']:.1f}x")
    print(f"ratio dockseal CLI/checkov on all files: "
          f"{rate['dockseal CLI process, all files'] / rate['checkov batch, all files']:.1f}x")
    print(f"ratio dockseal in-process/checkov on all files: "
          f"{rate[f'dockseal in-process, all files, {available_cpus()} CPU'] / rate['checkov batch, all files']:.1f}x "
          f"({rate['dockseal in-process, all files, 1 CPU'] / rate['checkov batch, all files']:.1f}x on one CPU)")
    marginal_cli = total / max(statistics.median(cli) - start_cli, 1e-9)
    marginal_checkov = total / max(t_checkov - start_checkov, 1e-9)
    print(f"start-up (one file): dockseal CLI {start_cli:.2f} s, checkov {start_checkov:.2f} s; per-file rate "
          f"without it: dockseal CLI {marginal_cli:.0f} files/s, checkov {marginal_checkov:.1f} files/s, "
          f"ratio {marginal_cli / marginal_checkov:.1f}x")
    checkov_rate = rate["checkov batch, all files"]
    print(f"parsers alone (BuildKit + libyaml compose), 1 CPU: {total / parse:.0f} files/s, "
          f"{total / parse / checkov_rate:.1f}x checkov: the ceiling in one process if every check cost nothing; "
          f"as a CLI process (start-up + the parse spread evenly over {available_cpus()} CPU): "
          f"{total / (start_cli + parse / available_cpus()) / checkov_rate:.1f}x")
    print(f"findings: dockseal {len(findings)}, hadolint {len(had)}, checkov {len(failed)} failed checks")
    referenced = {r for c in registry().values() for r in c.references}
    had_codes = sorted({h["code"] for h in had} - referenced)
    ckv_codes = sorted({f["check_id"] for f in failed} - referenced)
    print(f"hadolint codes that fired with no dockseal control referencing them: {', '.join(had_codes) or 'none'}")
    print(f"checkov checks that fired with no dockseal control referencing them: {', '.join(ckv_codes) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
