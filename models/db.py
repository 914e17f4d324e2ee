"""The canonical plan/MOU database: SQLAlchemy tables, idempotent loading, Thai text search, export.

SQLite by default, PostgreSQL by URL. The whole record JSON is kept beside the tables. Thai has no
spaces between words, so search matches substrings of a whitespace-free copy of each document's
text and values: ``มหาวิทยาลัยเชียงใหม่`` inside running text, or a two-letter code such as ``มท``.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, MetaData, String,
                        Table, Text, and_, create_engine, event, func, insert, select)
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError,
                            ProgrammingError)

from models.catalog import agency_codes
from models.errors import StoreError
from models.record import Record

log = logging.getLogger(__name__)
metadata = MetaData()

agencies = Table(
    "agencies", metadata,
    Column("code", String(8), primary_key=True),
    Column("name", Text, nullable=False),
)
documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("path", Text, nullable=False),
    Column("media_type", String(64)),
    Column("doc_type", String(32), index=True),
    Column("number", Text),
    Column("agency_code", String(8), ForeignKey("agencies.code"), index=True),
    Column("circular", Boolean),
    Column("date", Date, index=True),
    Column("subject", Text),
    Column("addressee", Text),
    Column("issuer", Text),
    Column("text_method", String(16)),
    Column("ocr_confidence", Float),
    Column("search_text", Text, nullable=False),
    Column("record", JSON, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    # the digest of the extraction code that made the record (extractors/version.py)
    Column("extractor_version", String(32), index=True),
)
# The pages as read (text, OCR words), once per document: `saraban reprocess` extracts again from them.
readings = Table(
    "readings", metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("pages", JSON, nullable=False),
)
agreements = Table(
    "agreements", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("title", Text),
    Column("date", Date),
    Column("effective", Text),
    Column("termination_days", Integer),
    Column("duration_days", Integer),
)
parties = Table(
    "parties", metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_id", Integer, ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("search_name", Text, nullable=False),
)
signatories = Table(
    "signatories", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("agreement_id", Integer, ForeignKey("agreements.id", ondelete="CASCADE"), index=True),
    Column("name", Text, nullable=False),
    Column("position", Text),
    Column("search_text", Text, nullable=False),
)
clauses = Table(
    "clauses", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("agreement_id", Integer, ForeignKey("agreements.id", ondelete="CASCADE"), index=True),
    Column("label", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("search_text", Text, nullable=False),
)
plans = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("plan_type", Text),
    Column("area", Text),
    Column("start_year", Integer),
    Column("end_year", Integer),
    Column("fiscal_year", Integer),
    Column("vision", Text),
)
projects = Table(
    "projects", metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("issue_label", String(16)),
    Column("issue_title", Text),
    Column("name", Text, nullable=False),
    Column("owner", Text),
    Column("budget_baht", Float),
)


def squash(text: str | None) -> str:
    """Text as the search index holds it: no white space (Thai wraps anywhere), case folded.

    >>> squash("มหาวิทยาลัย เชียงใหม่")
    'มหาวิทยาลัยเชียงใหม่'
    """
    return "".join((text or "").split()).casefold()


def _iso_date(value: str | None):
    return datetime.strptime(value, "%Y-%m-%d").date() if value else None


def connect(url: str) -> Engine:
    """An engine with the schema created and the agency codes loaded; a bad URL or a database that
    cannot be reached is a StoreError in one line."""
    try:
        return _connect(url)
    except StoreError:
        raise
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as exc:
        raise StoreError(f"bad database URL {_masked(url)!r}: {exc}") from exc
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(f"cannot open database {_masked(url)!r}: {reason}") from exc


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given
        return url


def _connect(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    sqlite = url.startswith("sqlite")
    # Runs in parallel over one SQLite file: WAL lets readers go on beside the writer, and a writer
    # waits up to 60 s for another's transaction instead of failing at once.
    engine = create_engine(url, future=True, connect_args={"timeout": 60} if sqlite else {})
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # noqa: ANN001
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            dbapi_connection.execute("PRAGMA busy_timeout=60000")
            if dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                dbapi_connection.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits,
            # which the next run loads again. It saves an fsync per document.
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    from models import search_index  # its tables join this metadata; it imports this module

    for attempt in range(3):  # two runs creating the schema at once: the loser finds it made
        try:
            metadata.create_all(engine)
            _add_missing_columns(engine)
            search_index.install(engine)
            with engine.begin() as conn:
                known = set(conn.scalars(select(agencies.c.code)))
                missing = [{"code": c, "name": n} for c, n in agency_codes().items() if c not in known]
                if missing:
                    conn.execute(_insert_new(engine, agencies, ["code"]), missing)
            break
        except (OperationalError, ProgrammingError, IntegrityError):
            if attempt == 2:
                raise
            time.sleep(0.5 + attempt)
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """A database made before a column was added gets it (nullable columns only)."""
    from sqlalchemy import inspect, text

    present = {c["name"] for c in inspect(engine).get_columns("documents")}
    if "extractor_version" not in present:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE documents ADD COLUMN extractor_version VARCHAR(32)"))


def _insert_new(engine: Engine, table: Table, keys: list[str]):
    """INSERT that leaves a row already there (same key) alone, on SQLite and PostgreSQL."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        raise StoreError(f"unsupported database {engine.dialect.name!r}: use SQLite or PostgreSQL")
    return dialect_insert(table).on_conflict_do_nothing(index_elements=keys)


