"""Spread an audit over forked worker processes: parsing YAML is CPU-bound Python, so a repository of hundreds of
manifests audits about as many times faster as there are cores. Small batches stay in-process, where starting
workers would cost more than it saves.

Some items may have to stay in this process: the Dockerfile parser is BuildKit's, compiled from Go, and once
its runtime is loaded here (its threads) a forked child that parsed a Dockerfile would hang. The caller names
those items (`stays`); this process works through them, and through whatever the workers have not started.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 64  # below this a worker's start-up (a fork, the results sent back) outweighs its share
CHUNKS_PER_WORKER = 16  # small chunks, so the work is shared out evenly however much each item costs


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one, as in containers)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _run_chunk(task: tuple[Callable, list[tuple[int, Item]]]) -> list[tuple[int, list]]:
    fn, chunk = task
    return [(i, fn(item)) for i, item in chunk]


def flat_map(fn: Callable[[Item], list[Result]], items: Sequence[Item], jobs: int | None = None,
             stays: Callable[[Item], bool] = lambda item: False) -> list[Result]:
    """`[r for item in items for r in fn(item)]`, in that order, computed by up to `jobs` processes (default:
    every available CPU), this one included. `fn` must be importable and its results picklable. Only on Linux:
    elsewhere fork is unavailable or unsafe (macOS), and everything runs here.

    The movable items are queued for the workers in small chunks; this process first does the items that must
    stay, then takes back the chunks no worker has started yet, last first, so every process stays busy to the
    end whatever the items cost."""
    processes = min(jobs or available_cpus(), len(items) // MIN_ITEMS_PER_WORKER)
    indexed = list(enumerate(items))
    movable = [pair for pair in indexed if not stays(pair[1])]
    if processes <= 1 or not movable or not sys.platform.startswith("linux"):
        return [r for item in items for r in fn(item)]
    # Imported here: they take longer to import than a small audit takes to run.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, len(movable) // (processes * CHUNKS_PER_WORKER))
    chunks = [movable[i:i + size] for i in range(0, len(movable), size)]
    results: dict[int, list] = {}
    with warnings.catch_warnings():
        # Python 3.12+ warns on forking a process with threads (the Go runtime's); the children run Python only.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        with ProcessPoolExecutor(max_workers=processes - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run_chunk, (fn, chunk)) for chunk in chunks]
            results.update(_run_chunk((fn, [pair for pair in indexed if stays(pair[1])])))
            for future, chunk in reversed(list(zip(futures, chunks))):
                if future.cancel():
                    results.update(_run_chunk((fn, chunk)))
            for future in futures:
                if not future.cancelled():
                    results.update(future.result())
    return [r for i in range(len(items)) for r in results[i]]
