"""Prefect flow: a batch of files into the database, streamed in small tasks.

The walk is lazy and at most ``2 × workers`` tasks are in flight, so memory stays flat however many
files there are. Each task takes as many files as make about five seconds of work at the pace
measured so far (``_Pace``: up to 128 text letters, one scan), so Prefect's cost per task weighs
little whatever the files are, and fewer towards the end, so that the workers finish together.
Each file is hashed inside the task's error handling and read in a worker process of its own
(flows/worker.py), which also works out its search index entry; a thread of the task stores what
it has read, a batch per transaction, while it reads on. Every file the run saw ends as one
``Outcome``: loaded, already present, quarantined, skipped or deferred, with its reason.
"""
from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from collections.abc import Callable, Iterator
from pathlib import Path

from flows.settings import quiet_prefect

quiet_prefect()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from extractors.version import extractor_version  # noqa: E402
from pipeline.pages import reading_to_json  # noqa: E402
from flows.files import walk  # noqa: E402
from flows.report import BatchReport, Outcome  # noqa: E402
from flows.worker import Prepared, close_pools as _close_pools, shared_pool as _pool  # noqa: E402
from flows.worker import warm_workers, workers_ready  # noqa: E402,F401 - the run's entry points
from models import db  # noqa: E402
from models.errors import SarabanError  # noqa: E402
from models.options import Options  # noqa: E402
from models.quarantine import quarantine  # noqa: E402

log = logging.getLogger(__name__)
MAX_CHUNK, TASK_SECONDS = 128, 5.0

_stopping = threading.Event()


class Stopped(Exception):
    """The run was interrupted while this file was being read: not the file's fault."""

_engines: dict[str, object] = {}
_shared_lock = threading.Lock()


def _engine(url: str):  # noqa: ANN202
    with _shared_lock:
        if url not in _engines:
            _engines[url] = db.connect(url)
        return _engines[url]


def warm_dask_workers(workers: int, db_url: str | None = None) -> None:
    """Run on each Dask worker (``start_dask_workers``): this module imported and ``workers`` worker
    processes started and loaded (with the database ``db_url``), so that the first task pays neither."""
    warm_workers(workers, db_url)
    workers_ready(workers)


def start_dask_workers(address: str, workers: int, db_url: str | None = None) -> None:
    """Each Dask worker of the cluster at ``address`` told to warm up now, without waiting for it:
    they import and start their worker processes while the Prefect server starts."""
    from distributed import Client

    try:
        with Client(address, timeout=30) as client:
            client.run(warm_dask_workers, workers, db_url, wait=False)
    except (OSError, TimeoutError) as exc:  # the flow, connecting, says what is wrong
        log.info("could not warm the Dask workers at %s: %s", address, exc)


@task(name="extract-document", cache_policy=NO_CACHE)
def extract_task(path: str, options: Options) -> "Extracted":  # noqa: F821
    # imported here: the run's own process stores, its workers extract (seconds of imports saved)
    from extractors.process import extract_with_text

    return extract_with_text(path, options)


def _fingerprint(path: Path) -> tuple[str, os.stat_result]:
    before = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest(), before


def _changed(before: os.stat_result, path: Path) -> bool:
    after = path.stat()
    return (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)


@dataclass
class _Read:
    """A file read in a worker and waiting to be stored with the rest of its chunk."""

    path: Path
    prepared: Prepared
    seconds: float


def _quarantined(path: Path, exc: Exception, seconds: float, quarantine_dir: str) -> Outcome:
    reason = exc.reason if isinstance(exc, SarabanError) else (
        f"cannot read: {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}")
    try:
        where = quarantine(path, exc, quarantine_dir)
    except OSError as copy_error:
        where = f"(not copied: {copy_error.strerror or copy_error})"
    log.info("quarantined %s: %s -> %s", path, reason, where)
    return Outcome(str(path), "quarantined", reason, seconds, type(exc).__name__)


