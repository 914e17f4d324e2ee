"""What the review desk and the HTTP API keep and read: reviewers' corrections (append-only), the word
boxes of each page, cursor-paged listings and streamed exports with the corrections applied.

Corrections are keyed by the document's sha256 and a JSON pointer to the value, not by a row id, so
they outlive a re-extraction of the document: the new record comes in, the corrections go over it.
The stored record stays as extracted; every reader here sees it with its corrections.
"""
from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from pydantic import ValidationError
from sqlalchemy import (JSON, Column, DateTime, Float, Integer, MetaData, String, Table, Text, and_, delete, func,
                        insert, or_, select)
from sqlalchemy.engine import Engine

from models import db
from models.catalog import agency_names
from models.errors import StoreError
from models.labels import EXPORT_COLUMNS, be_date, doc_type_th
from models.record import Record

metadata = MetaData()

corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("pointer", Text, nullable=False),
    Column("action", String(16), nullable=False),  # correct | approve
    Column("before", JSON),
    Column("after", JSON),
    Column("reviewer", Text, nullable=False),
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)
page_layouts = Table(
    "page_layouts", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("page", Integer, primary_key=True),  # 1-based
    Column("method", String(16), nullable=False),
    Column("raw_start", Integer, nullable=False),  # where the page's text starts in the document's raw text
    Column("text_length", Integer, nullable=False),
    Column("width", Integer, nullable=False),  # the pixel space of the boxes
    Column("height", Integer, nullable=False),
    Column("words", JSON, nullable=False),  # [[start, end, left, top, width, height, confidence], ...] page-local
)

ACTIONS = ("correct", "approve")
# Which part of an object value a reviewer edits: a document number's value, a person's name …
LEAF_KEYS = ("value", "name", "title", "text", "raw")


def connect(url: str) -> Engine:
    """The archive's engine with the review tables beside the record tables."""
    engine = db.connect(url)
    metadata.create_all(engine)
    return engine


def now() -> datetime:
    return datetime.now(timezone.utc)


def _moment(engine: Engine, value: datetime) -> datetime:
    """A moment as the database compares it: SQLite keeps naive UTC text, PostgreSQL keeps zones."""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None) if engine.dialect.name == "sqlite" else value


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# --- JSON pointers -------------------------------------------------------------------------------

def _parts(pointer: str) -> list[str]:
    if pointer and not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON pointer (it must start with /)")
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


_MISSING = object()


def get_at(doc, pointer: str):
    """The value a JSON pointer names, or a sentinel when the record has no such place.

    >>> get_at({"agreements": [{"parties": ["ก", "ข"]}]}, "/agreements/0/parties/1")
    'ข'
    """
    node = doc
    for part in _parts(pointer):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def has_value(doc, pointer: str) -> bool:
    return get_at(doc, pointer) is not _MISSING