def _search_text(record: Record, body: str) -> str:
    values = [record.subject, record.issuer, record.to, record.number.value if record.number else None, body]
    return squash(" ".join(v for v in values if v))


@dataclass(frozen=True)
class LoadResult:
    document_id: int
    inserted: bool


def _insert_people_and_clauses(conn, document_id: int, agreement_id: int | None, people, provisions) -> None:
    """Signatories and clauses of the document itself (agreement_id None) or of one of its agreements."""
    # one executemany a table: a letter's dozens of rows in one round trip each
    rows = [{"document_id": document_id, "agreement_id": agreement_id, "name": person.name, "position": person.position,
             "search_text": squash(f"{person.name} {person.position or ''}")} for person in people]
    if rows:
        conn.execute(insert(signatories), rows)
    rows = [{"document_id": document_id, "agreement_id": agreement_id, "label": clause.label, "text": clause.text,
             "search_text": squash(clause.text)} for clause in provisions]
    if rows:
        conn.execute(insert(clauses), rows)


_known_codes: dict[str, frozenset[str]] = {}


def _known_agency(engine: Engine, code: str | None) -> str | None:
    """``code`` when the agencies table has it (read once per database: the codes are fixed data)."""
    if not code:
        return None
    key = engine.url.render_as_string(hide_password=False)
    if key not in _known_codes:
        with engine.connect() as conn:
            _known_codes[key] = frozenset(conn.scalars(select(agencies.c.code)))
    return code if code in _known_codes[key] else None


_writers: dict[str, threading.Lock] = {}
_writers_lock = threading.Lock()


