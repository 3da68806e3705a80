#!/usr/bin/env python3
"""Benchmark: first build vs rebuild after a source-only change, per stack, and the final image size.

Each stack's sample (`dockseal new --example STACK`) is built with `buildah bud --format docker --layers` in a
fresh, private engine configuration against the stand-in base images of the end-to-end tests (served by a
loopback registry); then one source file changes and the image is rebuilt. The first build includes pulling
the bases from that registry and installing the dependencies; the rebuild should take its dependency layer
from the cache. Sizes are of the stand-in-based image (Debian's packages, not the real bases), so they compare
stacks with one another rather than predict production sizes. Numbers are printed, never asserted.
Usage: python3 bench/build_cache.py [--stacks python,node,go,static] [--json FILE]   (as root; builds stand-ins once)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from e2e import service, standins  # noqa: E402 - after the path set-up
from e2e.engine import Engine, Registry  # noqa: E402



def measure(engine: Engine, stack: str, cache: Path, work: Path) -> dict[str, float | int | str]:
    standins.push(stack, cache, engine)
    source = service.new_example(stack, work / f"{stack}-sample", f"service_name=bench-{stack}")
    service.pin_to_mirror(source, engine)
    image = f"localhost/bench-{stack}:latest"
    first = service.build(engine, source, image)
    service.change_source(stack, source)
    again = service.build(engine, source, image)
    return {"stack": stack, "first_build_s": round(first.seconds, 1), "rebuild_s": round(again.seconds, 1),
            "saved_pct": round(100 * (1 - again.seconds / first.seconds)),
            "cached_steps": len(service.cached_steps(again.output)),
            "image_mb": round(service.image_size(engine, image) / 1e6, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", default=",".join(service.SAMPLE_SOURCE), help="comma separated (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    cache = standins.cache_dir()
    work = Path(tempfile.mkdtemp(prefix="dockseal-bench-"))
    registry = Registry(work / "registry").start()
    engine = Engine(work / "engine", registry).configure()
    rows = []
    try:
        for stack in args.stacks.split(","):
            rows.append(measure(engine, stack, cache, work))
            print(f"{stack:8} first build {rows[-1]['first_build_s']:6.1f} s   rebuild {rows[-1]['rebuild_s']:6.1f} s"
                  f"   saved {rows[-1]['saved_pct']:3}%   cached steps {rows[-1]['cached_steps']:2}"
                  f"   image {rows[-1]['image_mb']:6.1f} MB", flush=True)
    finally:
        engine.run("podman", "system", "reset", "--force", check=False)
        registry.stop()
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
