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
