"""One document at a time in a process of its own, so that a crash, a hang or a memory blow-up in
one document (a native library included) costs that document only.

``WorkerPool.extract`` hands a file to an idle worker process (``python -m flows.worker``) and waits
at most ``Options.max_seconds``; the worker runs under an address-space limit of
``Options.max_memory_mb``. ``WorkerPool.prepare`` also has the worker work out the record's search
index entry (segmenting and folding its text cost about half of storing it, and the run's process,
which stores for every worker, would otherwise do it for all of them). A worker that dies, runs out
of memory or time is killed and replaced; the document gets a ``WorkerFailed`` error naming what
happened, and the batch goes on.
"""
from __future__ import annotations

import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flows.child_process import dies_with_parent, set_death_signal
from models.errors import ExtractionError, LimitExceeded, SarabanError, WorkerFailed, WorkerTimeout
from models.options import Options

HEADER = struct.Struct("!Q")
# A worker's start (imports, dictionaries) is not counted in a document's time, but bounded.
START_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Prepared:
    """A document read in a worker process, with its search index entry (``search_index.IndexEntry``)
    for the database the run stores into, or None when the worker could not work it out (the store
    then does)."""

    extracted: object  # extractors.process.Extracted (not imported here: the run's process stays light)
    entry: object | None = None


