"""Documents read in worker processes: a hang, a crash or a memory blow-up costs that document only,
and the next document gets a fresh worker."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from flows.worker import WorkerPool
from models.errors import InputError, LimitExceeded, WorkerFailed, WorkerTimeout
from models.options import Options
from tests.conftest import RAW

LETTER = RAW / "002_dfd2a0fd8d76cdea.txt"


@pytest.fixture
def pool():
    pool = WorkerPool(1)
    yield pool
    pool.close()


@pytest.fixture
def slow_page(tmp_path):
    """A page that takes seconds to read: HTML nested 100,000 deep."""
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 100_000 + "เรื่อง ขอเชิญประชุม" + "</div>" * 100_000, encoding="utf-8")
    return path


def test_a_document_over_its_time_is_stopped_and_the_next_one_read(pool, slow_page):
    assert pool.extract(str(LETTER), Options()).record.number.value == "มท 0891.3/ว 2556"  # worker started
    started = time.monotonic()
    with pytest.raises(WorkerTimeout, match="took longer than the 0.2-second limit"):
        pool.extract(str(slow_page), Options(max_seconds=0.2))
    assert time.monotonic() - started < 10
    assert pool.extract(str(LETTER), Options()).record.number.value == "มท 0891.3/ว 2556"


def test_a_worker_that_dies_costs_one_document(pool, slow_page):
    pool.extract(str(LETTER), Options())
    [worker] = pool._all
    threading.Timer(0.5, worker.process.kill).start()  # as a segfault in a native library would
    with pytest.raises(WorkerFailed, match=r"died \(signal SIGKILL\)"):
        pool.extract(str(slow_page), Options())
    assert pool.extract(str(LETTER), Options()).record.number.value == "มท 0891.3/ว 2556"


def test_memory_over_the_limit_is_refused_and_the_worker_replaced(pool, tmp_path):
    pool.extract(str(LETTER), Options())
    [worker] = pool._all
    status = (Path("/proc") / str(worker.process.pid) / "status").read_text()
    in_use_mb = int(next(line for line in status.splitlines() if line.startswith("VmSize:")).split()[1]) // 1024
    big = tmp_path / "one-line.txt"
    big.write_text("ขอความร่วมมือประชาสัมพันธ์ " * 80_000, encoding="utf-8")  # 6 MB on one line
    with pytest.raises((LimitExceeded, WorkerFailed), match="memory"):
        pool.extract(str(big), Options(max_memory_mb=in_use_mb + 32))
    assert pool.extract(str(LETTER), Options()).record.number.value == "มท 0891.3/ว 2556"


def test_errors_come_back_as_they_were_raised(pool, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        pool.extract(str(tmp_path / "gone.txt"), Options())


_SPAWN_WITH_IMPORTS_REFUSED = """
import builtins, os, signal, subprocess
from flows import server, worker

run, imported = os.getpid(), builtins.__import__

def refuse_in_child(name, *args, **kwargs):
    if os.getpid() != run:
        raise ImportError(f"{name} imported between fork and exec")
    return imported(name, *args, **kwargs)

builtins.__import__ = refuse_in_child
started = worker._spawn(None)
started.kill()
started.wait()
subprocess.Popen(["true"], preexec_fn=server.dies_with_parent(signal.SIGTERM)).wait()
print("spawned")
"""


def test_a_child_process_imports_nothing_between_fork_and_exec():
    """Workers and the temporary server are started while other threads of the run import modules;
    the forked child has only one thread, so an import lock held at the fork is held for ever there:
    an ``import`` between fork and exec hung ``ingest``'s start. Here an import in the child raises."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _SPAWN_WITH_IMPORTS_REFUSED], capture_output=True, text=True,
                          cwd=str(Path(__file__).resolve().parents[1]), timeout=60)
    assert done.stdout.strip() == "spawned", done.stderr[-2000:]
