"""Search as people type it: Buddhist-era dates, Thai digits, abbreviations and English names of
agencies, names without their tone marks, typos, two-letter codes; agencies linked at store time;
people grouped across documents; the index in PostgreSQL too."""
from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import func, select, text

from extractors.process import extract_with_text
from extractors.query import parse_date_bound
from flows.cli import main
from models import db, review, search_index
from models.errors import QueryError
from models.search_text import arabic_digits, fold, person_key, segmented, words
from tests.conftest import RAW, RESOURCES

DOCUMENTS = [RAW / "000_af5cc0d685e0151e.txt", RAW / "002_dfd2a0fd8d76cdea.txt", RESOURCES / "order_mou.txt",
             RESOURCES / "regulation.txt"]
CHIANG_MAI, DLA, SMART_CITY, BURNING = (p.name for p in DOCUMENTS)


@pytest.fixture(scope="module")
def extracted():
    return [extract_with_text(path) for path in DOCUMENTS]


def load(engine, extracted):
    for item in extracted:
        db.load_record(engine, item.record, item.text)
    return engine


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('search') / 'saraban.db'}"


@pytest.fixture(scope="module")
def engine(sqlite_url, extracted):
    return load(db.connect(sqlite_url), extracted)


def names(result):
    return [os.path.basename(hit.path) for hit in result.hits]


QUERIES = [
    pytest.param(dict(text="มท ๐๘๙๑.๓/ว ๒๕๕๖"), [DLA], id="number-thai-digits"),
    pytest.param(dict(text="มท 0891.3/ว 2556"), [DLA], id="number-arabic-digits"),
    pytest.param(dict(party="สถ."), [DLA], id="party-abbreviation"),
    pytest.param(dict(party="สถ"), [DLA], id="party-abbreviation-without-dot"),
    pytest.param(dict(party="กรมส่งเสริมการปกครองท้องถิ่น"), [DLA], id="party-thai-name"),
    pytest.param(dict(party="Department of Local Administration"), [DLA], id="party-english-name"),
    pytest.param(dict(party="ThaiHealth"), [DLA], id="party-english-short-name"),
    pytest.param(dict(party="สสส."), [DLA], id="party-alias-in-brackets"),
    pytest.param(dict(party="Chiang Mai University"), [CHIANG_MAI], id="party-university-english"),
    pytest.param(dict(party="กฟภ."), [SMART_CITY], id="party-abbreviation-state-enterprise"),
    pytest.param(dict(party="มหาวิทยาลัย"), [SMART_CITY, CHIANG_MAI], id="party-part-of-name"),
    pytest.param(dict(signatory="เอียมแสง"), [DLA], id="signatory-tone-mark-lost"),
    pytest.param(dict(signatory="ดิศกุล"), [CHIANG_MAI], id="signatory-surname"),
    pytest.param(dict(signatory="ม.ล.ปนัดดา ดิศกุล"), [CHIANG_MAI], id="signatory-with-honorific"),
    pytest.param(dict(clause="ศูนย์พัฒนาเด็กเล็กต้นแบบ"), [DLA], id="clause-words"),
    pytest.param(dict(clause="ศูนย์พัฒนาเด็กเล็กต้นแบป"), [DLA], id="clause-ocr-letter"),
    pytest.param(dict(text="ศูนย์ปฏิบัติการ ร่วมกลุ่มจังหวัด"), [CHIANG_MAI], id="spaces-in-query-ignored"),
    pytest.param(dict(doc_type="announcement"), [BURNING], id="type-only"),
    pytest.param(dict(party="มหาวิทยาลัยเชียงไหม"), [CHIANG_MAI], id="party-typo-nearest-agency"),
]


@pytest.mark.parametrize("query, expected", QUERIES)
def test_query_forms(engine, query, expected):
    assert names(search_index.search(engine, search_index.SearchQuery(**query))) == expected


