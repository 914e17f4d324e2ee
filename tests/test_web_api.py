"""The REST API and the review desk's rules, through FastAPI's test client: paging, incremental
sync, corrections (token, append-only, lasting through re-extraction), exports, safety."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from extractors.process import extract_with_text
from flows.cli import main
from flows.web import create_app
from models import db, listing, review
from models.record import Record, Source
from tests.conftest import RAW, RESOURCES

TOKEN = "test-reviewer-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def quick_engine(url: str):
    """The archive's engine, not waiting for the disk on every commit (a test database)."""
    engine = review.connect(url)
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA synchronous=OFF"))
    engine.dispose()
    return engine


def synthetic(n: int) -> Record:
    return Record(source=Source(path=f"synthetic/{n}.txt", sha256=hashlib.sha256(f"doc {n}".encode()).hexdigest(),
                                media_type="text/plain"),
                  doc_type=("memo", "external_letter", "order")[n % 3], subject=f"เรื่องทดสอบที่ {n}",
                  date=f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}")


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'thousand.db'}"
    engine = quick_engine(url)
    for n in range(1000):
        db.load_record(engine, synthetic(n), f"ข้อความของเอกสาร {n}")
    return url


@pytest.fixture
def client(thousand):
    return TestClient(create_app(thousand, TOKEN))


def walk(client, path: str, **params) -> list[dict]:
    items, token, pages = [], None, 0
    while True:
        body = client.get(path, params={**params, **({"page_token": token} if token else {})}).json()
        items += body["items"]
        pages += 1
        token = body["next_page_token"]
        if token is None:
            return items
        assert pages < 10_000


@pytest.mark.parametrize("page_size", [1000, 97, 7])
def test_pagination_walks_every_document_once(client, page_size):
    items = walk(client, "/api/documents", page_size=page_size)
    ids = [item["id"] for item in items]
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert set(ids) == {synthetic(n).source.sha256 for n in range(1000)}


def test_pagination_with_a_filter_and_a_token_for_other_filters(client):
    memos = walk(client, "/api/documents", page_size=50, doc_type="memo")
    assert len(memos) == 334 and {m["doc_type"] for m in memos} == {"memo"}
    token = client.get("/api/documents", params={"page_size": 10, "doc_type": "memo"}).json()["next_page_token"]
    answer = client.get("/api/documents", params={"page_size": 10, "doc_type": "order", "page_token": token})
    assert answer.status_code == 400 and "other filters" in answer.json()["error"]["message"]


def test_updated_since_returns_exactly_the_changed_records(thousand, client):
    engine = review.connect(thousand)
    time.sleep(0.01)
    since = client.get("/api/documents", params={"page_size": 1}).json()["server_time"]
    time.sleep(0.01)
    corrected = [synthetic(n).source.sha256 for n in (5, 500, 999)]
    for sha in corrected:
        answer = client.post(f"/api/documents/{sha}/corrections", headers=AUTH,
                             json={"pointer": "/subject", "value": "เรื่องที่แก้แล้ว", "reviewer": "ผู้ทดสอบ"})
        assert answer.status_code == 201, answer.text
    reloaded = [synthetic(n) for n in (10, 11)]
    for record in reloaded:
        review.replace_record(engine, record, "ข้อความใหม่")
    changed = walk(client, "/api/documents", page_size=2, updated_since=since)
    assert sorted(item["id"] for item in changed) == sorted(corrected + [r.source.sha256 for r in reloaded])
    assert {item["subject"] for item in changed if item["id"] in corrected} == {"เรื่องที่แก้แล้ว"}
    assert walk(client, "/api/documents", updated_since=client.get("/api/documents").json()["server_time"]) == []


def test_a_write_without_the_token_is_refused(client):
    sha = synthetic(1).source.sha256
    body = {"pointer": "/subject", "value": "ไม่ควรบันทึก", "reviewer": "ใครก็ได้"}
    refused = client.post(f"/api/documents/{sha}/corrections", json=body)
    wrong = client.post(f"/api/documents/{sha}/corrections", json=body, headers={"Authorization": "Bearer nope"})
    assert refused.status_code == wrong.status_code == 401
    assert "reviewer token" in refused.json()["error"]["message"]
    assert client.post(f"/api/documents/{sha}/reextract").status_code == 401
    assert client.get(f"/api/documents/{sha}").json()["record"]["subject"] == "เรื่องทดสอบที่ 1"


def test_no_token_set_means_reading_only(thousand):
    reader = TestClient(create_app(thousand, None))
    sha = synthetic(2).source.sha256
    answer = reader.post(f"/api/documents/{sha}/corrections", headers=AUTH,
                         json={"pointer": "/subject", "value": "x", "reviewer": "x"})
    assert answer.status_code == 403 and "SARABAN_REVIEW_TOKEN" in answer.json()["error"]["message"]
    assert reader.get(f"/api/documents/{sha}").status_code == 200