def _one_writer(engine: Engine):  # noqa: ANN202
    """SQLite takes one writer at a time; the threads of one run queue for it here, at once, instead
    of in SQLite's busy handler, which sleeps between tries (1, 2, 5 … 100 ms): measured, two ingest
    threads waited there most of the run. Other processes still meet the busy timeout."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    key = engine.url.render_as_string(hide_password=False)
    with _writers_lock:
        return _writers.setdefault(key, threading.Lock())


@dataclass(frozen=True)
class ToStore:
    """One record for ``load_records``: its text, the pages as read, the extractor's version and,
    when it was worked out beforehand (in the worker process that read the document), its search
    index entry (``search_index.IndexEntry``)."""

    record: Record
    body: str = ""
    reading: dict | None = None
    version: str | None = None
    entry: object | None = None
    index_text: object | None = None  # its words and shadow (models.search_text.IndexText), made beforehand


def load_record(engine: Engine, record: Record, body: str = "", reading: dict | None = None,
                version: str | None = None, entry: object | None = None,
                index_text: object | None = None) -> LoadResult:
    """Store one record; a document already stored (same sha256) is left as it is. The insert itself
    is keyed by sha256 (INSERT … ON CONFLICT DO NOTHING), so runs in parallel store it once.
    ``entry`` / ``index_text``: the search index entry, or its words and shadow, made beforehand."""
    [result] = load_records(engine, [ToStore(record, body, reading, version, entry, index_text)])
    if isinstance(result, StoreError):
        raise result
    return result


def load_records(engine: Engine, items: list[ToStore]) -> list[LoadResult | StoreError]:
    """Several records in one transaction (one commit: a batch's documents pay one flush, not one
    each), in ``items``' order: each a LoadResult, or the StoreError of a record the database
    refused. Inserts go in sha256 order, so two batches holding the same documents (parallel runs,
    or duplicates in two chunks of one run) take PostgreSQL's row locks in the same order and do
    not deadlock. If the database refuses anything, the batch is rolled back and each record stored
    in a transaction of its own, so only the refused one fails."""
    try:
        prepared = sorted(((n, _document_row(engine, item), _index_entry(engine, item)) for n, item in enumerate(items)),
                          key=lambda one: items[one[0]].record.source.sha256)
        results: dict[int, LoadResult] = {}
        with _one_writer(engine), engine.begin() as conn:
            # The transaction opens with its write: SQLite takes the write lock (waiting its busy
            # timeout) before any read, so two writers never deadlock upgrading a read lock.
            for n, row, entry in prepared:
                results[n] = _store(conn, engine, items[n], row, entry)
        return [results[n] for n in range(len(items))]
    except Exception as exc:
        if len(items) > 1:
            log.info("a batch of %d records was refused (%s); storing them one by one", len(items), exc)
            return [load_records(engine, [item])[0] for item in items]
        if isinstance(exc, StoreError):
            return [exc]
        refused = StoreError(f"database refused the record: {exc}", path=items[0].record.source.path)
        refused.__cause__ = exc
        return [refused]


def _document_row(engine: Engine, item: ToStore) -> dict:
    record = item.record
    # unknown codes stay in the record JSON and its warnings
    code = _known_agency(engine, record.number.agency_code if record.number else None)
    return dict(
        sha256=record.source.sha256, path=record.source.path, media_type=record.source.media_type,
        doc_type=record.doc_type, number=record.number.value if record.number else None,
        agency_code=code, circular=record.number.circular if record.number else None,
        date=_iso_date(record.date), subject=record.subject, addressee=record.to, issuer=record.issuer,
        text_method=record.source.text_method, ocr_confidence=record.source.ocr_confidence,
        search_text=_search_text(record, item.body), record=record.model_dump(mode="json"),
        loaded_at=datetime.now(timezone.utc), extractor_version=item.version)


def _index_entry(engine: Engine, item: ToStore):  # noqa: ANN202
    from models import search_index

    return item.entry or search_index.index_entry(engine, item.record, item.body, item.index_text)


def _store(conn, engine: Engine, item: ToStore, row: dict, entry) -> LoadResult:  # noqa: ANN001
    """One record's rows inside the caller's transaction; a sha256 already stored inserts nothing."""
    from models import search_index

    doc_id = conn.scalar(_insert_new(engine, documents, ["sha256"]).values(**row).returning(documents.c.id))
    if doc_id is None:
        existing = conn.scalar(select(documents.c.id).where(documents.c.sha256 == item.record.source.sha256))
        return LoadResult(existing, inserted=False)
    if item.reading is not None:
        conn.execute(insert(readings).values(document_id=doc_id, pages=item.reading))
    _insert_parts(conn, doc_id, item.record)
    search_index.index_record(conn, doc_id, item.record, item.body, entry)
    return LoadResult(doc_id, inserted=True)


def _insert_parts(conn, doc_id: int, record: Record) -> None:
    """The record's rows in the tables beside ``documents``."""
    _insert_people_and_clauses(conn, doc_id, None, record.signatories, record.clauses)
    for n, agreement in enumerate(record.agreements):
        agreement_id = conn.execute(insert(agreements).values(
            document_id=doc_id, position=n, title=agreement.title, date=_iso_date(agreement.date),
            effective=agreement.effective,
            termination_days=agreement.termination_notice.days if agreement.termination_notice else None,
            duration_days=agreement.duration.days if agreement.duration else None,
        )).inserted_primary_key[0]
        rows = [{"agreement_id": agreement_id, "name": name,
                 "search_name": squash(f"{name} {' '.join(agreement.party_aliases.get(name, []))}")}
                for name in agreement.parties]
        if rows:
            conn.execute(insert(parties), rows)
        _insert_people_and_clauses(conn, doc_id, agreement_id, agreement.signatories, agreement.clauses)
    if record.plan:
        period = record.plan.period
        plan_id = conn.execute(insert(plans).values(
            document_id=doc_id, plan_type=record.plan.plan_type, area=record.plan.area,
            start_year=period.start_year if period else None, end_year=period.end_year if period else None,
            fiscal_year=record.plan.fiscal_year, vision=record.plan.vision,
        )).inserted_primary_key[0]
        rows = [{"plan_id": plan_id, "issue_label": issue.label, "issue_title": issue.title, "name": project.name,
                 "owner": project.owner, "budget_baht": project.budget_baht}
                for issue in record.plan.strategic_issues for project in issue.projects]
        if rows:
            conn.execute(insert(projects), rows)