def test_two_letter_code_ranks_the_code_before_letters_inside_words(engine):
    result = search_index.search(engine, search_index.SearchQuery(text="มท"))
    old = {os.path.basename(r["path"]) for r in db.search(engine, db.Query(text="มท"))}
    assert names(result)[0] == DLA and result.hits[0].tier == search_index.TIER_WORDS
    assert old <= set(names(result))  # nothing the substring search found is lost


def test_typo_is_corrected_to_an_indexed_word(engine):
    result = search_index.search(engine, search_index.SearchQuery(text="ข้อตกลงความร่วมมอ"))
    assert result.corrected == {"ข้อตกลงความร่วมมอ": "ข้อตกลงความร่วมมือ"}
    assert DLA in names(result)


def test_no_match_suggests_the_nearest_names(engine):
    result = search_index.search(engine, search_index.SearchQuery(party="มหาลัยเชียงใหม"))
    assert result.hits == [] and "มหาวิทยาลัยเชียงใหม่" in result.suggestions


def test_snippet_marks_what_matched(engine):
    [hit] = search_index.search(engine, search_index.SearchQuery(signatory="เอียมแสง")).hits
    assert any("[เอี่ยมแสง]" in line for line in hit.matched)
    [hit] = search_index.search(engine, search_index.SearchQuery(party="สถ.")).hits
    assert hit.matched == ["parties: [กรมส่งเสริมการปกครองท้องถิ่น] = สถ."]


