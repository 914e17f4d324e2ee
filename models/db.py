"""The canonical plan/MOU database: SQLAlchemy tables, idempotent loading, Thai text search, export.

SQLite by default, PostgreSQL by URL. The whole record JSON is kept beside the tables. Thai has no
spaces between words, so search matches substrings of a whitespace-free copy of each document's
text and values: ``มหาวิทยาลัยเชียงใหม่`` inside running text, or a two-letter code such as ``มท``.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, MetaData, String,
                        Table, Text, and_, create_engine, event, func, insert, select)
from sqlalchemy.engine import Engine

from models.catalog import agency_codes
from models.errors import StoreError
from models.record import Record

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
    """An engine with the schema created and the agency codes loaded."""
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_connection, _record):  # noqa: ANN001
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
    from models import search_index  # its tables join this metadata; it imports this module

    metadata.create_all(engine)
    search_index.install(engine)
    with engine.begin() as conn:
        known = set(conn.scalars(select(agencies.c.code)))
        missing = [{"code": c, "name": n} for c, n in agency_codes().items() if c not in known]
        if missing:
            conn.execute(insert(agencies), missing)
    return engine


def _search_text(record: Record, body: str) -> str:
    values = [record.subject, record.issuer, record.to, record.number.value if record.number else None, body]
    return squash(" ".join(v for v in values if v))


@dataclass(frozen=True)
class LoadResult:
    document_id: int
    inserted: bool


def _insert_people_and_clauses(conn, document_id: int, agreement_id: int | None, people, provisions) -> None:
    """Signatories and clauses of the document itself (agreement_id None) or of one of its agreements."""
    for person in people:
        conn.execute(insert(signatories).values(document_id=document_id, agreement_id=agreement_id, name=person.name,
                                                position=person.position,
                                                search_text=squash(f"{person.name} {person.position or ''}")))
    for clause in provisions:
        conn.execute(insert(clauses).values(document_id=document_id, agreement_id=agreement_id, label=clause.label,
                                            text=clause.text, search_text=squash(clause.text)))


def load_record(engine: Engine, record: Record, body: str = "") -> LoadResult:
    """Store one record; a document already stored (same sha256) is left as it is."""
    try:
        with engine.begin() as conn:
            existing = conn.scalar(select(documents.c.id).where(documents.c.sha256 == record.source.sha256))
            if existing is not None:
                return LoadResult(existing, inserted=False)
            code = record.number.agency_code if record.number else None
            if code and conn.scalar(select(agencies.c.code).where(agencies.c.code == code)) is None:
                code = None  # unknown codes stay in the record JSON and its warnings
            doc_id = conn.execute(insert(documents).values(
                sha256=record.source.sha256, path=record.source.path, media_type=record.source.media_type,
                doc_type=record.doc_type, number=record.number.value if record.number else None,
                agency_code=code, circular=record.number.circular if record.number else None,
                date=_iso_date(record.date), subject=record.subject, addressee=record.to, issuer=record.issuer,
                text_method=record.source.text_method, ocr_confidence=record.source.ocr_confidence,
                search_text=_search_text(record, body), record=record.model_dump(mode="json"),
                loaded_at=datetime.now(timezone.utc),
            )).inserted_primary_key[0]
            _insert_people_and_clauses(conn, doc_id, None, record.signatories, record.clauses)
            for n, agreement in enumerate(record.agreements):
                agreement_id = conn.execute(insert(agreements).values(
                    document_id=doc_id, position=n, title=agreement.title, date=_iso_date(agreement.date),
                    effective=agreement.effective,
                    termination_days=agreement.termination_notice.days if agreement.termination_notice else None,
                    duration_days=agreement.duration.days if agreement.duration else None,
                )).inserted_primary_key[0]
                for name in agreement.parties:
                    aliases = " ".join(agreement.party_aliases.get(name, []))
                    conn.execute(insert(parties).values(agreement_id=agreement_id, name=name,
                                                        search_name=squash(f"{name} {aliases}")))
                _insert_people_and_clauses(conn, doc_id, agreement_id, agreement.signatories, agreement.clauses)
            if record.plan:
                period = record.plan.period
                plan_id = conn.execute(insert(plans).values(
                    document_id=doc_id, plan_type=record.plan.plan_type, area=record.plan.area,
                    start_year=period.start_year if period else None, end_year=period.end_year if period else None,
                    fiscal_year=record.plan.fiscal_year, vision=record.plan.vision,
                )).inserted_primary_key[0]
                for issue in record.plan.strategic_issues:
                    for project in issue.projects:
                        conn.execute(insert(projects).values(plan_id=plan_id, issue_label=issue.label,
                                                             issue_title=issue.title, name=project.name,
                                                             owner=project.owner, budget_baht=project.budget_baht))
            from models import search_index

            search_index.index_record(conn, doc_id, record, body)
            return LoadResult(doc_id, inserted=True)
    except Exception as exc:
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"database refused the record: {exc}", path=record.source.path) from exc


def has_document(engine: Engine, sha256: str) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(documents.c.id).where(documents.c.sha256 == sha256)) is not None


@dataclass(frozen=True)
class Query:
    text: str | None = None
    party: str | None = None
    signatory: str | None = None
    clause: str | None = None
    doc_type: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 20


def _contains(column, needle: str):
    return column.contains(squash(needle), autoescape=True)


def search(engine: Engine, query: Query) -> list[dict]:
    """Documents matching every given condition, newest first, with the agreement titles that matched."""
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
    statement = (select(documents.c.id, documents.c.path, documents.c.doc_type, documents.c.number,
                        documents.c.date, documents.c.subject, documents.c.issuer, agencies.c.name.label("agency"),
                        documents.c.record)
                 .select_from(documents.outerjoin(agencies, agencies.c.code == documents.c.agency_code))
                 .where(and_(*conditions) if conditions else True)
                 .order_by(documents.c.date.desc().nulls_last(), documents.c.id).limit(query.limit))
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(statement)]
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


__all__ = ["connect", "load_record", "has_document", "search", "Query", "counts", "export_records", "squash"]
