"""Re-extraction: records made by an older extractor version are made again from the stored
reading — no file read, no OCR, no duplicate rows — and the changes are reported."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from extractors.process import extract_with_text
from extractors.version import extractor_version
from flows.cli import main
from flows.reprocess import reprocess
from models import db
from pipeline.pages import reading_to_json
from tests.conftest import RAW, RESOURCES


@pytest.fixture
def stored(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = db.connect(url)
    for path in (RAW / "002_dfd2a0fd8d76cdea.txt", RESOURCES / "order_mou.txt"):
        extracted = extract_with_text(path)
        db.load_record(engine, extracted.record, extracted.text, reading_to_json(extracted.raw), "0ld0ld0ld0ld")
    # what an older rule made: a wrong subject and no parties in the tables
    with engine.begin() as conn:
        row = conn.execute(select(db.documents.c.id, db.documents.c.record).order_by(db.documents.c.id)).first()
        conn.execute(update(db.documents).where(db.documents.c.id == row.id)
                     .values(record={**row.record, "subject": "เรื่องเก่า"}, subject="เรื่องเก่า"))
    return url, engine


def test_reprocess_remakes_old_records_without_reading_files(stored, monkeypatch):
    url, engine = stored
    before = db.counts(engine)

    def no_reading(*_args, **_kwargs):
        raise AssertionError("reprocess must not read files or run OCR")

    monkeypatch.setattr("extractors.process.read_document", no_reading)
    monkeypatch.setattr("pipeline.ocr.ocr_images", no_reading)
    report = reprocess(url)
    assert report.examined == 2 and not report.failed
    assert list(report.changed.values()) == [["subject"]]
    assert db.counts(engine) == before  # no duplicates, parts replaced one for one
    [row] = db.search(engine, db.Query(text="มท 0891.3/ว 2556"))
    assert row["subject"] != "เรื่องเก่า"
    with engine.connect() as conn:
        assert set(conn.scalars(select(db.documents.c.extractor_version))) == {extractor_version()}
    assert reprocess(url).examined == 0  # up to date: nothing to do


def test_reprocess_command(stored, capsys):
    url, _ = stored
    assert main(["reprocess", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "2 documents made again, 1 changed" in out and "subject ×1" in out