def _set_at(doc, pointer: str, value) -> None:
    parts = _parts(pointer)
    parent = get_at(doc, "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts[:-1])) \
        if len(parts) > 1 else doc
    key = parts[-1]
    if isinstance(parent, list):
        parent[int(key)] = value
    else:
        parent[key] = value


def leaf_pointer(record: dict, pointer: str) -> str:
    """The editable value under a provenance pointer: an object's main text (``/number`` → its
    ``value``), anything else itself.

    >>> leaf_pointer({"signatories": [{"name": "นายก", "position": None}]}, "/signatories/0")
    '/signatories/0/name'
    """
    value = get_at(record, pointer)
    if isinstance(value, dict):
        for key in LEAF_KEYS:
            if key in value and (value[key] is None or isinstance(value[key], (str, int, float))):
                return f"{pointer}/{key}"
    return pointer


def evidence_for(record: dict, pointer: str) -> tuple[str, dict] | None:
    """The provenance entry nearest above a value's pointer (``/signatories/0/name`` is read where
    ``/signatories/0`` was)."""
    provenance = record.get("provenance") or {}
    parts = pointer.split("/")
    while len(parts) > 1:
        candidate = "/".join(parts)
        if candidate in provenance:
            return candidate, provenance[candidate]
        parts.pop()
    return None


def apply_corrections(record: dict, changes: list[dict]) -> tuple[dict, list[dict]]:
    """The record with each correction applied over the extracted value, oldest first, and the
    corrections that no longer find their value (the re-extracted record lacks it).

    >>> rec, lost = apply_corrections({"subject": "เรือง", "to": None},
    ...                               [{"pointer": "/subject", "action": "correct", "after": "เรื่อง"},
    ...                                {"pointer": "/agreements/0/title", "action": "correct", "after": "x"}])
    >>> rec["subject"], [c["pointer"] for c in lost]
    ('เรื่อง', ['/agreements/0/title'])
    """
    if not changes:
        return record, []
    out = copy.deepcopy(record)
    lost = []
    for change in changes:
        if not has_value(out, change["pointer"]):
            lost.append(change)
        elif change["action"] == "correct":
            _set_at(out, change["pointer"], change["after"])
    return out, lost


# --- corrections ---------------------------------------------------------------------------------

class CorrectionRefused(StoreError):
    """A correction that cannot be stored: no such document or value, or the value is not valid."""


@dataclass(frozen=True)
class Document:
    row_id: int
    sha256: str
    path: str
    media_type: str | None
    loaded_at: datetime
    extracted: dict
    record: dict  # with corrections applied
    changes: list[dict] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)

    @property
    def updated_at(self) -> datetime:
        moments = [self.loaded_at] + [c["created_at"] for c in self.changes]
        return max(m for m in moments if m is not None)

    def reviewed(self, pointer: str) -> dict | None:
        """The latest correction or approval of a value, if any."""
        latest = [c for c in self.changes if c["pointer"] == pointer]
        return latest[-1] if latest else None


def _change_dict(row) -> dict:
    out = dict(row._mapping)
    out["created_at"] = _aware(out["created_at"])
    return out