def read_document(path: Path, db_url: str, quarantine_dir: str, options: Options, workers: int,
                  settle_s: float) -> Outcome | _Read:
    """One file hashed and read (with its index entry) in a worker process, or its outcome if it
    goes no further: never an exception (but a stop)."""
    started = time.perf_counter()
    name = str(path)
    try:
        digest, before = _fingerprint(path)
        age = time.time() - before.st_mtime
        if age < settle_s:
            return Outcome(name, "deferred", f"modified {age:.1f} s ago, may still be being written: run again")
        if db.has_document(_engine(db_url), digest):
            return Outcome(name, "already_present", seconds=time.perf_counter() - started)
        prepared = _pool(workers, db_url).prepare(name, options, index_for=db_url)
        if prepared.extracted.record.source.sha256 != digest or _changed(before, path):
            return Outcome(name, "deferred", "changed while it was read (still being written?): run again")
        return _Read(path, prepared, time.perf_counter() - started)
    except FileNotFoundError:
        return Outcome(name, "skipped", "vanished before it was read", time.perf_counter() - started)
    except Exception as exc:  # every failure is quarantined with its reason; the batch goes on
        if _stopping.is_set():
            raise Stopped from exc  # the run is stopping: its workers were stopped, the file is fine
        return _quarantined(path, exc, time.perf_counter() - started, quarantine_dir)


def store_documents(read: list[_Read], db_url: str, quarantine_dir: str) -> list[Outcome]:
    """The chunk's documents stored in one transaction (one commit for all); a record the database
    refuses is quarantined alone."""
    if not read:
        return []
    started = time.perf_counter()
    version = extractor_version()
    items = [db.ToStore(r.prepared.extracted.record, r.prepared.extracted.text,
                        reading_to_json(r.prepared.extracted.raw) if r.prepared.extracted.raw else None, version,
                        r.prepared.entry) for r in read]
    results = db.load_records(_engine(db_url), items)
    share = (time.perf_counter() - started) / len(read)  # each document's part of the commit
    outcomes = []
    for r, result in zip(read, results):
        if isinstance(result, Exception):
            outcomes.append(_quarantined(r.path, result, r.seconds + share, quarantine_dir))
        else:
            outcomes.append(Outcome(str(r.path), "loaded" if result.inserted else "already_present",
                                    seconds=r.seconds + share))
    return outcomes


class _Storer:
    """Stores what a task has read while the task reads on, so that its worker process does not
    wait for the database: each batch is what was read while the previous one was being stored
    (one transaction each), and the task's last is small."""

    def __init__(self, db_url: str, quarantine_dir: str):
        self.db_url, self.quarantine_dir = db_url, quarantine_dir
        self.outcomes: list[Outcome] = []
        self._queue: queue.SimpleQueue[_Read | None] = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="saraban-store", daemon=True)
        self._thread.start()

    def add(self, read: _Read) -> None:
        self._queue.put(read)

    def _run(self) -> None:
        done = False
        while not done:
            batch = [self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get())
            done = batch[-1] is None
            batch = [r for r in batch if r is not None]
            try:
                self.outcomes += store_documents(batch, self.db_url, self.quarantine_dir)
            except BaseException as exc:  # noqa: BLE001 - raised again in the task (``finish``)
                self._failure = exc
                return

    def finish(self) -> list[Outcome]:
        """Every document added stored; their outcomes."""
        self._queue.put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self.outcomes


def _load_documents(paths: list[str], db_url: str, quarantine_dir: str, options: Options, workers: int,
                    settle_s: float) -> list[Outcome]:
    """A chunk of files: each read in a worker process, and stored (``_Storer``) while the next is
    read; also when the run is stopping, what was read is kept."""
    outcomes, storer = [], _Storer(db_url, quarantine_dir)
    try:
        for path in paths:
            if _stopping.is_set():
                break
            try:
                done = read_document(Path(path), db_url, quarantine_dir, options, workers, settle_s)
            except Stopped:
                break
            if isinstance(done, _Read):
                storer.add(done)
            else:
                outcomes.append(done)
    finally:
        stored = storer.finish()
    return outcomes + stored


# The task wraps a module-level function, so Dask pickles it by reference on the workers.
load_documents = task(name="load-documents", cache_policy=NO_CACHE)(_load_documents)