def test_snippet_of_the_stored_text_is_marked_where_the_match_is(extracted, monkeypatch):
    """documents.search_text is stored squashed, so a match found in it is marked at its own offsets
    (no bisection); each bracket holds the needle, with the text before and after it as stored."""
    from models.search_text import squash

    value = squash(extracted[1].text)
    assert value == squash(value) and len(value) > 1000
    monkeypatch.setattr(search_index, "_first_prefix", lambda *_: pytest.fail("bisected a text already squashed"))
    for start in range(0, len(value) - 12, len(value) // 9):
        needle = value[start:start + 12]
        at = value.find(needle)
        expected = (("…" if at > 5 else "") + value[max(0, at - 5):at] + "[" + needle + "]"
                    + value[at + 12:at + 17] + ("…" if at + 17 < len(value) else ""))
        assert search_index.mark(value, needle, width=5) == expected
    assert search_index.mark(squash("นายชาญนะเอี่ยมแสงรองอธิบดี"), "ชาญนะ", width=3) == "นาย[ชาญนะ]เอี…"


@pytest.mark.parametrize("value, end, expected", [
    pytest.param("2556-01-01", False, "2013-01-01", id="be-iso"),
    pytest.param("2013-01-01", False, "2013-01-01", id="ce-iso"),
    pytest.param("1 ม.ค. 2556", False, "2013-01-01", id="thai-abbreviated-month"),
    pytest.param("๑ มกราคม ๒๕๕๖", False, "2013-01-01", id="thai-digits"),
    pytest.param("2556", True, "2013-12-31", id="be-year-as-end"),
    pytest.param("ธันวาคม 2556", True, "2013-12-31", id="month-year-as-end"),
])
def test_buddhist_era_dates(value, end, expected):
    assert parse_date_bound(value, end) == expected


def test_bad_date_is_one_clear_line(sqlite_url, engine, capsys):
    with pytest.raises(QueryError, match="'31/31/2556'"):
        parse_date_bound("31/31/2556")
    assert main(["search", "--since", "31/31/2556", "--db", sqlite_url]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "31/31/2556" in err and "Traceback" not in err


def test_cli_since_buddhist_era(engine, sqlite_url, capsys):
    assert main(["search", "--since", "2556-01-01", "--until", "2556-12-31", "--db", sqlite_url, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [os.path.basename(r["path"]) for r in rows] == [DLA]
    assert main(["search", "--since", "1 ม.ค. 2556", "--db", sqlite_url, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {os.path.basename(r["path"]) for r in rows} == {DLA, SMART_CITY, BURNING}


def test_sample_mou_parties_are_linked_to_agencies(engine):
    orgs, unlinked = search_index.organisations(engine)
    by_name = {o["name"]: o for o in orgs}
    with engine.connect() as conn:
        links = conn.execute(search_index.org_links.select().where(search_index.org_links.c.role == "party")).all()
    assert len(links) == 15 and all(link.org_id is not None and link.confidence >= 0.85 for link in links)
    assert by_name["กรมส่งเสริมการปกครองท้องถิ่น"]["roles"] == {"issuer": 1, "party": 1, "signer_office": 1}
    assert by_name["สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ"]["english"] == ["Thai Health Promotion Foundation",
                                                                          "ThaiHealth"]
    assert by_name["กระทรวงมหาดไทย"]["documents"] == 2  # the Chiang Mai MOU's party, the DLA letter's number code
    assert not [row for row in unlinked if row["role"] == "party"]


def test_people_group_name_variants(engine):
    assert person_key("นายชาญนะ เอี่ยมแสง") == person_key("ชาญนะ เอียมแสง")
    assert person_key("นายโชคชัย เตชะธนรัญ") != person_key("นายโชคชัย เดชอมรธัญ")  # two people, not one
    [group] = search_index.person_groups(engine, "ปนัดดา ดิศกุล")
    assert group["names"] == ["ม.ล.ปนัดดา ดิศกุล"] and group["dates"] == ["2012-10-11"]


def test_archive_adds_agencies(tmp_path, extracted, capsys):
    url = f"sqlite:///{tmp_path / 'own.db'}"
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({"name": "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ", "abbreviations": ["กสส"]},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["orgs", "--load", str(own), "--db", url]) == 0
    load(db.connect(url), extracted[1:2])
    assert names(search_index.search(db.connect(url), search_index.SearchQuery(party="กสส"))) == [DLA]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"abbreviations": []}\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["orgs", "--load", str(bad), "--db", url]) == 2
    assert capsys.readouterr().err.strip() == f"saraban: {bad}: line 1: not an agency line (needs a 'name')"


def test_cli_orgs_and_show(engine, sqlite_url, capsys):
    assert main(["orgs", "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "กรมส่งเสริมการปกครองท้องถิ่น  (สถ., Department of Local Administration)" in out
    [hit] = search_index.search(engine, search_index.SearchQuery(party="สถ.")).hits
    assert main(["show", str(hit.document_id), "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    lines = {}
    for line in out.splitlines():
        if " " in line:
            lines.setdefault(*line.split(maxsplit=1))  # the letter's own lines come before its MOU's
    assert lines["วันที่"] == "2013-12-07 (7 ธ.ค. 2556)" and lines["ที่"] == "มท 0891.3/ว 2556"
    assert "คู่ภาคี" in out and "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.)" in out
    assert main(["show", "999", "--db", sqlite_url]) == 1


def test_segmentation_keeps_marks_and_is_the_same_for_query_and_text():
    assert words("ผู้ว่าราชการจังหวัด") == ["ผู้ว่าราชการจังหวัด"]
    assert words("เอี่ยมแสง") == ["เอี่ยม", "แสง"]
    assert fold("ต้นแบบ") == fold("ตนแบป")


def test_benchmark_small_run_keeps_recall(tmp_path):
    from benchmarks.search import main as bench

    [result] = bench(["--n", "24", "--rate-n", "12", "--queries", "2", "--backends", "sqlite", "--work",
                      str(tmp_path), "--sources", *map(str, DOCUMENTS)])
    assert {row["kind"] for row in result["rows"]} == {"party", "clause", "text", "signatory", "doc number",
                                                        "two-letter code"}
    assert all(row["recall"] == 1.0 for row in result["rows"])
    assert result["new_rate"] and result["index_bytes_per_doc"] > 0
    assert result["batched_new_rate"] and result["batched_old_rate"] and result["entry_ms"] > 0
    engine = db.connect(f"sqlite:///{tmp_path / 'new.db'}")
    assert db.counts(engine)["documents"] == 24  # filled past the timed load
    [again] = bench(["--n", "24", "--queries", "2", "--backends", "sqlite", "--work", str(tmp_path), "--reuse",
                     "--sources", *map(str, DOCUMENTS)])
    assert again["new_rate"] is None and [r["recall"] for r in again["rows"]] == [r["recall"] for r in result["rows"]]


def test_words_made_beforehand_index_as_the_store_would(tmp_path, extracted, monkeypatch):
    """The index's words and shadow made beforehand (as a worker process makes them beside the
    extraction); the store inserts them and indexes the same as when it segments the record itself."""
    from models.search_text import IndexText

    words = [IndexText.of(item.record, item.text) for item in extracted]

    def rows(url, with_words):
        engine = db.connect(url)
        for item, made in zip(extracted, words):
            db.load_record(engine, item.record, item.text, index_text=made if with_words else None)
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT * FROM search_docs ORDER BY document_id"))]

    made_here = rows(f"sqlite:///{tmp_path / 'store.db'}", False)
    with monkeypatch.context() as patch:  # given the extraction's words, the store segments nothing
        patch.setattr("models.search_text.segmented", lambda *_: pytest.fail("segmented in the store"))
        given = rows(f"sqlite:///{tmp_path / 'extraction.db'}", True)
    assert given == made_here and len(made_here) == len(extracted)


def test_benchmark_fill_builds_the_same_index(extracted):
    from benchmarks.search import segmented_by_line

    for item in extracted:
        assert segmented_by_line(item.text) == segmented(item.text)


@pytest.mark.postgres
def test_postgres_search(extracted, postgres_url):
    engine = db.connect(postgres_url)
    with engine.begin() as conn:
        conn.execute(db.documents.delete())
    load(engine, extracted)
    for param in QUERIES:
        query, expected = param.values
        assert names(search_index.search(engine, search_index.SearchQuery(**query))) == expected, param.id
    result = search_index.search(engine, search_index.SearchQuery(text="มท"))
    assert names(result)[0] == DLA
    assert search_index.search(engine, search_index.SearchQuery(text="ข้อตกลงความร่วมมอ")).corrected


def test_documents_stored_before_the_index_are_indexed_on_connect(tmp_path, extracted, monkeypatch):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with monkeypatch.context() as patch:
        patch.setattr(search_index, "index_record", lambda *args, **kwargs: None)
        load(db.connect(url), extracted)
    assert names(search_index.search(db.connect(url), search_index.SearchQuery(party="สถ."))) == [DLA]
    assert names(search_index.search(db.connect(url), search_index.SearchQuery(signatory="เอียมแสง"))) == [DLA]


# --- a record made again: the index holds the new words only ----------------------------------------

def _index_state(engine, document_id: int) -> dict:
    """What the index tables hold for one document: hits of its number in each index, its links, its people."""
    pg = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        if pg:
            shadow = list(conn.scalars(text("SELECT document_id FROM search_docs WHERE f_text LIKE '%0891.3/ว2556%'")))
            words_ = list(conn.scalars(text("SELECT document_id FROM search_docs WHERE "
                                            "w_text @@ to_tsquery('simple', '0891 & 2556')")))
        else:
            shadow = list(conn.scalars(text("SELECT rowid FROM search_text_shadow WHERE search_text_shadow MATCH "
                                            "'text : \"0891.3/ว2556\"'")))
            words_ = list(conn.scalars(text("SELECT rowid FROM search_text_words WHERE search_text_words MATCH "
                                            "'text : \"0891 3 ว 2556\"'")))
        links = conn.scalar(select(func.count()).select_from(search_index.org_links)
                            .where(search_index.org_links.c.document_id == document_id))
        people_ = conn.scalar(select(func.count()).select_from(search_index.people)
                              .where(search_index.people.c.document_id == document_id))
    return {"shadow": shadow, "words": words_, "links": links, "people": people_}


def _remade(extracted, source_of, content_of):
    """content_of's record and text as if extraction had read them from source_of's file."""
    record = content_of.record.model_copy(deep=True)
    record.source = source_of.record.source.model_copy(deep=True)
    return record, content_of.text


def _check_replaced(engine, extracted, replace):
    dla = extracted[1]
    load(engine, extracted)
    doc_id = search_index.search(engine, search_index.SearchQuery(text="มท 0891.3/ว 2556")).hits[0].document_id
    state = _index_state(engine, doc_id)
    assert state["shadow"] == state["words"] == [doc_id] and state["links"] and state["people"]
    record, body = _remade(extracted, dla, extracted[3])  # the DLA letter's file now read as the regulation
    new_id = replace(engine, doc_id, record, body)
    burning_id = search_index.search(engine, search_index.SearchQuery(doc_type="announcement")).hits[0].document_id
    same_content = _index_state(engine, burning_id)
    assert _index_state(engine, new_id) == {**same_content, "shadow": [], "words": []}
    if new_id != doc_id:
        assert _index_state(engine, doc_id) == {"shadow": [], "words": [], "links": 0, "people": 0}
    for query in (dict(text="มท 0891.3/ว 2556"), dict(party="สถ."), dict(signatory="เอียมแสง"),
                  dict(clause="ศูนย์พัฒนาเด็กเล็กต้นแบบ")):
        assert search_index.search(engine, search_index.SearchQuery(**query)).hits == [], query
    subject = extracted[3].record.subject
    found = search_index.search(engine, search_index.SearchQuery(text=subject, limit=None))
    assert sorted(names(found)) == sorted([BURNING, DLA])  # each once, the remade one by its new words
    with engine.connect() as conn:
        roles = sorted(conn.scalars(select(search_index.org_links.c.role)
                                    .where(search_index.org_links.c.document_id == new_id)))
    assert roles == sorted(["issuer"] + ["signer_office"] * len(extracted[3].record.signatories))


def _reprocessed(engine, doc_id, record, body):
    db.replace_record(engine, doc_id, record, body, "v2")
    return doc_id


def _reextracted(engine, _doc_id, record, body):
    return review.replace_record(engine, record, body).document_id


@pytest.mark.parametrize("replace", [_reprocessed, _reextracted], ids=["reprocess", "web-reextract"])
def test_a_remade_record_is_found_by_its_new_words_only(tmp_path, extracted, replace):
    _check_replaced(review.connect(f"sqlite:///{tmp_path / 'remade.db'}"), extracted, replace)


@pytest.mark.postgres
@pytest.mark.parametrize("replace", [_reprocessed, _reextracted], ids=["reprocess", "web-reextract"])
def test_postgres_remade_record_is_found_by_its_new_words_only(extracted, replace, postgres_url):
    engine = review.connect(postgres_url)
    with engine.begin() as conn:
        conn.execute(db.documents.delete())
    _check_replaced(engine, extracted, replace)


def _one_table_layout(conn) -> None:
    """The FTS5 tables as they were before the whole text had tables of its own: every kind in one
    words table and one shadow table, filled by search_docs' triggers."""
    from models.search_index import KINDS, _TOKENIZER

    for table in ("search_value_words", "search_text_words", "search_value_shadow", "search_text_shadow"):
        conn.execute(text(f"DROP TABLE {table}"))
    for trigger in ("search_docs_indexed", "search_docs_forgotten"):
        conn.execute(text(f"DROP TRIGGER {trigger}"))
    columns = ", ".join(KINDS)
    conn.execute(text(f"CREATE VIRTUAL TABLE search_words USING fts5({columns}, content='', tokenize=\"{_TOKENIZER}\")"))
    conn.execute(text(f"CREATE VIRTUAL TABLE search_shadow USING fts5({columns}, content='', tokenize='trigram')"))
    for table, prefix in (("search_words", "w"), ("search_shadow", "f")):
        conn.execute(text(f"INSERT INTO {table} (rowid, {columns}) SELECT document_id, "
                          + ", ".join(f"{prefix}_{k}" for k in KINDS) + " FROM search_docs"))
    conn.execute(text("CREATE TRIGGER search_docs_indexed AFTER INSERT ON search_docs BEGIN "
                      f"INSERT INTO search_words (rowid, {columns}) VALUES (new.document_id, "
                      + ", ".join(f"new.w_{k}" for k in KINDS) + "); END"))


def test_the_one_table_layout_is_split_from_the_values_it_kept(tmp_path, extracted):
    url = f"sqlite:///{tmp_path / 'one_table.db'}"
    engine = load(db.connect(url), extracted)
    with engine.begin() as conn:
        _one_table_layout(conn)
        links = conn.scalar(select(func.count()).select_from(search_index.org_links))
    engine = db.connect(url)
    with engine.connect() as conn:
        tables = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE name LIKE 'search_%'")))
        assert not tables & {"search_words", "search_shadow"}
        assert conn.scalar(select(func.count()).select_from(search_index.org_links)) == links  # kept, not made twice
    for param in QUERIES:
        query, expected = param.values
        assert names(search_index.search(engine, search_index.SearchQuery(**query))) == expected, param.id
    record, body = _remade(extracted, extracted[1], extracted[3])
    db.replace_record(engine, 2, record, body, "v2")  # the new triggers take its old words out
    assert {**_index_state(engine, 2), "links": 0, "people": 0} == {"shadow": [], "words": [], "links": 0, "people": 0}
    assert search_index.search(engine, search_index.SearchQuery(clause="ศูนย์พัฒนาเด็กเล็กต้นแบบ")).hits == []


def test_an_index_made_before_it_kept_its_values_is_made_again(tmp_path, extracted):
    url = f"sqlite:///{tmp_path / 'old_layout.db'}"
    engine = load(db.connect(url), extracted)
    with engine.begin() as conn:  # the earlier layout: postings in the FTS5 tables, nothing to delete them by
        _one_table_layout(conn)
        conn.execute(text("DROP TABLE search_docs"))
        conn.execute(text("INSERT INTO search_words (rowid, text) VALUES (999, 'ถ้อยคำค้าง')"))
    engine = db.connect(url)
    assert search_index.search(engine, search_index.SearchQuery(text="ถ้อยคำค้าง")).hits == []
    assert names(search_index.search(engine, search_index.SearchQuery(party="สถ."))) == [DLA]
    record, body = _remade(extracted, extracted[1], extracted[3])
    db.replace_record(engine, 2, record, body, "v2")
    assert search_index.search(engine, search_index.SearchQuery(text="มท 0891.3/ว 2556")).hits == []
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM search_docs")) == 4
        signers = [len(r.signatories) + sum(len(a.signatories) for a in r.agreements)
                   for r in (extracted[0].record, record, extracted[2].record, extracted[3].record)]
        assert conn.scalar(select(func.count()).select_from(search_index.people)) == sum(signers)  # none twice


@pytest.mark.parametrize("needle", ["ความร่วมมือ", "มท 0891.3/ว 2556", "มท ๐๘๙๑.๓/ว ๒๕๕๖", "มท", "ศูนย์ปฏิบัติการ ร่วมกลุ่มจังหวัด",
                                    "ไม่มีในเอกสารใดเลย"])
def test_the_lists_text_filter_finds_what_the_substring_search_does(tmp_path, extracted, needle):
    from models import listing

    engine = load(review.connect(f"sqlite:///{tmp_path / 'list.db'}"), extracted)
    listed = [item.path for item in listing.list_documents(engine, listing.Filters(text=needle)).items]
    # Thai digits read as Arabic ones, as the index search reads them (the substring search did not)
    assert sorted(listed) == sorted(r["path"] for r in db.search(engine, db.Query(text=arabic_digits(needle))))
    condition = str(search_index.containing_text("sqlite", needle).compile())
    assert ("search_text_shadow MATCH" in condition) == (len(fold(needle)) >= 3)