def stale_readings(engine: Engine, version: str):
    """(document id, stored record JSON, stored reading) of every document made by another version."""
    statement = (select(documents.c.id, documents.c.record, readings.c.pages)
                 .join(readings, readings.c.document_id == documents.c.id)
                 .where((documents.c.extractor_version != version) | documents.c.extractor_version.is_(None))
                 .order_by(documents.c.id))
    with engine.connect() as conn:
        yield from conn.execute(statement)


def replace_record(engine: Engine, document_id: int, record: Record, body: str, version: str) -> None:
    """A document's record made again: its row updated and its parts' rows and index entries
    replaced, in one transaction."""
    from models import search_index

    code = _known_agency(engine, record.number.agency_code if record.number else None)
    entry = search_index.index_entry(engine, record, body)
    with _one_writer(engine), engine.begin() as conn:
        search_index.forget_record(conn, document_id)
        conn.execute(documents.update().where(documents.c.id == document_id).values(
            doc_type=record.doc_type, number=record.number.value if record.number else None, agency_code=code,
            circular=record.number.circular if record.number else None, date=_iso_date(record.date),
            subject=record.subject, addressee=record.to, issuer=record.issuer,
            search_text=_search_text(record, body), record=record.model_dump(mode="json"), extractor_version=version))
        agreement_ids = select(agreements.c.id).where(agreements.c.document_id == document_id)
        plan_ids = select(plans.c.id).where(plans.c.document_id == document_id)
        conn.execute(parties.delete().where(parties.c.agreement_id.in_(agreement_ids)))
        conn.execute(projects.delete().where(projects.c.plan_id.in_(plan_ids)))
        for table in (signatories, clauses, agreements, plans):
            conn.execute(table.delete().where(table.c.document_id == document_id))
        _insert_parts(conn, document_id, record)
        search_index.index_record(conn, document_id, record, body, entry)


def has_document(engine: Engine, sha256: str) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(documents.c.id).where(documents.c.sha256 == sha256)) is not None


