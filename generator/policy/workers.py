"""Spread an audit over forked worker processes: parsing YAML is CPU-bound Python, so a repository of hundreds of
manifests audits about as many times faster as there are cores. Small batches stay in-process, where starting
workers would cost more than it saves.

Some items may have to stay in this process: the Dockerfile parser is BuildKit's, compiled from Go, and once
its runtime is loaded here (its threads) a forked child that parsed a Dockerfile would hang. The caller names
those items (`stays`); this process works through them, then shares the rest with the workers.

Why plain fork and pipes, not a process pool: a pool's feeder and result threads run in this process and take
the interpreter lock from the work this process does itself (measured: its own share took 40% longer). Here the
work queue is a pipe holding chunk numbers, which every process reads a number at a time (a pipe read of a few
bytes is atomic), and each worker sends its results once, at the end; this process runs no extra thread.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 64  # below this a worker's start-up (a fork, the results sent back) outweighs its share
CHUNKS_PER_WORKER = 16  # small chunks, so the work is shared out evenly however much each item costs
_CHUNK_NUMBER = struct.Struct("=I")
_MAX_CHUNKS = 4096  # the queue is written whole before any worker reads: it must fit a pipe's 64 KiB buffer


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one, as in containers)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _take(queue: int) -> int | None:
    """The next chunk number from the queue pipe, None once it is empty."""
    raw = os.read(queue, _CHUNK_NUMBER.size)
    return _CHUNK_NUMBER.unpack(raw)[0] if raw else None


def _worker(fn: Callable, items: Sequence, chunks: list[list[int]], queue: int, out: int) -> None:
    """A forked child: work through chunks until the queue is empty, send {index: result} back, exit.
    It never returns: `os._exit` skips the parent's atexit handlers and buffered output, which are not its own."""
    status = 1
    try:
        done = {}
        while (n := _take(queue)) is not None:
            done.update((i, fn(items[i])) for i in chunks[n])
        with os.fdopen(out, "wb") as pipe:
            pickle.dump(done, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def flat_map(fn: Callable[[Item], list[Result]], items: Sequence[Item], jobs: int | None = None,
             stays: Callable[[Item], bool] = lambda item: False) -> list[Result]:
    """`[r for item in items for r in fn(item)]`, in that order, computed by up to `jobs` processes (default:
    every available CPU), this one included. `fn`'s results must be picklable. Only on Linux: elsewhere fork is
    unavailable or unsafe (macOS), and everything runs here.

    This process first does the items that must stay, then takes chunks from the same queue as the workers, so
    every process stays busy to the end whatever the items cost. A worker that dies (killed, out of memory) only
    costs time: whatever it did not send back is computed here, where an error in `fn` surfaces as usual."""
    processes = min(jobs or available_cpus(), len(items) // MIN_ITEMS_PER_WORKER)
    staying = [i for i, item in enumerate(items) if stays(item)]
    movable = [i for i, item in enumerate(items) if not stays(item)]
    if processes <= 1 or not movable or not sys.platform.startswith("linux"):
        return [r for item in items for r in fn(item)]
    size = max(1, len(movable) // (processes * CHUNKS_PER_WORKER), -(-len(movable) // _MAX_CHUNKS))
    chunks = [movable[i:i + size] for i in range(0, len(movable), size)]
    queue, queue_in = os.pipe()
    os.write(queue_in, b"".join(_CHUNK_NUMBER.pack(n) for n in range(len(chunks))))
    os.close(queue_in)  # an empty queue then reads as end-of-file in every process
    results: dict[int, list] = {}
    workers: list[tuple[int, int]] = []  # (pid, read end of its results pipe)
    finished = False
    try:
        for _ in range(processes - 1):
            out_r, out_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more processes to be had (a process limit): fewer of them share the work
                os.close(out_r)
                os.close(out_w)
                break
            if pid == 0:
                os.close(out_r)
                _worker(fn, items, chunks, queue, out_w)
            os.close(out_w)
            workers.append((pid, out_r))
        results.update((i, fn(items[i])) for i in staying)
        while (n := _take(queue)) is not None:
            results.update((i, fn(items[i])) for i in chunks[n])
        finished = True
    finally:
        os.close(queue)
        for pid, out_r in workers:
            if not finished:  # an error or an interrupt here: the workers' results are not wanted
                os.kill(pid, signal.SIGKILL)
            with os.fdopen(out_r, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if finished and status == 0 and data:
                results.update(pickle.loads(data))
    return [r for i, item in enumerate(items) for r in (results[i] if i in results else fn(item))]
