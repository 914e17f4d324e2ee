"""The Prefect ingest flow: a batch with a bad file in it, quarantine, and an idempotent re-run."""
from __future__ import annotations

import json
import shutil

import pytest

from flows.ingest import extract_task, ingest_flow
from models import db
from models.options import Options
from tests.conftest import RAW


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("000_af5cc0d685e0151e.txt", "003_65ff8c384cf7a56e.txt"):
        shutil.copy(RAW / name, folder / name)
    (folder / "blank.txt").write_text("   \n")
    (folder / "notes.xlsx").write_bytes(b"PK")  # not a supported type: left out of a folder batch
    return folder


def test_flow_quarantines_bad_input_and_goes_on(prefect_harness, batch, tmp_path):
    url, quarantine = f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "quarantine"
    report = ingest_flow([str(batch)], url, str(quarantine), Options())
    assert report.counts() == {"loaded": 2, "already_present": 0, "quarantined": 1}
    [folder] = list(quarantine.iterdir())
    error = json.loads((folder / "error.json").read_text(encoding="utf-8"))
    assert error["type"] == "InputError" and error["stage"] == "ingest" and "file is empty" in error["message"]
    assert (folder / "blank.txt").read_text() == "   \n" and (batch / "blank.txt").exists()

    again = ingest_flow([str(batch)], url, str(quarantine), Options())
    assert again.counts() == {"loaded": 0, "already_present": 2, "quarantined": 1}
    assert len(list(quarantine.iterdir())) == 1
    assert db.counts(db.connect(url))["documents"] == 2


def test_extract_task_function_runs_without_prefect():
    extracted = extract_task.fn(str(RAW / "002_dfd2a0fd8d76cdea.txt"), Options())
    assert extracted.record.number.value == "มท 0891.3/ว 2556"


def test_a_file_still_being_written_is_deferred(prefect_harness, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(RAW / "002_dfd2a0fd8d76cdea.txt", folder / "fresh.txt")  # modified just now
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    report = ingest_flow([str(folder)], url, str(tmp_path / "quarantine"), Options(), settle_s=60)
    [outcome] = report.outcomes
    assert outcome.status == "deferred" and "may still be being written" in outcome.reason
    assert report.exit_code() == 4 and db.counts(db.connect(url))["documents"] == 0


@pytest.mark.slow
def test_a_server_started_before_the_run_is_used_and_stopped(monkeypatch):
    """``saraban ingest`` starts its Prefect server first and waits for it only when the flow begins."""
    import httpx

    from flows import server as prefect_server
    from flows.server import prefect_api, start_server

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(prefect_server, "configured_api", lambda: None)  # not the test harness's server
    server = start_server()
    assert server is not None and server.process.poll() is None  # starting, nobody waited yet
    with prefect_api(server=server) as url:
        assert url == server.url and httpx.get(f"{url}/health", timeout=5).status_code == 200
    assert server.process.poll() is not None  # stopped with the block: nothing left listening


def test_warm_up_loads_what_the_first_document_would():
    from extractors.process import warm_up
    from pipeline.segment import custom_dictionary

    custom_dictionary.cache_clear()
    assert warm_up().doc_type == "memo"
    assert custom_dictionary.cache_info().currsize == 1  # the agency word list is built


def _task_sizes(files: int, seconds_each: float, workers: int = 2) -> list[int]:
    """The chunk sizes a run gives its tasks, each task timed as soon as it is handed out."""
    from flows.ingest import Outcome, _chunks, _Pace

    pace = _Pace(in_flight=2 * workers)
    pace.total = files
    sizes = []
    for chunk in _chunks(iter([f"doc_{n}.txt" for n in range(files)]), pace):
        sizes.append(len(chunk))
        for path in chunk:
            pace.timed(Outcome(path, "loaded", seconds=seconds_each))
    return sizes


def test_a_batch_is_cut_into_few_tasks_without_a_tail_of_single_files():
    """Prefect costs about a tenth of a second of CPU a task (its engine and its server's records):
    a thousand letters of 50 ms each make a few dozen tasks, the last ones smaller but not one-file."""
    sizes = _task_sizes(1000, 0.05)
    assert sum(sizes) == 1000
    assert len(sizes) <= 30, sizes
    assert sizes[-1] >= 10 and sizes.count(1) <= 2, sizes
    assert max(sizes[-4:]) < max(sizes), sizes  # the tail is still shared out, for the workers to end together


def test_a_slow_document_gets_a_task_of_its_own():
    assert set(_task_sizes(12, 60.0)) == {1}