@dataclass(frozen=True)
class Query:
    """What a person asks; dates are ISO (Gregorian) by now, the CLI reads Buddhist-era ones.
    The substring search here and the index (``models/search_index.py``) take the same query."""

    text: str | None = None
    party: str | None = None
    signatory: str | None = None
    clause: str | None = None
    doc_type: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = 20


def _contains(column, needle: str):
    return column.contains(squash(needle), autoescape=True)


def _search_conditions(query: Query) -> list:
    conditions = []
    if query.text:
        conditions.append(_contains(documents.c.search_text, query.text))
    if query.party:
        conditions.append(documents.c.id.in_(
            select(agreements.c.document_id).join(parties, parties.c.agreement_id == agreements.c.id)
            .where(_contains(parties.c.search_name, query.party))))
    if query.signatory:
        conditions.append(documents.c.id.in_(
            select(signatories.c.document_id).where(_contains(signatories.c.search_text, query.signatory))))
    if query.clause:
        conditions.append(documents.c.id.in_(
            select(clauses.c.document_id).where(_contains(clauses.c.search_text, query.clause))))
    if query.doc_type:
        conditions.append(documents.c.doc_type == query.doc_type)
    if query.since:
        conditions.append(documents.c.date >= _iso_date(query.since))
    if query.until:
        conditions.append(documents.c.date <= _iso_date(query.until))
    return conditions


def search_ids(engine: Engine, query: Query) -> list[int]:
    """The documents search() answers, newest first, without reading their records."""
    statement = (select(documents.c.id).where(and_(True, *_search_conditions(query)))
                 .order_by(documents.c.date.desc().nulls_last(), documents.c.id).limit(query.limit))
    with engine.connect() as conn:
        return list(conn.scalars(statement))


def search(engine: Engine, query: Query) -> list[dict]:
    """Documents matching every given condition, newest first, with the agreement titles that matched."""
    conditions = _search_conditions(query)
    statement = (select(documents.c.id, documents.c.path, documents.c.doc_type, documents.c.number,
                        documents.c.date, documents.c.subject, documents.c.issuer, agencies.c.name.label("agency"),
                        documents.c.record)
                 .select_from(documents.outerjoin(agencies, agencies.c.code == documents.c.agency_code))
                 .where(and_(*conditions) if conditions else True)
                 .order_by(documents.c.date.desc().nulls_last(), documents.c.id).limit(query.limit))
    try:
        with engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(statement)]
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise StoreError(f"the database refused the search: {reason}") from exc
    for row in rows:
        record = row.pop("record")
        row["date"] = row["date"].isoformat() if row["date"] else None
        row["agreements"] = [a.get("title") for a in record.get("agreements", [])]
        row["parties"] = sorted({p for a in record.get("agreements", []) for p in a.get("parties", [])})
    return rows


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table.name: conn.scalar(select(func.count()).select_from(table))
                for table in (documents, agreements, parties, signatories, clauses, plans, projects)}


def export_records(engine: Engine, fmt: str) -> str:
    """Every stored record as JSON Lines, or one CSV row per document with its main fields."""
    with engine.connect() as conn:
        records = [row.record for row in conn.execute(select(documents.c.record).order_by(documents.c.id))]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["path", "sha256", "doc_type", "number", "date", "subject", "to", "issuer", "signatories",
                     "agreements", "parties"])
    for r in records:
        writer.writerow([
            r["source"]["path"], r["source"]["sha256"], r["doc_type"], (r.get("number") or {}).get("value"),
            r.get("date"), r.get("subject"), r.get("to"), r.get("issuer"),
            "; ".join(f"{p['name']} ({p.get('position') or ''})" for p in r.get("signatories", [])),
            "; ".join(a.get("title") or "" for a in r.get("agreements", [])),
            "; ".join(p for a in r.get("agreements", []) for p in a.get("parties", [])),
        ])
    return out.getvalue()


__all__ = ["connect", "load_record", "load_records", "ToStore", "has_document", "search", "Query", "counts", "export_records", "squash"]