def _changes_by_sha(conn, shas: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {sha: [] for sha in shas}
    for at in range(0, len(shas), 900):  # within every database's limit on bound values
        for row in conn.execute(select(corrections).where(corrections.c.sha256.in_(shas[at:at + 900]))
                                .order_by(corrections.c.id)):
            found[row.sha256].append(_change_dict(row))
    return found


def get_document(engine: Engine, sha256: str) -> Document | None:
    """One stored document by its id (the sha256 of its bytes), corrections applied."""
    with engine.connect() as conn:
        row = conn.execute(select(db.documents.c.id, db.documents.c.sha256, db.documents.c.path,
                                  db.documents.c.media_type, db.documents.c.loaded_at, db.documents.c.record)
                           .where(db.documents.c.sha256 == sha256)).first()
        if row is None:
            return None
        changes = _changes_by_sha(conn, [sha256])[sha256]
    return _document(row, changes)


def corrected_record(engine: Engine, sha256: str) -> dict | None:
    """The stored record with its reviewers' corrections applied (what ``show`` and exports print),
    or None when no document has that sha256."""
    document = get_document(engine, sha256)
    return document.record if document else None


def _document(row, changes: list[dict]) -> Document:
    record, lost = apply_corrections(row.record, changes)
    return Document(row.id, row.sha256, row.path, row.media_type, _aware(row.loaded_at), row.record, record,
                    changes, lost)


def _coerce(current, value):
    """A reviewer's text as the kind of value it replaces (a year stays a number); empty is null."""
    if isinstance(value, str):
        value = " ".join(value.split())
        if value == "":
            return None
        if isinstance(current, bool):
            return value.lower() in ("true", "1", "yes", "ใช่")
        if isinstance(current, int):
            return int(value.replace(",", ""))
        if isinstance(current, float):
            return float(value.replace(",", ""))
    return value


def add_correction(engine: Engine, sha256: str, pointer: str, *, action: str, reviewer: str,
                   after=None, reason: str | None = None) -> dict:
    """Store one reviewer's decision on a value, append-only: ``correct`` sets a new value,
    ``approve`` confirms the one shown. The corrected record must still be a valid record."""
    if action not in ACTIONS:
        raise CorrectionRefused(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if not (reviewer or "").strip():
        raise CorrectionRefused("a correction needs the reviewer's name")
    document = get_document(engine, sha256)
    if document is None:
        raise CorrectionRefused(f"no document with id {sha256}")
    try:
        current = get_at(document.record, pointer)
    except ValueError as exc:
        raise CorrectionRefused(str(exc)) from exc
    if current is _MISSING:
        raise CorrectionRefused(f"the record has no value at {pointer}")
    if isinstance(current, (dict, list)):
        raise CorrectionRefused(f"{pointer} holds several values; correct one of them "
                                f"(e.g. {leaf_pointer(document.record, pointer)})")
    if pointer.startswith(("/source", "/provenance", "/warnings", "/schema_version")):
        raise CorrectionRefused(f"{pointer} is written by saraban itself, not a value read from the document")
    if action == "approve":
        after = current
    else:
        try:
            after = _coerce(current, after)
        except ValueError:
            raise CorrectionRefused(f"{pointer} holds a number; {after!r} is not one") from None
        candidate, _ = apply_corrections(document.record, [{"pointer": pointer, "action": "correct",
                                                           "after": after}])
        try:
            Record.model_validate(candidate)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise CorrectionRefused(f"{after!r} is not a valid value for {pointer}: {first['msg']}") from None
    values = {"sha256": sha256, "pointer": pointer, "action": action, "before": current, "after": after,
              "reviewer": reviewer.strip(), "reason": (reason or "").strip() or None, "created_at": now()}
    with engine.begin() as conn:
        values["id"] = conn.execute(insert(corrections).values(**values)).inserted_primary_key[0]
    return values


def history(engine: Engine, sha256: str, pointer: str | None = None) -> list[dict]:
    """Every correction and approval of a document (or of one value), oldest first."""
    statement = select(corrections).where(corrections.c.sha256 == sha256).order_by(corrections.c.id)
    if pointer:
        statement = statement.where(corrections.c.pointer == pointer)
    with engine.connect() as conn:
        return [_change_dict(row) for row in conn.execute(statement)]


def replace_record(engine: Engine, record: Record, body: str = "") -> db.LoadResult:
    """A document extracted again: its old rows give way to the new record (corrections, keyed by
    sha256, stay and apply over it; the cached word boxes are read again on the next view)."""
    with engine.begin() as conn:
        conn.execute(delete(page_layouts).where(page_layouts.c.sha256 == record.source.sha256))
    _delete_document(engine, record.source.sha256)
    return db.load_record(engine, record, body)


def _delete_document(engine: Engine, sha256: str) -> None:
    """One document and every row hanging from it (children first: SQLite may have foreign keys off)."""
    with engine.begin() as conn:
        doc_id = conn.scalar(select(db.documents.c.id).where(db.documents.c.sha256 == sha256))
        if doc_id is None:
            return
        agreement_ids = select(db.agreements.c.id).where(db.agreements.c.document_id == doc_id)
        plan_ids = select(db.plans.c.id).where(db.plans.c.document_id == doc_id)
        conn.execute(delete(db.parties).where(db.parties.c.agreement_id.in_(agreement_ids)))
        conn.execute(delete(db.projects).where(db.projects.c.plan_id.in_(plan_ids)))
        conn.execute(delete(db.signatories).where(db.signatories.c.document_id == doc_id))
        conn.execute(delete(db.clauses).where(db.clauses.c.document_id == doc_id))
        conn.execute(delete(db.agreements).where(db.agreements.c.document_id == doc_id))
        conn.execute(delete(db.plans).where(db.plans.c.document_id == doc_id))
        conn.execute(delete(db.documents).where(db.documents.c.id == doc_id))


# --- listings with cursors -----------------------------------------------------------------------

class BadPageToken(StoreError):
    """A page token this server did not give out for this query."""


@dataclass(frozen=True)
class Filters:
    """Every search filter of the listings (each optional; all given must hold)."""

    text: str | None = None
    party: str | None = None
    signatory: str | None = None
    clause: str | None = None
    doc_type: str | None = None
    agency: str | None = None  # letter code (มท) of the number
    since: str | None = None   # document date, ISO
    until: str | None = None
    updated_since: datetime | None = None


def make_token(kind: str, last_key, filters: Filters | None = None) -> str:
    body = json.dumps({"k": kind, "after": last_key, "q": _stable_fingerprint(filters)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def _stable_fingerprint(filters: Filters | None) -> str:
    """A short digest of the filters, so a token is not replayed under other filters."""
    if filters is None:
        return "-"
    values = [getattr(filters, name) for name in filters.__dataclass_fields__]
    return hashlib.sha256(json.dumps(values, default=str, ensure_ascii=False).encode()).hexdigest()[:12]


def read_token(kind: str, token: str | None, filters: Filters | None = None):
    """The last key of the previous page, or None for the first page."""
    if not token:
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if body["k"] != kind:
            raise KeyError
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise BadPageToken(f"page_token {token[:40]!r} is not one this server gave out for {kind}; "
                           "start again without page_token") from None
    if body.get("q") != _stable_fingerprint(filters):
        raise BadPageToken("page_token was given out for other filters; keep the filters the same while paging, "
                           "or start again without page_token")
    return body["after"]


def _conditions(engine: Engine, filters: Filters) -> list:
    d = db.documents
    conditions = []
    if filters.text:
        conditions.append(db._contains(d.c.search_text, filters.text))
    if filters.party:
        conditions.append(d.c.id.in_(
            select(db.agreements.c.document_id).join(db.parties, db.parties.c.agreement_id == db.agreements.c.id)
            .where(db._contains(db.parties.c.search_name, filters.party))))
    if filters.signatory:
        conditions.append(d.c.id.in_(select(db.signatories.c.document_id)
                                     .where(db._contains(db.signatories.c.search_text, filters.signatory))))
    if filters.clause:
        conditions.append(d.c.id.in_(select(db.clauses.c.document_id)
                                     .where(db._contains(db.clauses.c.search_text, filters.clause))))
    if filters.doc_type:
        conditions.append(d.c.doc_type == filters.doc_type)
    if filters.agency:
        conditions.append(d.c.agency_code == filters.agency)
    if filters.since:
        conditions.append(d.c.date >= db._iso_date(filters.since))
    if filters.until:
        conditions.append(d.c.date <= db._iso_date(filters.until))
    if filters.updated_since:
        moment = _moment(engine, filters.updated_since)
        conditions.append(or_(d.c.loaded_at >= moment,
                              d.c.sha256.in_(select(corrections.c.sha256).where(corrections.c.created_at >= moment))))
    return conditions


SUMMARY_COLUMNS = ("id", "sha256", "path", "media_type", "doc_type", "number", "agency_code", "date", "subject",
                   "addressee", "issuer", "text_method", "ocr_confidence", "loaded_at")


@dataclass(frozen=True)
class Page:
    items: list
    next_token: str | None


def list_documents(engine: Engine, filters: Filters, page_size: int = 50, page_token: str | None = None,
                   full: bool = False) -> Page:
    """One page of documents matching the filters, in a stable order (the order they were stored),
    with their corrections applied; ``next_token`` continues after the last one. Without ``full``
    each item's record holds only what a list shows (type, number, date, subject, addressee,
    issuer, source, agreement titles), read from the table's columns: the whole record JSON is
    not parsed for a list."""
    after = read_token("documents", page_token, filters)
    d = db.documents
    columns = [d.c[name] for name in SUMMARY_COLUMNS] + ([d.c.record] if full else [])
    statement = (select(*columns).where(and_(True, *_conditions(engine, filters)))
                 .order_by(d.c.id).limit(page_size + 1))
    if after is not None:
        statement = statement.where(d.c.id > int(after))
    with engine.connect() as conn:
        rows = list(conn.execute(statement))
        more = len(rows) > page_size
        rows = rows[:page_size]
        changes = _changes_by_sha(conn, [row.sha256 for row in rows])
        titles: dict[int, list[str | None]] = {row.id: [] for row in rows}
        if rows and not full:
            for agreement in conn.execute(select(db.agreements.c.document_id, db.agreements.c.title)
                                          .where(db.agreements.c.document_id.in_(list(titles)))
                                          .order_by(db.agreements.c.document_id, db.agreements.c.position)):
                titles[agreement.document_id].append(agreement.title)
    if full:
        items = [_document(row, changes[row.sha256]) for row in rows]
    else:
        items = []
        for row in rows:
            partial = _listed_record(row, titles[row.id])
            record, _ = apply_corrections(partial, changes[row.sha256])
            items.append(Document(row.id, row.sha256, row.path, row.media_type, _aware(row.loaded_at), partial,
                                  record, changes[row.sha256], []))
    return Page(items, make_token("documents", rows[-1].id, filters) if more else None)


def _listed_record(row, titles: list[str | None]) -> dict:
    """The part of a record a list shows, from the documents table's columns."""
    return {
        "source": {"path": row.path, "sha256": row.sha256, "media_type": row.media_type,
                   "text_method": row.text_method, "ocr_confidence": row.ocr_confidence},
        "doc_type": row.doc_type, "date": row.date.isoformat() if row.date else None,
        "number": {"value": row.number, "agency_code": row.agency_code} if row.number else None,
        "subject": row.subject, "to": row.addressee, "issuer": row.issuer,
        "agreements": [{"title": title} for title in titles],
    }


def count_documents(engine: Engine, filters: Filters) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(db.documents)
                           .where(and_(True, *_conditions(engine, filters))))


def _records_of(conn, document_ids: list[int]) -> dict[int, Document]:
    d = db.documents
    rows = list(conn.execute(select(d.c.id, d.c.sha256, d.c.path, d.c.media_type, d.c.loaded_at, d.c.record)
                             .where(d.c.id.in_(document_ids))))
    changes = _changes_by_sha(conn, [row.sha256 for row in rows])
    return {row.id: _document(row, changes[row.sha256]) for row in rows}


def list_agreements(engine: Engine, filters: Filters, page_size: int = 50, page_token: str | None = None) -> Page:
    """One page of agreements (of documents matching the filters), each from its document's
    corrected record: parties, aliases, clauses, notice, term, signatories."""
    after = read_token("agreements", page_token, filters)
    a = db.agreements
    statement = (select(a.c.id, a.c.document_id, a.c.position)
                 .where(a.c.document_id.in_(select(db.documents.c.id).where(and_(True, *_conditions(engine, filters)))))
                 .order_by(a.c.id).limit(page_size + 1))
    if after is not None:
        statement = statement.where(a.c.id > int(after))
    with engine.connect() as conn:
        rows = list(conn.execute(statement))
        more = len(rows) > page_size
        rows = rows[:page_size]
        documents = _records_of(conn, sorted({row.document_id for row in rows}))
    items = []
    for row in rows:
        document = documents[row.document_id]
        agreements = document.record.get("agreements") or []
        if row.position < len(agreements):
            items.append((document, row.position, agreements[row.position]))
    return Page(items, make_token("agreements", rows[-1].id, filters) if more else None)


def list_plans(engine: Engine, filters: Filters, page_size: int = 50, page_token: str | None = None) -> Page:
    """One page of plans with their strategic issues and projects, from the corrected records."""
    after = read_token("plans", page_token, filters)
    p = db.plans
    statement = (select(p.c.id, p.c.document_id)
                 .where(p.c.document_id.in_(select(db.documents.c.id).where(and_(True, *_conditions(engine, filters)))))
                 .order_by(p.c.id).limit(page_size + 1))
    if after is not None:
        statement = statement.where(p.c.id > int(after))
    with engine.connect() as conn:
        rows = list(conn.execute(statement))
        more = len(rows) > page_size
        rows = rows[:page_size]
        documents = _records_of(conn, sorted({row.document_id for row in rows}))
    items = [(documents[row.document_id], documents[row.document_id].record.get("plan")) for row in rows
             if documents[row.document_id].record.get("plan")]
    return Page(items, make_token("plans", rows[-1].id, filters) if more else None)


def list_agencies(engine: Engine, page_size: int = 100, page_token: str | None = None) -> Page:
    """Agencies by letter code, with how many stored documents carry each code."""
    after = read_token("agencies", page_token)
    ag, d = db.agencies, db.documents
    documents_of = (select(func.count()).select_from(d).where(d.c.agency_code == ag.c.code)
                    .correlate(ag).scalar_subquery())
    statement = select(ag.c.code, ag.c.name, documents_of.label("documents")).order_by(ag.c.code).limit(page_size + 1)
    if after is not None:
        statement = statement.where(ag.c.code > str(after))
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(statement)]
    more = len(rows) > page_size
    rows = rows[:page_size]
    return Page(rows, make_token("agencies", rows[-1]["code"]) if more else None)


# --- exports, streamed ---------------------------------------------------------------------------

EXPORT_BATCH = 500


def iter_documents(engine: Engine, filters: Filters | None = None, batch: int = EXPORT_BATCH) -> Iterator[Document]:
    """Every matching document with its corrections, read ``batch`` rows at a time (memory stays flat)."""
    token = None
    filters = filters or Filters()
    while True:
        page = list_documents(engine, filters, batch, token, full=True)
        yield from page.items
        if page.next_token is None:
            return
        token = page.next_token


def export_row(document: Document) -> dict:
    """One CSV row of a (corrected) record, by the column keys of ``labels.EXPORT_COLUMNS``."""
    r = document.record
    return {
        "sha256": document.sha256, "path": r["source"]["path"], "doc_type": r.get("doc_type"),
        "number": (r.get("number") or {}).get("value"), "date": r.get("date"), "date_be": be_date(r.get("date")),
        "subject": r.get("subject"), "to": r.get("to"), "issuer": r.get("issuer"),
        "signatories": "; ".join(f"{p['name']} ({p.get('position') or ''})" for p in r.get("signatories", [])),
        "agreements": "; ".join(a.get("title") or "" for a in r.get("agreements", [])),
        "parties": "; ".join(p for a in r.get("agreements", []) for p in a.get("parties", [])),
        "corrections": sum(c["action"] == "correct" for c in document.changes),
    }


def stream_export(engine: Engine, fmt: str, excel: bool = False, filters: Filters | None = None) -> Iterator[str]:
    """The records as JSON Lines, or CSV one row per document; ``excel`` writes what Excel opens as
    UTF-8 (a byte-order mark) with Thai column labels and Thai document types. Chunks of text."""
    documents = iter_documents(engine, filters)
    if fmt == "jsonl":
        for document in documents:
            yield json.dumps(document.record, ensure_ascii=False) + "\n"
        return
    if fmt != "csv":
        raise ValueError(f"export format must be jsonl or csv, not {fmt!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    if excel:
        buffer.write("\ufeff")
        writer.writerow([label for _, label in EXPORT_COLUMNS])
    else:
        writer.writerow([key for key, _ in EXPORT_COLUMNS])
    for n, document in enumerate(documents, 1):
        row = export_row(document)
        if excel:
            row["doc_type"] = doc_type_th(row["doc_type"])
        writer.writerow([row[key] for key, _ in EXPORT_COLUMNS])
        if n % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- word boxes of each page ---------------------------------------------------------------------

@dataclass(frozen=True)
class PageLayout:
    page: int
    method: str
    raw_start: int
    text_length: int
    width: int
    height: int
    words: list  # [start, end, left, top, width, height, confidence], offsets local to the page


def store_layouts(engine: Engine, sha256: str, layouts: list[PageLayout]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(page_layouts).where(page_layouts.c.sha256 == sha256))
        if layouts:
            conn.execute(insert(page_layouts), [{"sha256": sha256, **layout.__dict__} for layout in layouts])


def layouts(engine: Engine, sha256: str) -> list[PageLayout] | None:
    """The stored word boxes of a document's pages, or None when they were never read."""
    with engine.connect() as conn:
        rows = list(conn.execute(select(page_layouts).where(page_layouts.c.sha256 == sha256)
                                 .order_by(page_layouts.c.page)))
    if not rows:
        return None
    return [PageLayout(r.page, r.method, r.raw_start, r.text_length, r.width, r.height, r.words) for r in rows]


def _same_line(line: list, left: int, top: int, width: int, height: int) -> bool:
    """Whether a word continues a printed line: the two overlap over half the lower one's height, or
    the word is a mark a text layer set apart (small, over the line's letters, touching it).

    >>> _same_line([132, 131, 700, 66], 164, 117, 3, 12), _same_line([132, 131, 700, 66], 134, 235, 818, 81)
    (True, False)
    """
    line_left, line_top, line_width, line_height = line
    overlap = min(line_top + line_height, top + height) - max(line_top, top)
    if overlap >= 0.5 * min(height, line_height):
        return True
    gap = max(line_top - (top + height), top - (line_top + line_height))
    return height < 0.5 * line_height and gap < 0.5 * line_height and \
        line_left - line_height <= left <= line_left + line_width


def evidence_boxes(layout: list[PageLayout], raw_start: int | None, raw_end: int | None) -> list[tuple[int, list]]:
    """The word boxes (page, [left, top, width, height]) under a raw-text span; neighbouring words
    on one line become one box.

    >>> page = PageLayout(1, "ocr", 0, 20, 100, 100, [[0, 3, 10, 10, 20, 10, 0.9], [4, 6, 35, 11, 15, 10, 0.9],
    ...                                              [7, 9, 10, 40, 20, 10, 0.9]])
    >>> evidence_boxes([page], 2, 8)
    [(1, [10, 10, 40, 11]), (1, [10, 40, 20, 10])]
    """
    if raw_start is None or raw_end is None:
        return []
    boxes: list[tuple[int, list]] = []
    for page in layout:
        lo, hi = raw_start - page.raw_start, raw_end - page.raw_start
        if hi <= 0 or lo >= page.text_length:
            continue
        line: list | None = None
        for start, end, left, top, width, height, _conf in page.words:
            if end <= lo or start >= hi:
                continue
            if line and _same_line(line, left, top, width, height):
                right, bottom = max(line[0] + line[2], left + width), max(line[1] + line[3], top + height)
                line[0], line[1] = min(line[0], left), min(line[1], top)
                line[2], line[3] = right - line[0], bottom - line[1]
            else:
                if line:
                    boxes.append((page.page, line))
                line = [left, top, width, height]
        if line:
            boxes.append((page.page, line))
    return boxes


# --- the review queue ----------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    sha256: str
    subject: str | None
    pointer: str
    value: object
    confidence: float | None
    reason: str  # "low_confidence" | "unlinked_party"


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return frozenset(db.squash(name) for name in agency_names())


def _known_party(name: str) -> bool:
    return db.squash(name) in _known_names()


def values_to_review(document: Document, below: float) -> list[QueueItem]:
    """A document's values a reviewer should look at first: those read with confidence under
    ``below``, and parties not linked to a known agency; those already reviewed are left out."""
    record, items = document.record, []
    seen = set()
    for pointer, evidence in (record.get("provenance") or {}).items():
        leaf = leaf_pointer(record, pointer)
        if evidence.get("confidence", 1) < below and not document.reviewed(leaf) and has_value(record, leaf):
            value = get_at(record, leaf)
            if isinstance(value, (dict, list)):
                continue
            items.append(QueueItem(document.sha256, record.get("subject"), leaf, value, evidence["confidence"],
                                   "low_confidence"))
            seen.add(leaf)
    for n, agreement in enumerate(record.get("agreements") or []):
        for m, party in enumerate(agreement.get("parties") or []):
            pointer = f"/agreements/{n}/parties/{m}"
            if pointer not in seen and not document.reviewed(pointer) and not _known_party(party):
                evidence = evidence_for(record, pointer)
                items.append(QueueItem(document.sha256, record.get("subject"), pointer, party,
                                       evidence[1]["confidence"] if evidence else None, "unlinked_party"))
    return items


value_flags = Table(
    "value_flags", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("pointer", Text, nullable=False),
    Column("value", JSON),
    Column("confidence", Float),
    Column("reason", String(16), nullable=False),
    Column("subject", Text),
)
flag_scans = Table(
    "flag_scans", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)


# Values under this confidence are kept for the queue; the queue shows those under its own threshold.
FLAG_CEILING = 0.95


def refresh_flags(engine: Engine, budget: int = 2000) -> int:
    """Read up to ``budget`` records not yet read for the queue (new, or extracted again since) and
    keep their values to review; returns how many records are still unread."""
    d = db.documents
    stale = (select(d.c.id, d.c.sha256, d.c.path, d.c.media_type, d.c.loaded_at, d.c.record)
             .select_from(d.outerjoin(flag_scans, flag_scans.c.sha256 == d.c.sha256))
             .where(or_(flag_scans.c.sha256.is_(None), flag_scans.c.loaded_at != d.c.loaded_at)))
    with engine.begin() as conn:
        rows = list(conn.execute(stale.order_by(d.c.id.desc()).limit(budget)))
        shas = [row.sha256 for row in rows]
        for at in range(0, len(shas), 900):
            conn.execute(delete(value_flags).where(value_flags.c.sha256.in_(shas[at:at + 900])))
            conn.execute(delete(flag_scans).where(flag_scans.c.sha256.in_(shas[at:at + 900])))
        flags = [{"sha256": item.sha256, "pointer": item.pointer, "value": item.value, "confidence": item.confidence,
                  "reason": item.reason, "subject": item.subject}
                 for row in rows for item in values_to_review(_document(row, []), FLAG_CEILING)]
        if flags:
            conn.execute(insert(value_flags), flags)
        if rows:
            conn.execute(insert(flag_scans), [{"sha256": row.sha256, "loaded_at": row.loaded_at} for row in rows])
        return conn.scalar(select(func.count()).select_from(stale.subquery()))


def review_queue(engine: Engine, below: float = 0.6, limit: int = 200, budget: int = 2000) -> tuple[list[QueueItem], int]:
    """Values to review across the archive, lowest confidence first, then parties not linked to a
    known agency; values already corrected or approved are left out. Records are read for the queue
    ``budget`` at a time (the newest first); returns the items and how many records are still unread."""
    if below > FLAG_CEILING:
        raise ValueError(f"the queue keeps values under {FLAG_CEILING} confidence; {below} is above that")
    unread = refresh_flags(engine, budget)
    f, c, d = value_flags, corrections, db.documents
    reviewed = select(c.c.id).where(and_(c.c.sha256 == f.c.sha256, c.c.pointer == f.c.pointer)).exists()
    doubtful = or_(f.c.reason != "low_confidence", f.c.confidence < below)
    statement = (select(f).where(doubtful, ~reviewed, f.c.sha256.in_(select(d.c.sha256)))
                 .order_by((f.c.reason != "low_confidence"), func.coalesce(f.c.confidence, 1.0), f.c.id).limit(limit))
    with engine.connect() as conn:
        items = [QueueItem(row.sha256, row.subject, row.pointer, row.value, row.confidence, row.reason)
                 for row in conn.execute(statement)]
    return items, unread