class _Pace:
    """How many files the next task takes. About TASK_SECONDS of work at the pace measured so far
    (Prefect's cost per task, its engine here and its server's records, then weighs little beside
    the work: a text letter takes 20 ms, a scan minutes), from 1 to MAX_CHUNK; 1, 1, 2, 2, 4 …
    until a document has been timed; and once the walk beside the run has counted the files, at
    most an even share of those left among the tasks in flight, so that the last tasks end together,
    but not under a quarter of the paced size: a tail of one-file tasks cost Prefect's cost per task
    again and again (a thousand letters made 72 tasks, 23 of them in the tail, at 2 s a task)."""

    def __init__(self, in_flight: int):
        self.in_flight = in_flight
        self.total: int | None = None
        self.documents, self.seconds = 0, 0.0

    def timed(self, outcome: Outcome) -> None:
        if outcome.status in ("loaded", "quarantined"):
            self.documents, self.seconds = self.documents + 1, self.seconds + outcome.seconds

    def size(self, given: int, tasks: int) -> int:
        if self.documents:
            size = int(TASK_SECONDS * self.documents / max(self.seconds, 1e-3))
        else:
            size = 2 ** (tasks // 2)
        size = min(MAX_CHUNK, size)
        if self.total is not None:
            size = min(size, max(-(-(self.total - given) // self.in_flight), size // 4))
        return max(1, size)


def _chunks(files: Iterator[str], pace: _Pace) -> Iterator[list[str]]:
    given, tasks, chunk = 0, 0, []
    for path in files:
        chunk.append(path)
        if len(chunk) >= pace.size(given, tasks):
            yield chunk
            given, tasks, chunk = given + len(chunk), tasks + 1, []
    if chunk:
        yield chunk


def _ingest(paths: list[str], db_url: str, quarantine_dir: str, options: Options | None = None,
                progress: Callable[[Outcome], None] | None = None, workers: int = 2,
                settle_s: float = 0.0, on_total: Callable[[int], None] | None = None) -> BatchReport:
    """Every file under ``paths`` loaded, recognised as present, quarantined, skipped or deferred."""
    options = options or Options()
    tell = progress or (lambda _outcome: None)
    _stopping.clear()
    db.connect(db_url).dispose()  # the schema made once, before tasks race for it
    report = BatchReport()

    def readable() -> Iterator[str]:
        for found in walk(paths):
            if found.skipped is None:
                yield str(found.path)
            else:
                outcome = Outcome(str(found.path), "skipped", found.skipped)
                report.add(outcome)
                tell(outcome)

    pace = _Pace(in_flight=2 * workers)

    def count() -> None:  # the total for the pace and an ETA, listed beside the work
        pace.total = sum(f.skipped is None for f in walk(paths))
        if on_total is not None:
            on_total(pace.total)

    def told(outcome: Outcome) -> None:
        pace.timed(outcome)
        tell(outcome)

    threading.Thread(target=count, daemon=True).start()
    pending: deque = deque()
    try:
        for chunk in _chunks(readable(), pace):
            while len(pending) >= 2 * workers:
                _collect(next(as_completed(list(pending))), pending, report, told)
            pending.append(load_documents.submit(chunk, db_url, quarantine_dir, options, workers, settle_s))
        while pending:
            _collect(next(as_completed(list(pending))), pending, report, told)
    except KeyboardInterrupt:
        report.interrupted = True
        _stopping.set()
        _close_pools()
        for future in list(pending):  # the documents stored before the stop are reported too
            try:
                _collect(future, pending, report, tell, timeout=3)
            except Exception:  # noqa: BLE001 - a task cut short reports nothing
                continue
    finally:
        _stopping.set()
        _close_pools()
        with _shared_lock:
            for engine in _engines.values():
                engine.dispose()
            _engines.clear()
    return report


# The flow wraps a module-level function: a Dask runner pickles the flow by reference.
ingest_flow = flow(name="saraban-ingest", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)(_ingest)


def _collect(future, pending: deque, report: BatchReport, tell: Callable[[Outcome], None],  # noqa: ANN001
             timeout: float | None = None) -> None:
    pending.remove(future)
    for outcome in future.result(timeout=timeout):
        report.add(outcome)
        tell(outcome)


def runner_for(kind: str, address: str | None, workers: int):  # noqa: ANN201
    """The task runner: threads here (one worker process each), or a Dask cluster via prefect-dask."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    from models.errors import OrchestrationError

    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise OrchestrationError("--runner dask needs prefect-dask (pip install prefect-dask)") from exc
    if not address:
        raise OrchestrationError("--runner dask needs --address tcp://host:port of a Dask scheduler")
    return DaskTaskRunner(address=address)
