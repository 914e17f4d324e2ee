"""Prefect flow: a batch of files into the database, streamed in small tasks.

The walk is lazy and at most ``2 × workers`` tasks are in flight, so memory stays flat however many
files there are. Each task takes a few files (1, 1, 2, 2, 4 … up to 16: a small batch still uses
every worker, a large one pays Prefect's per-task cost once per 16 documents); each file is hashed
inside the task's error handling and read in a worker process of its own (flows/worker.py). Every
file the run saw ends as one ``Outcome``: loaded, already present, quarantined, skipped or deferred,
with its reason.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import deque
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
from flows.worker import WorkerPool  # noqa: E402
from models import db  # noqa: E402
from models.errors import SarabanError  # noqa: E402
from models.options import Options  # noqa: E402
from models.quarantine import quarantine  # noqa: E402

log = logging.getLogger(__name__)
MAX_CHUNK = 16

_stopping = threading.Event()


class Stopped(Exception):
    """The run was interrupted while this file was being read: not the file's fault."""

_engines: dict[str, object] = {}
_pools: dict[int, WorkerPool] = {}
_shared_lock = threading.Lock()


def _engine(url: str):  # noqa: ANN202
    with _shared_lock:
        if url not in _engines:
            _engines[url] = db.connect(url)
        return _engines[url]


def _pool(size: int) -> WorkerPool:
    with _shared_lock:
        if size not in _pools or _pools[size].closed:
            _pools[size] = WorkerPool(size)
        return _pools[size]


def warm_workers(size: int) -> None:
    """The worker processes started ahead of the flow (the threads runner's pool)."""
    _pool(size).warm()


def workers_ready(size: int) -> None:
    """Wait for the workers ``warm_workers`` started, so no document's time counts their start."""
    _pool(size).wait_ready()


def warm_store(engine) -> None:  # noqa: ANN001
    """The store's word list and agency names loaded before the first document needs them."""
    from models import search_index

    search_index.warm(engine)


def _close_pools() -> None:
    with _shared_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


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


def load_document(path: Path, db_url: str, quarantine_dir: str, options: Options, workers: int,
                  settle_s: float) -> Outcome:
    """One file into the database, whatever happens: the outcome, never an exception (but a stop)."""
    started = time.perf_counter()
    name = str(path)
    try:
        digest, before = _fingerprint(path)
        age = time.time() - before.st_mtime
        if age < settle_s:
            return Outcome(name, "deferred", f"modified {age:.1f} s ago, may still be being written: run again")
        if db.has_document(_engine(db_url), digest):
            return Outcome(name, "already_present", seconds=time.perf_counter() - started)
        extracted = _pool(workers).extract(name, options)
        if extracted.record.source.sha256 != digest or _changed(before, path):
            return Outcome(name, "deferred", "changed while it was read (still being written?): run again")
        result = db.load_record(_engine(db_url), extracted.record, extracted.text,
                                reading_to_json(extracted.raw) if extracted.raw else None, extractor_version(),
                                index_text=extracted.index_text)
        return Outcome(name, "loaded" if result.inserted else "already_present", seconds=time.perf_counter() - started)
    except FileNotFoundError:
        return Outcome(name, "skipped", "vanished before it was read", time.perf_counter() - started)
    except Exception as exc:  # every failure is quarantined with its reason; the batch goes on
        if _stopping.is_set():
            raise Stopped from exc  # the run is stopping: its workers were stopped, the file is fine
        reason = exc.reason if isinstance(exc, SarabanError) else (
            f"cannot read: {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}")
        try:
            where = quarantine(path, exc, quarantine_dir)
        except OSError as copy_error:
            where = f"(not copied: {copy_error.strerror or copy_error})"
        log.info("quarantined %s: %s -> %s", path, reason, where)
        return Outcome(name, "quarantined", reason, time.perf_counter() - started, type(exc).__name__)


def _load_documents(paths: list[str], db_url: str, quarantine_dir: str, options: Options, workers: int,
                    settle_s: float) -> list[Outcome]:
    outcomes = []
    for path in paths:
        if _stopping.is_set():
            break
        try:
            outcomes.append(load_document(Path(path), db_url, quarantine_dir, options, workers, settle_s))
        except Stopped:
            break
    return outcomes


# The task wraps a module-level function, so Dask pickles it by reference on the workers.
load_documents = task(name="load-documents", cache_policy=NO_CACHE)(_load_documents)


def _chunks(files: Iterator[str]) -> Iterator[list[str]]:
    """1, 1, 2, 2, 4, 4 … files, up to MAX_CHUNK: every worker busy at once, Prefect's cost amortised."""
    size, given, chunk = 1, 0, []
    for path in files:
        chunk.append(path)
        if len(chunk) >= size:
            yield chunk
            chunk, given = [], given + 1
            if given % 2 == 0:
                size = min(MAX_CHUNK, size * 2)
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

    if on_total is not None:  # the total for an ETA, listed beside the work
        threading.Thread(target=lambda: on_total(sum(f.skipped is None for f in walk(paths))), daemon=True).start()
    pending: deque = deque()
    try:
        for chunk in _chunks(readable()):
            while len(pending) >= 2 * workers:
                _collect(next(as_completed(list(pending))), pending, report, tell)
            pending.append(load_documents.submit(chunk, db_url, quarantine_dir, options, workers, settle_s))
        while pending:
            _collect(next(as_completed(list(pending))), pending, report, tell)
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
