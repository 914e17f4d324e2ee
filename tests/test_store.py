"""The database: a round trip, idempotent loading, Thai search, export, and the CLI over it."""
from __future__ import annotations

import csv
import io
import json
import os

import pytest

from extractors.process import extract_with_text
from flows.cli import main
from models import db
from tests.conftest import RAW, RESOURCES

DOCUMENTS = [RAW / "000_af5cc0d685e0151e.txt", RAW / "002_dfd2a0fd8d76cdea.txt", RESOURCES / "order_mou.txt",
             RESOURCES / "regulation.txt"]


def load_all(engine):
    for path in DOCUMENTS:
        extracted = extract_with_text(path)
        db.load_record(engine, extracted.record, extracted.text)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'saraban.db'}"


@pytest.fixture
def loaded(sqlite_url):
    engine = db.connect(sqlite_url)
    load_all(engine)
    return engine


def test_round_trip_keeps_the_record_whole(loaded):
    extracted = extract_with_text(RAW / "002_dfd2a0fd8d76cdea.txt")
    [row] = db.search(loaded, db.Query(text="มท 0891.3/ว 2556"))
    stored = json.loads(db.export_records(loaded, "jsonl").splitlines()[1])
    assert row["number"] == "มท 0891.3/ว 2556" and row["agency"] == "กระทรวงมหาดไทย"
    assert stored == extracted.record.model_dump(mode="json")


def test_tables_hold_the_parts(loaded):
    counts = db.counts(loaded)
    assert counts == {"documents": 4, "agreements": 3, "parties": 15, "signatories": 25, "clauses": 18,
                      "plans": 0, "projects": 0}


def test_reload_inserts_nothing(loaded):
    before = db.counts(loaded)
    extracted = extract_with_text(DOCUMENTS[0])
    assert db.load_record(loaded, extracted.record, extracted.text).inserted is False
    assert db.counts(loaded) == before


@pytest.mark.parametrize("query, expected", [
    pytest.param(db.Query(party="มหาวิทยาลัยเชียงใหม่"), ["000_af5cc0d685e0151e.txt"], id="party"),
    pytest.param(db.Query(party="สสส."), ["002_dfd2a0fd8d76cdea.txt"], id="party-alias"),
    pytest.param(db.Query(party="มหาวิทยาลัย"), ["order_mou.txt", "000_af5cc0d685e0151e.txt"], id="party-part"),
    pytest.param(db.Query(signatory="ดิศกุล"), ["000_af5cc0d685e0151e.txt"], id="signatory-surname"),
    pytest.param(db.Query(clause="ศูนย์พัฒนาเด็กเล็กต้นแบบ"), ["002_dfd2a0fd8d76cdea.txt"], id="clause-text"),
    pytest.param(db.Query(text="มท"), ["002_dfd2a0fd8d76cdea.txt", "000_af5cc0d685e0151e.txt"],
                 id="two-letter-code-in-running-text"),
    pytest.param(db.Query(text="ศูนย์ปฏิบัติการ ร่วมกลุ่มจังหวัด"), ["000_af5cc0d685e0151e.txt"],
                 id="spaces-in-query-ignored"),
    pytest.param(db.Query(doc_type="announcement"), ["regulation.txt"], id="type"),
    pytest.param(db.Query(since="2013-01-01", until="2021-12-31"), ["regulation.txt", "002_dfd2a0fd8d76cdea.txt"],
                 id="date-range"),
])
def test_search(loaded, query, expected):
    assert [os.path.basename(r["path"]) for r in db.search(loaded, query)] == expected


def test_export_csv(loaded):
    rows = list(csv.DictReader(io.StringIO(db.export_records(loaded, "csv"))))
    assert len(rows) == 4 and rows[0]["number"] == "พร 0077.3/ว 510"


def test_cli_search_by_party_finds_the_mou(loaded, sqlite_url, capsys):
    assert main(["search", "--party", "มหาวิทยาลัยเชียงใหม่", "--db", sqlite_url, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [os.path.basename(r["path"]) for r in rows] == ["000_af5cc0d685e0151e.txt"]
    assert "มหาวิทยาลัยเชียงใหม่" in rows[0]["parties"]


def test_cli_extract_prints_jsonl_and_fails_on_bad_file(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    assert main(["extract", str(RAW / "003_65ff8c384cf7a56e.txt"), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["doc_type"] == "news"
    assert str(bad) in err and "file is empty" in err


def test_cli_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"source", "number", "agreements", "provenance"} <= set(schema["properties"])


@pytest.mark.postgres
def test_postgres_round_trip(postgres_url):
    engine = db.connect(postgres_url)
    with engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in ("agencies", "org_entities", "org_names"):  # shipped data stays
                conn.execute(table.delete())
    load_all(engine)
    load_all(engine)
    assert db.counts(engine)["documents"] == 4
    assert [os.path.basename(r["path"]) for r in db.search(engine, db.Query(party="มหาวิทยาลัยเชียงใหม่"))] == [
        "000_af5cc0d685e0151e.txt"]