def _send(stream, payload: object) -> None:  # noqa: ANN001
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int, deadline: float | None = None) -> object:
    (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    return pickle.loads(_read_exactly(fd, size, None))


# Workers die with the thread that started them (PR_SET_PDEATHSIG follows the thread, not the
# process), so one thread that lives as long as the process starts them all.
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saraban-spawner")


_DIE_WITH_RUN = dies_with_parent(signal.SIGKILL)
STORE_ENV = "SARABAN_WORKER_STORE"  # the database a worker makes index entries for, loaded at its start


def _spawn(index_for: str | None) -> subprocess.Popen:
    # The death signal is set between fork and exec: a run killed while a worker still imports
    # (seconds, now that workers start with the run) leaves no worker behind. The database URL goes
    # in the environment, not the command line that ps shows.
    env = {**os.environ, STORE_ENV: index_for} if index_for else None
    return subprocess.Popen([sys.executable, "-m", "flows.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            bufsize=0, cwd=str(Path(__file__).resolve().parents[1]), preexec_fn=_DIE_WITH_RUN,
                            env=env)


class Worker:
    """One worker process and the pipes to it."""

    def __init__(self, index_for: str | None = None) -> None:
        self.process = _spawner.submit(_spawn, index_for).result()
        self.ready = False

    def _wait_ready(self, path: str) -> None:
        try:
            _receive(self.process.stdout.fileno(), time.monotonic() + START_TIMEOUT_S)
        except (TimeoutError, EOFError, OSError, pickle.UnpicklingError):
            code = self.kill()
            raise WorkerFailed(f"a worker process could not start (exit code {code})", path=path) from None
        self.ready = True

    def prepare(self, path: str, options: Options, index_for: str | None = None) -> Prepared:
        """``path`` read (and its index entry for the database ``index_for``), or the error it raised;
        WorkerFailed when the process failed."""
        if not self.ready:
            self._wait_ready(path)
        try:
            _send(self.process.stdin, (path, options.model_dump(), index_for))
            reply = _receive(self.process.stdout.fileno(), time.monotonic() + options.max_seconds)
        except TimeoutError:
            self.kill()
            raise WorkerTimeout(f"took longer than the {options.max_seconds:g}-second limit; stopped",
                                path=path) from None
        except (EOFError, BrokenPipeError, OSError, pickle.UnpicklingError):
            code = self.kill()
            cause = (f"signal {signal.Signals(-code).name}" if code and code < 0 and -code in signal.valid_signals()
                     else f"exit code {code}")
            raise WorkerFailed(f"the worker reading it died ({cause}); memory limit "
                               f"{options.max_memory_mb} MB", path=path) from None
        status, value = reply
        if status == "fatal":
            self.kill()  # out of memory: a fresh process for the next document
            raise value
        if status == "error":
            raise value
        return Prepared(*value)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> int | None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            return self.process.wait(5)
        finally:
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass


class WorkerPool:
    """Worker processes, started as they are first needed, shared by the threads of one run."""

    def __init__(self, size: int, index_for: str | None = None):
        self.size = size
        self.index_for = index_for  # the database its workers load for index entries as they start
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(size)
        self.closed = False

    def _take(self) -> Worker:
        self._slots.acquire()
        try:
            worker = self._idle.get_nowait()
            if worker.alive:
                return worker
        except queue.Empty:
            pass
        if self.closed:
            self._slots.release()
            raise WorkerFailed("the run is stopping")
        worker = Worker(self.index_for)
        with self._lock:
            self._all.append(worker)
        return worker

    def extract(self, path: str, options: Options):  # noqa: ANN201
        """The Extracted of ``path`` (see ``prepare``)."""
        return self.prepare(path, options).extracted

    def prepare(self, path: str, options: Options, index_for: str | None = None) -> Prepared:
        """``path`` read in an idle worker, with its index entry for the database ``index_for``."""
        worker = self._take()
        try:
            return worker.prepare(path, options, index_for)
        finally:
            if worker.alive and not self.closed:
                self._idle.put(worker)
            self._slots.release()

    def warm(self) -> None:
        """Start every worker now (each takes seconds to import), e.g. while the Prefect server starts."""
        with self._lock:
            missing = self.size - len(self._all)
            for _ in range(max(0, missing)):
                worker = Worker(self.index_for)
                self._all.append(worker)
                self._idle.put(worker)

    def wait_ready(self) -> None:
        """Wait until every started worker has loaded (a worker that cannot start is dropped here, and
        replaced when a document needs it)."""
        with self._lock:
            starting = [w for w in self._all if not w.ready]
        for worker in starting:
            try:
                worker._wait_ready("(worker start)")
            except WorkerFailed:
                continue

    def close(self) -> None:
        """Every worker process stopped (killed: a document half read is read again next run)."""
        self.closed = True
        with self._lock:
            for worker in self._all:
                worker.kill()
            self._all.clear()


_pools: dict[int, WorkerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(size: int, index_for: str | None = None) -> WorkerPool:
    """The pool of ``size`` workers this process's runs share (a new one after ``close_pools``)."""
    with _pools_lock:
        if size not in _pools or _pools[size].closed:
            _pools[size] = WorkerPool(size, index_for)
        return _pools[size]


def warm_workers(size: int, index_for: str | None = None) -> None:
    """The shared pool's worker processes started now (this module is light: a run starts them
    before it imports Prefect, and they load while it does), with the database ``index_for``."""
    shared_pool(size, index_for).warm()


def workers_ready(size: int) -> None:
    """Wait for the workers ``warm_workers`` started, so no document's time counts their start."""
    shared_pool(size).wait_ready()


def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


# --- the worker process ---------------------------------------------------------------------------

def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


_stores: dict[str, object] = {}


def _index_entry(url: str, extracted):  # noqa: ANN001, ANN202
    """The record's search index entry for the database at ``url`` (its agency names read once; with
    no ``extracted``, only that), or None if that fails here: the run's process then works it out,
    and reports what goes wrong."""
    from models import db, search_index

    try:
        if url not in _stores:
            _stores[url] = db.connect(url)
            search_index.warm(_stores[url])
        return search_index.index_entry(_stores[url], extracted.record, extracted.text) if extracted else None
    except Exception:  # noqa: BLE001 - the store does the same work and names the failure
        return None


def serve() -> None:
    """Read (path, options, database URL or None) requests from stdin, answer each with
    ('ok', (Extracted, IndexEntry or None)) or an error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run and kills its workers
    set_death_signal(signal.SIGKILL)
    from extractors.process import extract_with_text, warm_up

    stdin, stdout = sys.stdin.buffer.fileno(), sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies on the pipe
    warm_up()  # word lists and patterns loaded now, while the run starts, not in the first document's time
    from models.search_text import segmented

    segmented("ส่งเสริมการปกครองท้องถิ่น")  # the index's word list too
    if os.environ.get(STORE_ENV):  # and the run's database, with its agency names
        _index_entry(os.environ[STORE_ENV], None)
    _send(stdout, ("ready", None))
    while True:
        try:
            path, options, index_for = _receive(stdin)
        except EOFError:
            return
        options = Options(**options)
        _limit_memory(options.max_memory_mb)
        try:
            extracted = extract_with_text(path, options)
            # a tuple, not a Prepared: this module runs as __main__ here, so its classes would not unpickle
            reply = ("ok", (extracted, _index_entry(index_for, extracted) if index_for else None))
        except MemoryError:
            reply = ("fatal", LimitExceeded(f"ran out of memory (limit {options.max_memory_mb} MB)", path=path))
        except SarabanError as exc:
            reply = ("error", exc)
        except OSError as exc:
            reply = ("error", ExtractionError(f"cannot read: {exc.strerror or exc}", path=path))
        except Exception as exc:  # a bug: named, not fatal to the worker
            reply = ("error", ExtractionError(f"{type(exc).__name__}: {exc}", path=path))
        try:
            _send(stdout, reply)
        except MemoryError:
            _send(stdout, ("fatal", LimitExceeded(f"ran out of memory (limit {options.max_memory_mb} MB)",
                                                  path=path)))
        if reply[0] == "fatal":
            return


if __name__ == "__main__":
    serve()
