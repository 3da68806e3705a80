"""Worker processes change how fast an audit runs, never what it finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from audit_corpus import write_corpus  # noqa: E402

from generator.cli import main  # noqa: E402
from generator.policy import audit_files, workers  # noqa: E402


def _pid_of(item: int) -> list[tuple[int, int]]:
    time.sleep(0.0005)  # long enough that a worker starts before this process has taken every chunk
    return [(item, os.getpid())]


def test_order_is_kept_and_items_that_must_stay_stay():
    items = list(range(400))
    out = workers.flat_map(_pid_of, items, jobs=2, stays=lambda i: i % 3 == 0)
    assert [i for i, _ in out] == items
    assert all(pid == os.getpid() for i, pid in out if i % 3 == 0)
    if sys.platform.startswith("linux"):
        assert any(pid != os.getpid() for _, pid in out)  # the movable ones were shared with a worker


def test_small_batches_stay_in_process():
    assert {pid for _, pid in workers.flat_map(_pid_of, list(range(100)), jobs=8)} == {os.getpid()}


def test_parallel_audit_finds_exactly_what_a_sequential_one_finds(tmp_path, capsys):
    corpus = write_corpus(tmp_path, 90, 90)  # Dockerfiles stay in this process, manifests go to workers
    assert len(corpus["dockerfile"]) + len(corpus["kubernetes"]) >= 2 * workers.MIN_ITEMS_PER_WORKER
    assert audit_files([tmp_path], jobs=2) == audit_files([tmp_path], jobs=1)
    reports = []
    for jobs in ("1", "2"):
        assert main(["audit", "--format", "json", "--fail-on", "none", "--jobs", jobs, str(tmp_path)]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1] and reports[0]["findings"]


def test_jobs_must_be_positive(tmp_path, capsys):
    assert main(["audit", "--jobs", "0", str(tmp_path)]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_fresh_process_shares_its_dockerfiles_with_the_workers(tmp_path):
    """Before BuildKit's Go runtime is loaded, Dockerfiles may go to forked workers: they load it themselves, and
    the result is the sequential one (a child that inherited a loaded Go runtime would hang instead)."""
    write_corpus(tmp_path, 150, 10)
    code = ("import json, sys; from pathlib import Path; from generator.policy import audit_files; "
            "assert 'dockerfile' not in sys.modules; "
            "print(json.dumps([list(f) for f in audit_files([Path(sys.argv[1])], jobs=2)]))")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [list(f) for f in audit_files([tmp_path], jobs=1)]


def _dies_in_a_worker(item: int) -> list[int]:
    if os.getpid() != _PARENT:
        os._exit(3)
    return [item]


_PARENT = os.getpid()


def test_what_a_dead_worker_did_not_send_is_computed_here():
    assert workers.flat_map(_dies_in_a_worker, list(range(300)), jobs=2) == list(range(300))


def _fails_on_7(item: int) -> list[int]:
    if item == 7:
        raise ValueError("item 7")
    return [item]


def test_an_error_surfaces_in_the_caller():
    try:
        workers.flat_map(_fails_on_7, list(range(300)), jobs=2)
    except ValueError as err:
        assert str(err) == "item 7"
    else:
        raise AssertionError("no error")


def test_without_a_process_to_fork_the_work_is_done_here(monkeypatch):
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert workers.flat_map(_pid_of, list(range(300)), jobs=4) == [(i, os.getpid()) for i in range(300)]


def test_the_queue_fits_one_atomic_pipe_write():
    import select

    assert workers._MAX_CHUNKS * workers._CHUNK_NUMBER.size <= select.PIPE_BUF


def _slow_in_a_worker(item: int) -> list[int]:
    if os.getpid() != _PARENT:
        time.sleep(0.05)
    return [item]


def _children_left() -> bool:
    try:
        return os.waitpid(-1, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return False


def test_an_interrupt_kills_and_reaps_the_workers_and_closes_their_pipes():
    import signal

    fds = set(os.listdir("/proc/self/fd"))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)  # a Ctrl-C while this process waits
    try:
        workers.flat_map(_slow_in_a_worker, list(range(400)), jobs=3)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("not interrupted")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not _children_left()
    assert set(os.listdir("/proc/self/fd")) == fds
