"""Lists for the API and the review desk, paged by cursor, and exports streamed: every reader sees
each record with its reviewers' corrections applied (models/review.py).

A page token names the last row of the previous page (keyset paging: a page deep in the archive
costs what the first one does) and the filters it was given for.
"""
from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from models import db, search_index
from models.errors import StoreError
from models.labels import EXPORT_COLUMNS, be_date, doc_type_th
from models.review import (Document, apply_corrections, aware, changes_by_sha, corrections, document_of_row,
                           moment_in)


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
        conditions.append(search_index.containing_text(engine.dialect.name, filters.text))
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
        moment = moment_in(engine, filters.updated_since)
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
        changes = changes_by_sha(conn, [row.sha256 for row in rows])
        titles: dict[int, list[str | None]] = {row.id: [] for row in rows}
        if rows and not full:
            for agreement in conn.execute(select(db.agreements.c.document_id, db.agreements.c.title)
                                          .where(db.agreements.c.document_id.in_(list(titles)))
                                          .order_by(db.agreements.c.document_id, db.agreements.c.position)):
                titles[agreement.document_id].append(agreement.title)
    if full:
        items = [document_of_row(row, changes[row.sha256]) for row in rows]
    else:
        items = []
        for row in rows:
            partial = _listed_record(row, titles[row.id])
            record, _ = apply_corrections(partial, changes[row.sha256])
            items.append(Document(row.id, row.sha256, row.path, row.media_type, aware(row.loaded_at), partial,
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


def _records_of(conn, document_ids: list[int]) -> dict[int, Document]:
    d = db.documents
    rows = list(conn.execute(select(d.c.id, d.c.sha256, d.c.path, d.c.media_type, d.c.loaded_at, d.c.record)
                             .where(d.c.id.in_(document_ids))))
    changes = changes_by_sha(conn, [row.sha256 for row in rows])
    return {row.id: document_of_row(row, changes[row.sha256]) for row in rows}


def _child_rows(engine: Engine, kind: str, table, columns: list, filters: Filters, page_size: int,
                page_token: str | None) -> tuple[list, dict[int, Document], str | None]:
    """One page of a table hanging from documents (agreements, plans) whose documents match the
    filters, keyed by its own id, with those documents' corrected records and the next page's token."""
    after = read_token(kind, page_token, filters)
    statement = (select(table.c.id, table.c.document_id, *columns)
                 .where(table.c.document_id.in_(select(db.documents.c.id).where(and_(True, *_conditions(engine, filters)))))
                 .order_by(table.c.id).limit(page_size + 1))
    if after is not None:
        statement = statement.where(table.c.id > int(after))
    with engine.connect() as conn:
        rows = list(conn.execute(statement))
        more = len(rows) > page_size
        rows = rows[:page_size]
        documents = _records_of(conn, sorted({row.document_id for row in rows}))
    return rows, documents, make_token(kind, rows[-1].id, filters) if more else None


def list_agreements(engine: Engine, filters: Filters, page_size: int = 50, page_token: str | None = None) -> Page:
    """One page of agreements (of documents matching the filters), each from its document's
    corrected record: parties, aliases, clauses, notice, term, signatories."""
    rows, documents, next_token = _child_rows(engine, "agreements", db.agreements, [db.agreements.c.position],
                                              filters, page_size, page_token)
    items = []
    for row in rows:
        document = documents[row.document_id]
        agreements = document.record.get("agreements") or []
        if row.position < len(agreements):
            items.append((document, row.position, agreements[row.position]))
    return Page(items, next_token)


def list_plans(engine: Engine, filters: Filters, page_size: int = 50, page_token: str | None = None) -> Page:
    """One page of plans with their strategic issues and projects, from the corrected records."""
    rows, documents, next_token = _child_rows(engine, "plans", db.plans, [], filters, page_size, page_token)
    items = [(documents[row.document_id], documents[row.document_id].record.get("plan")) for row in rows
             if documents[row.document_id].record.get("plan")]
    return Page(items, next_token)


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
