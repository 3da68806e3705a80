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
import warnings
from contextlib import suppress
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 64  # below this a worker's start-up (a fork, the results sent back) outweighs its share
CHUNKS_PER_WORKER = 16  # small chunks, so the work is shared out evenly however much each item costs
_CHUNK_NUMBER = struct.Struct("=I")
# The queue is written whole before any worker reads, in one write: 1024 numbers are 4 KiB, no more than the
# smallest buffer Linux gives a pipe (one page, once a user holds many pipes) and than PIPE_BUF (atomic).
_MAX_CHUNKS = 1024
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one, as in containers)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _take(queue: int) -> int | None:
    """The next chunk number from the queue pipe, None once it is empty."""
    raw = os.read(queue, _CHUNK_NUMBER.size)
    return _CHUNK_NUMBER.unpack(raw)[0] if raw else None


def _worker(fn: Callable, items: Sequence, chunks: list[list[int]], queue: int, out: int,
            mask: set[signal.Signals]) -> None:
    """A forked child: work through chunks until the queue is empty, send {index: result} back, exit.
    It never returns: `os._exit` skips the parent's atexit handlers and buffered output, which are not its own,
    and whatever happens (an interrupt too) it cannot run on into its caller's code."""
    status = 1
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # stop signals were held across the fork
        done = {}
        while (n := _take(queue)) is not None:
            done.update((i, fn(items[i])) for i in chunks[n])
        with os.fdopen(out, "wb") as pipe:
            pickle.dump(done, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _fork_worker(fn: Callable, items: Sequence, chunks: list[list[int]], queue: int,
                 workers: list[tuple[int, int]]) -> bool:
    """Start a worker and add (pid, read end of its results pipe) to `workers`; False when no pipe or process
    can be had (a limit). Stop signals are held from before the fork until the worker is on the list (so an
    interrupt cannot lose it) and, in the child, until its own handling is in place (so an interrupt cannot
    send it back up through its caller's code)."""
    try:
        out_r, out_w = os.pipe()
    except OSError:
        return False
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns on forking a process with threads (the Go runtime's); children run Python only.
                warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
                pid = os.fork()
        except OSError:
            os.close(out_r)
            os.close(out_w)
            return False
        if pid == 0:
            try:
                os.close(out_r)
            finally:
                _worker(fn, items, chunks, queue, out_w, mask)
        workers.append((pid, out_r))
        os.close(out_w)
        return True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _collect(workers: list[tuple[int, int]], wanted: bool, into: dict[int, list]) -> None:
    """Reap every worker, taking its results when `wanted` (else killing it first). Whatever goes wrong on one
    (an interrupt, results that do not unpickle) the rest are still killed and reaped and their pipes closed."""
    unread = {out_r for _, out_r in workers}
    unreaped = {pid for pid, _ in workers}
    try:
        for pid, out_r in workers:
            if not wanted:
                os.kill(pid, signal.SIGKILL)
            unread.discard(out_r)  # closed by the `with` below, whatever happens in it
            with os.fdopen(out_r, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            unreaped.discard(pid)
            if wanted and status == 0 and data:
                into.update(pickle.loads(data))
    except BaseException:
        for fd in unread:
            os.close(fd)
        for pid in unreaped:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with suppress(ChildProcessError):
                os.waitpid(pid, 0)
        raise


def _queue(chunks: int) -> int:
    """The read end of a pipe holding the chunk numbers 0..chunks-1, its write end closed (so that an empty
    queue reads as end-of-file in every process). OSError when no pipe can be had or the numbers do not fit."""
    queue, queue_in = os.pipe()
    try:
        numbers = b"".join(_CHUNK_NUMBER.pack(n) for n in range(chunks))
        if os.write(queue_in, numbers) != len(numbers):
            raise OSError("the work queue did not fit its pipe")
    except BaseException:
        os.close(queue)
        raise
    finally:
        os.close(queue_in)
    return queue


def flat_map(fn: Callable[[Item], list[Result]], items: Sequence[Item], jobs: int | None = None,
             stays: Callable[[Item], bool] = lambda item: False) -> list[Result]:
    """`[r for item in items for r in fn(item)]`, in that order, computed by up to `jobs` processes (default:
    every available CPU), this one included. `fn`'s results must be picklable. Only on Linux: elsewhere fork is
    unavailable or unsafe (macOS), and everything runs here.

    This process first does the items that must stay, then takes chunks from the same queue as the workers, so
    every process stays busy to the end whatever the items cost. A worker that dies (killed, out of memory) or
    cannot be started only costs time: whatever no worker sent back is computed here, where an error in `fn`
    surfaces as usual."""
    processes = min(jobs or available_cpus(), len(items) // MIN_ITEMS_PER_WORKER)
    staying = [i for i, item in enumerate(items) if stays(item)]
    movable = [i for i, item in enumerate(items) if not stays(item)]
    if processes <= 1 or not movable or not sys.platform.startswith("linux"):
        return [r for item in items for r in fn(item)]
    size = max(1, len(movable) // (processes * CHUNKS_PER_WORKER), -(-len(movable) // _MAX_CHUNKS))
    chunks = [movable[i:i + size] for i in range(0, len(movable), size)]
    try:
        queue = _queue(len(chunks))
    except OSError:  # no pipe to be had (a descriptor limit): everything here
        return [r for item in items for r in fn(item)]
    results: dict[int, list] = {}
    workers: list[tuple[int, int]] = []
    finished = False
    try:
        for _ in range(processes - 1):
            if not _fork_worker(fn, items, chunks, queue, workers):  # a limit: fewer processes share the work
                break
        results.update((i, fn(items[i])) for i in staying)
        while (n := _take(queue)) is not None:
            results.update((i, fn(items[i])) for i in chunks[n])
        finished = True
    finally:
        os.close(queue)
        _collect(workers, finished, results)
    return [r for i, item in enumerate(items) for r in (results[i] if i in results else fn(item))]
