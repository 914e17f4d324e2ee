"""What the review desk keeps: reviewers' corrections (append-only) and the records with them
applied, the word boxes of each page, and the queue of values to review. Lists and exports are in
models/listing.py.

Corrections are keyed by the document's sha256 and a JSON pointer to the value, not by a row id, so
they outlive a re-extraction of the document: the new record comes in, the corrections go over it.
The stored record stays as extracted; every reader here sees it with its corrections.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from pydantic import ValidationError
from sqlalchemy import (JSON, Column, DateTime, Float, Integer, MetaData, String, Table, Text, and_, delete, func,
                        insert, or_, select)
from sqlalchemy.engine import Engine

from models import db, search_index
from models.catalog import agency_names
from models.errors import StoreError
from models.page_layout import PageLayout
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


def moment_in(engine: Engine, value: datetime) -> datetime:
    """A moment as the database compares it: SQLite keeps naive UTC text, PostgreSQL keeps zones."""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None) if engine.dialect.name == "sqlite" else value


def aware(value: datetime | None) -> datetime | None:
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
    out["created_at"] = aware(out["created_at"])
    return out


def changes_by_sha(conn, shas: list[str]) -> dict[str, list[dict]]:
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
        changes = changes_by_sha(conn, [sha256])[sha256]
    return document_of_row(row, changes)


def corrected_record(engine: Engine, sha256: str) -> dict | None:
    """The stored record with its reviewers' corrections applied (what ``show`` and exports print),
    or None when no document has that sha256."""
    document = get_document(engine, sha256)
    return document.record if document else None


def document_of_row(row, changes: list[dict]) -> Document:
    record, lost = apply_corrections(row.record, changes)
    return Document(row.id, row.sha256, row.path, row.media_type, aware(row.loaded_at), row.record, record,
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
        search_index.forget_record(conn, doc_id)
        agreement_ids = select(db.agreements.c.id).where(db.agreements.c.document_id == doc_id)
        plan_ids = select(db.plans.c.id).where(db.plans.c.document_id == doc_id)
        conn.execute(delete(db.parties).where(db.parties.c.agreement_id.in_(agreement_ids)))
        conn.execute(delete(db.projects).where(db.projects.c.plan_id.in_(plan_ids)))
        conn.execute(delete(db.signatories).where(db.signatories.c.document_id == doc_id))
        conn.execute(delete(db.clauses).where(db.clauses.c.document_id == doc_id))
        conn.execute(delete(db.agreements).where(db.agreements.c.document_id == doc_id))
        conn.execute(delete(db.plans).where(db.plans.c.document_id == doc_id))
        conn.execute(delete(db.documents).where(db.documents.c.id == doc_id))


# --- word boxes of each page ---------------------------------------------------------------------

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
                 for row in rows for item in values_to_review(document_of_row(row, []), FLAG_CEILING)]
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
