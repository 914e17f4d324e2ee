"""Prefect flow: a batch of files into the database, one task per document.

One failing document never stops the batch: it is quarantined with its reason. Documents already
stored (same sha256) are recognised before any extraction work.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from prefect import flow, task  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from extractors.process import Extracted, extract_with_text  # noqa: E402
from flows.files import expand  # noqa: E402
from models import db  # noqa: E402
from models.errors import SarabanError  # noqa: E402
from models.options import Options  # noqa: E402
from models.quarantine import quarantine  # noqa: E402


@dataclass
class BatchReport:
    loaded: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"loaded": len(self.loaded), "already_present": len(self.already_present),
                "quarantined": len(self.quarantined)}


def _retry_if_retryable(task, task_run, state) -> bool:  # noqa: ANN001
    try:
        state.result()
    except SarabanError as exc:
        return exc.retryable
    except Exception:
        return False
    return False


@task(name="extract-document", retries=1, retry_delay_seconds=2, retry_condition_fn=_retry_if_retryable)
def extract_task(path: str, options: Options) -> Extracted:
    return extract_with_text(path, options)


@flow(name="saraban-ingest", task_runner=ThreadPoolTaskRunner(max_workers=2))
def ingest_flow(paths: list[str], db_url: str, quarantine_dir: str, options: Options | None = None,
                progress: Callable[[str], None] | None = None) -> BatchReport:
    options = options or Options()
    say = progress or (lambda _message: None)
    engine = db.connect(db_url)
    report = BatchReport()
    files = expand(paths)
    pending = []
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        if digest and db.has_document(engine, digest):
            report.already_present.append(str(path))
            say(f"already present  {path}")
        else:
            pending.append((path, extract_task.submit(str(path), options)))
    for path, future in pending:
        try:
            extracted = future.result()
            result = db.load_record(engine, extracted.record, extracted.text)
        except Exception as exc:  # every failure is quarantined with its reason; the batch goes on
            where = quarantine(path, exc, quarantine_dir)
            report.quarantined.append((str(path), str(exc)))
            say(f"quarantined      {path}: {exc} -> {where}")
            continue
        (report.loaded if result.inserted else report.already_present).append(str(path))
        say(f"{'loaded' if result.inserted else 'already present':16} {path}")
    engine.dispose()
    return report