@pytest.mark.parametrize("params, words", [
    pytest.param({"page_size": 0}, "page_size", id="page-size"),
    pytest.param({"page_token": "not-a-token"}, "page_token", id="token"),
    pytest.param({"since": "7 ธันวาคม 2556"}, "since", id="date"),
    pytest.param({"doc_type": "letter"}, "doc_type must be one of", id="doc-type"),
])
def test_errors_are_json_a_person_understands(client, params, words):
    answer = client.get("/api/documents", params=params)
    assert answer.status_code in (400, 422)
    assert words in answer.json()["error"]["message"]
    missing = client.get("/api/documents/" + "0" * 64)
    assert missing.status_code == 404 and "no document with id" in missing.json()["error"]["message"]


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/documents", "/api/documents/{document_id}", "/api/agreements", "/api/plans", "/api/agencies",
            "/api/export.jsonl", "/api/export.csv"} <= set(spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/documents"]["get"]["parameters"]}
    assert {"q", "party", "signatory", "clause", "doc_type", "since", "until", "updated_since", "page_size",
            "page_token"} <= names
    assert client.get("/docs").status_code == 200


# --- real documents ------------------------------------------------------------------------------

@pytest.fixture
def archive(tmp_path):
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = quick_engine(url)
    for path in (RAW / "000_af5cc0d685e0151e.txt", RAW / "002_dfd2a0fd8d76cdea.txt", RESOURCES / "order_mou.txt"):
        extracted = extract_with_text(path)
        db.load_record(engine, extracted.record, extracted.text)
    return url, engine


def sha_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_agreements_come_with_parties_and_clauses(archive):
    url, _ = archive
    client = TestClient(create_app(url, TOKEN))
    items = walk(client, "/api/agreements", page_size=1)
    assert len(items) == 3 and len({i["id"] for i in items}) == 3
    mou = next(i for i in items if i["document_id"] == sha_of(RAW / "000_af5cc0d685e0151e.txt"))
    assert "มหาวิทยาลัยเชียงใหม่" in mou["parties"] and mou["clauses"] and mou["clauses"][0]["label"]
    party = client.get("/api/agreements", params={"party": "มหาวิทยาลัยเชียงใหม่"}).json()["items"]
    assert [i["document_id"] for i in party] == [mou["document_id"]]
    agencies = walk(client, "/api/agencies", page_size=20)
    assert {"code": "มท", "name": "กระทรวงมหาดไทย", "documents": 1} in agencies

def test_plans_come_with_their_projects(tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    engine = review.connect(url)
    extracted = extract_with_text(RESOURCES / "provincial_plan.md")
    db.load_record(engine, extracted.record, extracted.text)
    [plan] = TestClient(create_app(url)).get("/api/plans").json()["items"]
    expected = extracted.record.plan
    assert plan["plan_type"] == expected.plan_type and plan["area"] == expected.area
    assert [p["name"] for p in plan["projects"]] == [p.name for i in expected.strategic_issues for p in i.projects]
    assert plan["projects"]


def test_a_correction_lasts_through_export_and_re_extraction(archive, tmp_path, capsys):
    url, engine = archive
    client = TestClient(create_app(url, TOKEN))
    path = RAW / "002_dfd2a0fd8d76cdea.txt"
    sha = sha_of(path)
    before = client.get(f"/api/documents/{sha}").json()["record"]["agreements"][0]["parties"][1]
    answer = client.post(f"/api/documents/{sha}/corrections", headers=AUTH, json={
        "pointer": "/agreements/0/parties/1", "value": "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (แก้)",
        "reviewer": "สมชาย", "reason": "ตรวจกับต้นฉบับ"})
    assert answer.status_code == 201 and answer.json()["before"] == before
    approved = client.post(f"/api/documents/{sha}/corrections", headers=AUTH,
                           json={"pointer": "/number/value", "action": "approve", "reviewer": "สมชาย"})
    assert approved.status_code == 201 and approved.json()["after"] == approved.json()["before"]

    def corrected_everywhere():
        record = client.get(f"/api/documents/{sha}").json()["record"]
        assert record["agreements"][0]["parties"][1].endswith("(แก้)")
        exported = [json.loads(line) for line in client.get("/api/export.jsonl").text.splitlines()]
        assert any(r["source"]["sha256"] == sha and r["agreements"][0]["parties"][1].endswith("(แก้)")
                   for r in exported)
        out = tmp_path / "records.csv"
        assert main(["export", "--excel", "--db", url, "-o", str(out)]) == 0
        data = out.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        row = next(r for r in rows if r["รหัสเอกสาร (sha256)"] == sha)
        assert "(แก้)" in row["คู่ภาคี"] and row["ประเภทหนังสือ"] == "หนังสือภายนอก"
        assert row["ลงวันที่ (พ.ศ.)"] == "7 ธันวาคม 2556" and row["จำนวนการแก้ไขโดยผู้ตรวจ"] == "1"

    corrected_everywhere()
    loaded_before = client.get(f"/api/documents/{sha}").json()["loaded_at"]
    assert client.post(f"/api/documents/{sha}/reextract", headers=AUTH).status_code == 200
    assert client.get(f"/api/documents/{sha}").json()["loaded_at"] != loaded_before
    corrected_everywhere()
    history = client.get(f"/api/documents/{sha}/history").json()["items"]
    assert [(h["pointer"], h["action"], h["reviewer"]) for h in history] == [
        ("/agreements/0/parties/1", "correct", "สมชาย"), ("/number/value", "approve", "สมชาย")]
    assert history[0]["reason"] == "ตรวจกับต้นฉบับ" and history[0]["created_at"]
    assert db.counts(engine)["documents"] == 3


@pytest.mark.parametrize("body, words", [
    pytest.param({"pointer": "/doc_type", "value": "letter"}, "not a valid value", id="invalid-value"),
    pytest.param({"pointer": "/agreements/9/title", "value": "x"}, "no value at", id="no-such-value"),
    pytest.param({"pointer": "/source/path", "value": "x"}, "written by saraban", id="not-a-read-value"),
    pytest.param({"pointer": "/agreements/0", "value": "x"}, "several values", id="object"),
    pytest.param({"pointer": "subject", "value": "x"}, "JSON pointer", id="not-a-pointer"),
])
def test_a_bad_correction_is_refused_with_its_reason(archive, body, words):
    url, _ = archive
    client = TestClient(create_app(url, TOKEN))
    sha = sha_of(RAW / "002_dfd2a0fd8d76cdea.txt")
    answer = client.post(f"/api/documents/{sha}/corrections", headers=AUTH, json={**body, "reviewer": "ก"})
    assert answer.status_code == 422 and words in answer.json()["error"]["message"]
    assert client.get(f"/api/documents/{sha}/history").json()["items"] == []


def test_document_text_is_escaped(tmp_path):
    source = tmp_path / "evil.txt"
    source.write_text("เรื่อง <script>alert(1)</script>\n", encoding="utf-8")
    sha = sha_of(source)
    url = f"sqlite:///{tmp_path / 'evil.db'}"
    engine = review.connect(url)
    db.load_record(engine, Record(source=Source(path=str(source), sha256=sha, media_type="text/plain"),
                                  subject="<script>alert(1)</script>"), "")
    client = TestClient(create_app(url, TOKEN))
    html = client.get(f"/documents/{sha}").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    listing = client.get("/", params={"q": "alert"}).text
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]


def test_forms_need_the_csrf_token_and_the_same_origin(archive):
    url, _ = archive
    client = TestClient(create_app(url, TOKEN))
    client.get("/login")
    csrf = client.cookies.get("saraban_csrf")
    assert csrf
    form = {"reviewer": "สมชาย", "token": TOKEN, "next": "/"}
    assert client.post("/login", data=form).status_code == 403
    assert client.post("/login", data={**form, "csrf": csrf}, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/login", data={**form, "csrf": "forged"}).status_code == 403
    signed_in = client.post("/login", data={**form, "csrf": csrf}, follow_redirects=False)
    assert signed_in.status_code == 303 and client.cookies.get("saraban_reviewer")
    sha = sha_of(RAW / "002_dfd2a0fd8d76cdea.txt")
    fix = {"pointer": "/subject", "value": "เรื่องใหม่", "action": "correct"}
    assert client.post(f"/documents/{sha}/corrections", data=fix).status_code == 403
    done = client.post(f"/documents/{sha}/corrections", data={**fix, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get(f"/api/documents/{sha}").json()["record"]["subject"] == "เรื่องใหม่"
    client.cookies.set("saraban_reviewer", client.cookies.get("saraban_reviewer")[:-4] + "0000")
    assert client.post(f"/documents/{sha}/corrections", data={**fix, "csrf": csrf}).status_code == 401


@pytest.mark.parametrize("path", [
    "/documents/..%2F..%2Fetc%2Fpasswd/pages/1.jpg",
    "/documents/%2Fetc%2Fpasswd/pages/1.jpg",
    "/documents/" + "a" * 64 + "/pages/1.jpg",
    "/static/..%2Fweb.py",
    "/static/review.css%2F..%2F..%2Fweb.py",
])
def test_no_request_path_reaches_the_file_system(archive, path):
    url, _ = archive
    answer = TestClient(create_app(url, TOKEN)).get(path)
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/json")


def test_a_text_document_shows_each_value_span_highlighted(archive):
    url, _ = archive
    client = TestClient(create_app(url, TOKEN))
    sha = sha_of(RAW / "002_dfd2a0fd8d76cdea.txt")
    html = client.get(f"/documents/{sha}").text
    assert '<mark class="span' in html and "มท 0891.3/ว 2556" in html
    assert "7 ธันวาคม 2556 (2013-12-07)" in html and "หนังสือภายนอก" in html


def test_the_serve_command_binds_to_this_machine_by_default():
    from flows.cli import parser

    args = parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)


@pytest.mark.postgres
def test_paging_corrections_and_updated_since_on_postgres(postgres_url):
    from sqlalchemy import create_engine, text

    base = postgres_url
    # A schema of its own: the store's postgres test empties the public tables meanwhile.
    with create_engine(base).begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS saraban_web_test CASCADE"))
        conn.execute(text("CREATE SCHEMA saraban_web_test"))
    url = base + ("&" if "?" in base else "?") + "options=-csearch_path%3Dsaraban_web_test"
    engine = review.connect(url)
    for n in range(120):
        db.load_record(engine, synthetic(n), "")
    client = TestClient(create_app(url, TOKEN))
    ids = [item["id"] for item in walk(client, "/api/documents", page_size=11)]
    assert len(ids) == len(set(ids)) == 120
    since = client.get("/api/documents", params={"page_size": 1}).json()["server_time"]
    time.sleep(0.01)
    sha = synthetic(7).source.sha256
    assert client.post(f"/api/documents/{sha}/corrections", headers=AUTH,
                       json={"pointer": "/date", "value": "2014-01-02", "reviewer": "ก"}).status_code == 201
    [changed] = walk(client, "/api/documents", updated_since=since)
    assert changed["id"] == sha and changed["date"] == "2014-01-02" and changed["date_be"] == "2 มกราคม 2557"
    engine.dispose()


def test_the_queue_lists_what_to_review_first_and_drops_what_was_reviewed(archive):
    url, engine = archive
    items, unread = review.review_queue(engine, below=0.95, budget=2)
    assert unread == 1  # three documents, two read on this visit
    items, unread = review.review_queue(engine, below=0.95, budget=2)
    assert unread == 0 and items
    keys = [(item.reason != "low_confidence", item.confidence if item.confidence is not None else 1.0)
            for item in items]
    assert keys == sorted(keys)
    assert {item.reason for item in items} <= {"low_confidence", "unlinked_party"}
    first = items[0]
    review.add_correction(engine, first.sha256, first.pointer, action="approve", reviewer="ก")
    after, _ = review.review_queue(engine, below=0.95)
    assert (first.sha256, first.pointer) not in {(i.sha256, i.pointer) for i in after}
    assert len(after) == len(items) - 1
    usual, _ = review.review_queue(engine, below=0.6)
    assert all(i.confidence < 0.6 for i in usual if i.reason == "low_confidence")
    assert {(i.sha256, i.pointer) for i in usual} <= {(i.sha256, i.pointer) for i in after}
    html = TestClient(create_app(url, TOKEN)).get("/queue").text
    assert "รายการรอตรวจ" in html and html.count("<tr class=") == len(usual)


def test_exports_are_streamed_in_pieces(thousand, client):
    engine = review.connect(thousand)
    chunks = listing.stream_export(engine, "csv")
    first = next(chunks)
    assert first.startswith("path,sha256,doc_type") and first.count("\n") <= 101
    rest = list(chunks)
    assert len(rest) >= 9 and sum(c.count("\n") for c in [first, *rest]) == 1001
    lines = client.get("/api/export.jsonl").text.splitlines()
    assert len(lines) == 1000 and len({json.loads(line)["source"]["sha256"] for line in lines}) == 1000
    excel = client.get("/api/export.csv", params={"excel": "true", "doc_type": "order"})
    assert excel.content.startswith(b"\xef\xbb\xbf") and excel.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig"))))
    assert len(rows) == 333 and {r["ประเภทหนังสือ"] for r in rows} == {"คำสั่ง"}


def test_openapi_carries_the_record_schema_and_its_descriptions(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "subject" in schemas["Record"]["properties"]
    assert schemas["Record"]["properties"]["subject"]["description"] == "เรื่อง"
    assert "description" in schemas["Evidence"]["properties"]["raw_start"]
    assert "next_page_token" in schemas["DocumentPage"]["properties"]


def test_the_web_module_doctests_pass():
    import doctest

    import flows.web

    assert doctest.testmod(flows.web).failed == 0


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:x"])
def test_signing_in_never_leads_to_another_site(archive, target):
    url, _ = archive
    client = TestClient(create_app(url, TOKEN))
    client.get("/login")
    answer = client.post("/login", follow_redirects=False, data={
        "reviewer": "ก", "token": TOKEN, "next": target, "csrf": client.cookies.get("saraban_csrf")})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
