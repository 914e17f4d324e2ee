"""The search index and the entities beside the tables, written in the record's own transaction.

Each stored document gets, per kind of value (parties, signers, clauses, text):
- its words (models/search_text.py) in a full-text index: SQLite FTS5 with ``unicode61`` told to
  keep Thai vowels and tone marks as letters (``categories 'L* N* Co M*'``), or PostgreSQL
  ``to_tsvector('simple', …)`` with a GIN index;
- a folded shadow (tone marks dropped, OCR-confusable letters made one, digits Arabic) under a
  trigram index (FTS5 ``trigram``, or ``pg_trgm``), which answers any substring of three letters
  or more, so nothing the old substring search found is lost;
- links from each party, issuer, signer's office and number code to an agency, with a confidence;
- a person key per signer (name without honorifics, folded), grouping OCR variants of one person.

A query is answered tier by tier: words and agencies first (ranked), then the shadow, then (for
one- and two-letter queries the trigram index cannot hold) a scan; close names are suggested
(rapidfuzz, ``processor=None`` so Thai marks count) when nothing matches.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from threading import Lock

from rapidfuzz import fuzz, process
from sqlalchemy import (Column, Float, ForeignKey, Integer, String, Table, Text, and_, bindparam, insert,
                        literal_column, select, text)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from models.agencies import Agency, shipped_agencies
from models.db import Query, agreements, clauses, documents, metadata, parties, signatories
from models.errors import StoreError
from models.record import Record
from models.search_text import IndexText, fold, person_key, segmented, squash

log = logging.getLogger(__name__)

org_entities = Table(
    "org_entities", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("kind", String(32)),
    Column("parent_id", Integer, ForeignKey("org_entities.id")),
    Column("number_prefix", String(32)),
    Column("founded", String(10)),
    Column("successor_id", Integer, ForeignKey("org_entities.id")),
    Column("successor_on", String(10)),
    Column("source", String(16), nullable=False),
)
org_names = Table(
    "org_names", metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("org_entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", Text, nullable=False, index=True),
)
org_links = Table(
    "org_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("org_id", Integer, ForeignKey("org_entities.id"), index=True),
    Column("confidence", Float, nullable=False),
)
people = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("position", Text),
    Column("key", Text, nullable=False, index=True),
    Column("org_id", Integer, ForeignKey("org_entities.id")),
)

KINDS = ("parties", "signers", "clauses", "text")
_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
# The FTS5 tables hold no text (contentless), so a document's postings can only be taken out by a
# 'delete' command given the very values indexed (the bundled SQLite, 3.40, predates
# contentless_delete). search_docs keeps those values, as PostgreSQL's table of the same name does,
# and its triggers write and unwrite both indexes: replacing or deleting a document (a cascade from
# documents included) cannot leave its old words behind.
# The whole text has FTS5 tables of its own, apart from the short values (parties, signers,
# clauses): FTS5 keeps one position list per row for all of a table's columns, so in one table a
# clause query read every common word's positions in 100,000 bodies (SQLite clause p95 51-85 ms).
_VALUES = ("parties", "signers", "clauses")
_FTS = {"search_value_words": (_VALUES, "w", f'"{_TOKENIZER}"'), "search_text_words": (("text",), "w", f'"{_TOKENIZER}"'),
        "search_value_shadow": (_VALUES, "f", "'trigram'"), "search_text_shadow": (("text",), "f", "'trigram'")}


def _fts_table(kind: str, part: str) -> str:
    """The FTS5 table holding one kind of value's words (part "words") or folded shadow ("shadow")."""
    return f"search_{'text' if kind == 'text' else 'value'}_{part}"


def _fts_insert(table: str, row: str, delete: bool = False) -> str:
    columns, prefix, _ = _FTS[table]
    head = f"{table}, " if delete else ""
    values = ("'delete', " if delete else "") + f"{row}.document_id, " + ", ".join(f"{row}.{prefix}_{k}" for k in columns)
    return f"INSERT INTO {table} ({head}rowid, {', '.join(columns)}) VALUES ({values}); "


_SQLITE_DDL = [
    "CREATE TABLE IF NOT EXISTS search_docs (document_id INTEGER PRIMARY KEY REFERENCES documents(id) "
    "ON DELETE CASCADE, " + ", ".join(f"w_{k} TEXT NOT NULL, f_{k} TEXT NOT NULL" for k in KINDS) + ")",
    *(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(columns)}, content='', tokenize={tokenize})"
      for table, (columns, _, tokenize) in _FTS.items()),
    "CREATE TRIGGER IF NOT EXISTS search_docs_indexed AFTER INSERT ON search_docs BEGIN "
    + "".join(_fts_insert(table, "new") for table in _FTS) + "END",
    "CREATE TRIGGER IF NOT EXISTS search_docs_forgotten AFTER DELETE ON search_docs BEGIN "
    + "".join(_fts_insert(table, "old", delete=True) for table in _FTS) + "END",
]
_PG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS search_docs (document_id integer PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, "
    + ", ".join(f"w_{k} tsvector NOT NULL, f_{k} text NOT NULL" for k in KINDS) + ")",
    *(f"CREATE INDEX IF NOT EXISTS search_docs_w_{k} ON search_docs USING gin (w_{k})" for k in KINDS),
    # {trgm}: the schema pg_trgm lives in, so the operator class is found whatever the search_path
    *(f"CREATE INDEX IF NOT EXISTS search_docs_f_{k} ON search_docs USING gin (f_{k} {{trgm}}.gin_trgm_ops)"
      for k in KINDS),
]
_TRGM_SCHEMA = ("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'pg_trgm'")
# Confidence of an agency link by how the name was found.
_EXACT, _EXACT_OTHER_NAME, _CONTAINED, _FUZZY_CUTOFF = 1.0, 0.95, 0.85, 90


def org_key(name: str) -> str:
    """How an agency name is compared: folded, dots and brackets gone (สถ. = สถ, ThaiHealth = thaihealth).

    >>> org_key("สถ.") == org_key("สถ") and org_key("Department of Local Administration") == org_key("department oflocal administration")
    True
    """
    return "".join(ch for ch in fold(name) if ch not in ".()[]\"'")


def install(engine: Engine) -> None:
    """Create the index (tables are made by models.db.connect) and load the shipped agencies once."""
    statements = _PG_DDL if engine.dialect.name == "postgresql" else _SQLITE_DDL
    try:
        with engine.begin() as conn:
            refill = engine.dialect.name == "sqlite" and _leave_one_table_layout(conn)
            for statement in statements:
                if "{trgm}" in statement:
                    schema = conn.scalar(text(_TRGM_SCHEMA))
                    statement = statement.replace("{trgm}", '"' + schema.replace('"', '""') + '"')
                conn.execute(text(statement))
            if refill:
                _refill(conn)
            if conn.scalar(select(org_entities.c.id).limit(1)) is None:
                _store_agencies(conn, shipped_agencies())
            missing = list(conn.scalars(text("SELECT id FROM documents WHERE id NOT IN "
                                             "(SELECT document_id FROM search_docs) ORDER BY id")))
        if missing:
            reindex(engine, missing)
    except (IntegrityError, OperationalError):
        raise  # another run making the same tables at this moment: models.db.connect tries again
    except Exception as exc:
        raise StoreError(f"cannot create the search index: {str(exc).splitlines()[0]}") from exc


def _leave_one_table_layout(conn: Connection) -> bool:
    """Drop the FTS5 tables of the layout before (all kinds in one table) and their triggers; True when
    search_docs holds the values to index again from. An index older still, made before search_docs
    kept its values, had postings nobody could take out: its documents are indexed again from their
    records (install's ``missing``), so their links and people go too."""
    old = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                                "('search_words', 'search_shadow')")))
    if not old:
        return False
    kept = conn.scalar(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_docs'"))
    kept = kept and conn.scalar(text("SELECT document_id FROM search_docs LIMIT 1")) is not None
    log.info("the search index moves the whole text to FTS5 tables of its own%s",
             "" if kept else "; documents indexed before search_docs kept their values are indexed again")
    if not kept:
        conn.execute(text("DROP TABLE IF EXISTS search_docs"))
        conn.execute(org_links.delete())
        conn.execute(people.delete())
    for trigger in ("search_docs_indexed", "search_docs_forgotten"):
        conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    for table in sorted(old):
        conn.execute(text(f"DROP TABLE {table}"))
    return bool(kept)


def _refill(conn: Connection) -> None:
    """The FTS5 tables filled from the values search_docs keeps (no segmentation needed)."""
    for table, (columns, prefix, _) in _FTS.items():
        conn.execute(text(f"INSERT INTO {table} (rowid, {', '.join(columns)}) SELECT document_id, "
                          + ", ".join(f"{prefix}_{k}" for k in columns) + " FROM search_docs"))


def forget_record(conn: Connection, document_id: int) -> None:
    """Take a document out of the index, its agency links and its people, inside the caller's
    transaction (before its record is replaced or it is deleted)."""
    conn.execute(text("DELETE FROM search_docs WHERE document_id = :id"), {"id": document_id})
    conn.execute(org_links.delete().where(org_links.c.document_id == document_id))
    conn.execute(people.delete().where(people.c.document_id == document_id))


def reindex(engine: Engine, document_ids: list[int]) -> None:
    """Index documents stored before the index existed, from their record and their stored text
    (white space was not kept, which Thai segmentation does not need)."""
    log.info("indexing %d stored documents", len(document_ids))
    for start in range(0, len(document_ids), 500):
        with engine.begin() as conn:
            for row in conn.execute(select(documents.c.id, documents.c.record, documents.c.search_text)
                                    .where(documents.c.id.in_(document_ids[start:start + 500]))):
                forget_record(conn, row.id)  # links or people left by a run stopped half-way
                index_record(conn, row.id, Record.model_validate(row.record), row.search_text)


def _store_agencies(conn: Connection, entries: list[Agency]) -> int:
    """Insert or extend agencies; parents and successors resolved by name once all are present."""
    ids = dict(conn.execute(select(org_entities.c.name, org_entities.c.id)).all())
    known = {(row.org_id, row.key) for row in conn.execute(select(org_names.c.org_id, org_names.c.key))}
    added = 0
    for entry in entries:
        if entry.name not in ids:
            ids[entry.name] = conn.execute(insert(org_entities).values(
                name=entry.name, kind=entry.kind, number_prefix=entry.number_prefix, founded=entry.founded,
                successor_on=entry.successor_on, source=entry.source)).inserted_primary_key[0]
            added += 1
        names = [{"org_id": ids[entry.name], "name": name, "kind": kind, "key": org_key(name)}
                 for name, kind in entry.names() if (ids[entry.name], org_key(name)) not in known]
        known |= {(n["org_id"], n["key"]) for n in names}
        if names:
            conn.execute(insert(org_names), names)
    for entry in entries:
        values = {}
        for attr, column in (("parent", "parent_id"), ("successor", "successor_id")):
            name = getattr(entry, attr)
            if name:
                if name not in ids:
                    ids[name] = conn.execute(insert(org_entities).values(name=name, source=entry.source)) \
                        .inserted_primary_key[0]
                    conn.execute(insert(org_names).values(org_id=ids[name], name=name, kind="name", key=org_key(name)))
                values[column] = ids[name]
        for attr in ("kind", "number_prefix", "founded", "successor_on"):
            if getattr(entry, attr):
                values[attr] = getattr(entry, attr)
        if values:
            conn.execute(org_entities.update().where(org_entities.c.id == ids[entry.name]).values(**values))
    _Linker.forget()
    return added


def load_agencies(engine: Engine, entries: list[Agency]) -> int:
    """An archive's agencies added to the table (names merged into agencies of the same name)."""
    with engine.begin() as conn:
        return _store_agencies(conn, entries)


class _Linker:
    """Agency names of one database, kept in memory for linking at store time."""

    _cache: dict[str, "_Linker"] = {}
    _lock = Lock()

    def __init__(self, conn: Connection):
        rows = conn.execute(select(org_names.c.org_id, org_names.c.key, org_names.c.kind)).all()
        self.exact: dict[str, list[tuple[int, str]]] = {}
        for org_id, key, kind in rows:
            self.exact.setdefault(key, []).append((org_id, kind))
        # Names long enough to be found inside a longer text (a position, a party with its address).
        self.contained = sorted({(key, org_id) for org_id, key, kind in rows if kind != "code" and len(key) >= 6},
                                key=lambda pair: -len(pair[0]))
        self.keys = list(self.exact)
        self.by_code = {key: ids[0][0] for key, ids in self.exact.items() if any(k == "code" for _, k in ids)}

    @classmethod
    def of(cls, bind: Engine | Connection) -> "_Linker":
        url = str(bind.engine.url)
        with cls._lock:
            if url not in cls._cache:
                if isinstance(bind, Connection):
                    cls._cache[url] = cls(bind)
                else:
                    with bind.connect() as conn:
                        cls._cache[url] = cls(conn)
            return cls._cache[url]

    @classmethod
    def forget(cls) -> None:
        with cls._lock:
            cls._cache.clear()

    def link(self, name: str, contained: bool = True) -> tuple[int | None, float]:
        key = org_key(name)
        if not key:
            return None, 0.0
        if key in self.exact:
            org_id, kind = self.exact[key][0]
            return org_id, _EXACT if kind == "name" else _EXACT_OTHER_NAME
        if contained:
            for known, org_id in self.contained:
                if known in key:
                    return org_id, _CONTAINED
        best = process.extractOne(key, self.keys, scorer=fuzz.ratio, processor=None, score_cutoff=_FUZZY_CUTOFF)
        if best:
            return self.exact[best[0]][0][0], round(best[1] / 100 * 0.9, 3)
        return None, 0.0


def warm(engine: Engine) -> None:
    """Build now what storing the first record would: the word list and the agency names in memory."""
    segmented("ส่งเสริมการปกครองท้องถิ่น")
    _Linker.of(engine)


@dataclass(frozen=True)
class IndexEntry:
    """What one record adds to the index, worked out before the write transaction opens (the words
    segmented, the shadow folded, the names linked), so that the transaction only inserts."""

    words: dict[str, str]
    shadow: dict[str, str]
    links: list[dict]
    people: list[dict]


def index_entry(bind: Engine | Connection, record: Record, body: str,
                index_text: IndexText | None = None) -> IndexEntry:
    """``index_text`` when it was made beforehand from this very record and body (IndexText.of, as a
    worker process makes it beside the extraction), else made here."""
    index_text = index_text or IndexText.of(record, body)
    words, shadow = index_text.words, index_text.shadow
    linker = _Linker.of(bind)
    links = []
    for agreement in record.agreements:
        for name in agreement.parties:
            org_id, confidence = linker.link(name)
            for alias in agreement.party_aliases.get(name, []):
                if org_id is None:
                    org_id, confidence = linker.link(alias, contained=False)
            links.append({"role": "party", "text": name, "org_id": org_id, "confidence": confidence})
    if record.issuer:
        links.append(dict(zip(("org_id", "confidence"), linker.link(record.issuer)), role="issuer", text=record.issuer))
    if record.number and record.number.agency_code:
        org_id = linker.by_code.get(org_key(record.number.agency_code))
        links.append({"role": "number", "text": record.number.agency_code, "org_id": org_id,
                      "confidence": _EXACT if org_id else 0.0})
    people_rows = []
    for person in [*record.signatories, *(p for a in record.agreements for p in a.signatories)]:
        office = person.acting or person.position
        org_id = None
        if office:
            org_id, confidence = linker.link(office)
            links.append({"role": "signer_office", "text": office, "org_id": org_id, "confidence": confidence})
        people_rows.append({"name": person.name, "position": person.position, "key": person_key(person.name),
                            "org_id": org_id})
    return IndexEntry(words, shadow, links, people_rows)


def index_record(conn: Connection, document_id: int, record: Record, body: str,
                 entry: IndexEntry | None = None) -> None:
    """Index one stored record inside the caller's transaction (models.db.load_record), from
    ``entry`` when the caller worked it out beforehand."""
    entry = entry or index_entry(conn, record, body)
    # PostgreSQL keeps the words as a tsvector; on SQLite the table's triggers fill the FTS5 tables.
    words_value = "to_tsvector('simple', :w_{})" if conn.dialect.name == "postgresql" else ":w_{}"
    conn.execute(text(
        "INSERT INTO search_docs (document_id, " + ", ".join(f"w_{k}, f_{k}" for k in KINDS) + ") VALUES (:id, "
        + ", ".join(f"{words_value.format(k)}, :f_{k}" for k in KINDS) + ")"),
        {"id": document_id, **{f"w_{k}": entry.words[k] for k in KINDS}, **{f"f_{k}": entry.shadow[k] for k in KINDS}})
    if entry.links:
        conn.execute(insert(org_links), [{"document_id": document_id, **link} for link in entry.links])
    if entry.people:
        conn.execute(insert(people), [{"document_id": document_id, **row} for row in entry.people])


# ---------------------------------------------------------------------------------------------- search


SearchQuery = Query  # one query for both searches


@dataclass
class Hit:
    document_id: int
    path: str
    doc_type: str | None
    number: str | None
    date: str | None
    subject: str | None
    tier: int
    score: float
    matched: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    agreements: list[str | None] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class SearchResult:
    hits: list[Hit]
    suggestions: list[str] = field(default_factory=list)
    corrected: dict[str, str] = field(default_factory=dict)


_KIND_OF = {"text": "text", "party": "parties", "signatory": "signers", "clause": "clauses"}
_OLD_COLUMN = {"text": (documents.c.search_text, None), "parties": (parties.c.search_name, "party"),
               "signers": (signatories.c.search_text, "signatory"), "clauses": (clauses.c.search_text, "clause")}
TIER_WORDS, TIER_ENTITY, TIER_SHADOW, TIER_SCAN, TIER_RELATED = 0, 0, 1, 2, 3


def _fts_phrase(tokens: list[str], prefix: bool) -> str:
    phrase = " ".join(tokens).replace('"', '""')
    return f'"{phrase}"' + (" *" if prefix else "")


def _filters(query: SearchQuery, pg: bool) -> tuple[str, dict]:
    where, params = [], {}
    if query.doc_type:
        where.append("d.doc_type = :doc_type")
        params["doc_type"] = query.doc_type
    for name, op in (("since", ">="), ("until", "<=")):
        value = getattr(query, name)
        if value:
            where.append(f"d.date {op} :{name}")
            params[name] = date.fromisoformat(value) if pg else value
    return "".join(f" AND {w}" for w in where), params


# Word matches are ranked among the newest RANKED_POOL found: ranking every match of a common word
# would cost time in proportion to the archive (SQLite at 100,000 documents: a pool of 2,000, the
# oldest, took text queries to p95 36 ms and worst 61 ms, 500 newest to 26 and 35 ms).
RANKED_POOL = 500


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_tier(conn: Connection, kind: str, needle: str, query: SearchQuery, limit: int | None) -> list[tuple]:
    """Documents holding the query's words; a query shorter than three letters (a letter code, มท)
    as a word of its own first, then as the start of longer words (a prefix query reads every
    word it starts: 50 ms for พร at 100,000 documents), only if the first gave too few."""
    from models.search_text import words

    tokens = words(needle)
    if not tokens:
        return []
    if len("".join(tokens)) >= 3:
        return _word_query(conn, kind, needle, tokens, False, query, limit)
    rows = _word_query(conn, kind, needle, tokens, False, query, limit)
    if limit is None or len(rows) < limit:
        seen = {row[0] for row in rows}
        rows += [row for row in _word_query(conn, kind, needle, tokens, True, query, limit) if row[0] not in seen]
    return rows


def _word_query(conn: Connection, kind: str, needle: str, tokens: list[str], short: bool, query: SearchQuery,
                limit: int | None) -> list[tuple]:
    pg = conn.dialect.name == "postgresql"
    where, params = _filters(query, pg)
    join = " JOIN documents d ON d.id = {}" if where else ""
    pool = f" ORDER BY {_fts_table(kind, 'words')}.rowid DESC LIMIT {RANKED_POOL}" if limit else ""
    cap = f" LIMIT {int(limit)}" if limit else ""
    if pg:
        # Every word through GIN (an AND query needs no recheck), adjacency through the trigram
        # shadow, the first matches the index gives (then newest first). A phrase query (<->),
        # ts_rank or an ORDER BY would read every candidate: 100-370 ms p50 for two common words at
        # 10,000 documents against 34 ms this way (benchmarks/search.py).
        parts = [t.replace("'", "''") for t in tokens]
        params["q"] = " & ".join(f"'{p}'" for p in parts) + (":*" if short else "")
        condition = f"s.w_{kind} @@ to_tsquery('simple', :q)"
        if len(tokens) > 1:
            # Driven by the trigram index of the words run together: driven by the words, a query
            # whose words are common but never adjacent read 4,764 rows for none (445 ms at 100,000).
            # coalesce keeps the planner from the words' index, whose estimates mislead it here.
            condition = f"s.f_{kind} LIKE :adjacent AND coalesce({condition}, false)"
            params["adjacent"] = "%" + _escape_like(fold(needle)) + "%"
        sql = (f"SELECT s.document_id, 0.0 FROM search_docs s{join.format('s.document_id')} "
               f"WHERE {condition}{where}{cap}")
    else:
        params["q"] = f"{kind} : " + _fts_phrase(tokens, short)
        fts = _fts_table(kind, "words")
        sql = (f"SELECT id, score FROM (SELECT {fts}.rowid AS id, bm25({fts}) AS score "
               f"FROM {fts}{join.format(fts + '.rowid')} WHERE {fts} MATCH :q{where}{pool}) "
               f"ORDER BY score, id DESC{cap}")
    rows = [(row[0], float(row[1])) for row in _through_indexes(conn, sql, params, pg)]
    return sorted(rows, key=lambda row: -row[0]) if pg else rows


def _through_indexes(conn: Connection, sql: str, params: dict, pg: bool) -> list:
    """Rows of a query on search_docs; on PostgreSQL with sequential scans turned off for it. The
    planner prices a row's LIKE and @@ as if the text were at hand, but each row's text is read out
    of TOAST first (60-120 µs a row here), so on a table of a few thousand rows it scans them all:
    62 ms for a text query at 1,000 documents against about 1 ms through the GIN indexes."""
    if not pg:
        return conn.execute(text(sql), params).all()
    before = conn.execute(text("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")).one()[0]
    try:
        return conn.execute(text(sql), params).all()
    finally:
        conn.execute(text("SELECT set_config('enable_seqscan', :before, true)"), {"before": before})


def _shadow_tier(conn: Connection, kind: str, needle: str, query: SearchQuery, limit: int | None) -> list[tuple]:
    """Substrings of the folded shadow, newest stored first (PostgreSQL: the first found, newest first);
    below three letters, the old substring scan."""
    key = fold(needle)
    pg = conn.dialect.name == "postgresql"
    where, params = _filters(query, pg)
    cap = f" LIMIT {int(limit)}" if limit else ""
    if len(key) < 3:
        column, _ = _OLD_COLUMN[kind]
        table = column.table.name
        join = {"documents": "", "parties": " JOIN agreements a ON a.document_id = d.id JOIN parties t ON "
                "t.agreement_id = a.id", "signatories": " JOIN signatories t ON t.document_id = d.id",
                "clauses": " JOIN clauses t ON t.document_id = d.id"}[table]
        col = "d.search_text" if table == "documents" else f"t.{column.name}"
        distinct = "" if table == "documents" else "DISTINCT "
        sql = (f"SELECT {distinct}d.id FROM documents d{join} WHERE {col} LIKE :like ESCAPE '\\'"
               f"{where} ORDER BY d.id DESC{cap}")
        params["like"] = f"%{_escape_like(squash(needle))}%"
    elif pg:
        # The first matches the trigram index gives, not the newest: ORDER BY would recheck every
        # candidate (27,671 rows, 2.8 s for a six-letter query at 100,000 documents).
        join = " JOIN documents d ON d.id = s.document_id" if where else ""
        sql = f"SELECT s.document_id FROM search_docs s{join} WHERE s.f_{kind} LIKE :like{where}{cap}"
        params["like"] = "%" + _escape_like(key) + "%"
    else:
        fts = _fts_table(kind, "shadow")
        join = f" JOIN documents d ON d.id = {fts}.rowid" if where else ""
        sql = (f"SELECT {fts}.rowid FROM {fts}{join} WHERE {fts} MATCH :q{where} "
               f"ORDER BY {fts}.rowid DESC{cap}")
        params["q"] = f"{kind} : " + '"' + key.replace('"', '""') + '"'
    return sorted(((row[0], 0.0) for row in _through_indexes(conn, sql, params, pg and len(key) >= 3)),
                  key=lambda row: -row[0])


def containing_text(dialect: str, needle: str):
    """A condition on documents: its text holds ``needle`` as the substring search reads it (white
    space aside), found through the trigram shadow and checked against the text itself; below three
    letters, the plain substring match (the trigram index cannot hold it)."""
    exact = documents.c.search_text.contains(squash(needle), autoescape=True)
    key = fold(needle)
    if len(key) < 3:
        return exact
    if dialect == "postgresql":
        shadow = (select(literal_column("document_id")).select_from(text("search_docs"))
                  .where(text("f_text LIKE :shadow_like").bindparams(shadow_like="%" + _escape_like(key) + "%")))
    else:
        shadow = (select(literal_column("rowid")).select_from(text("search_text_shadow"))
                  .where(text("search_text_shadow MATCH :shadow_match")
                         .bindparams(shadow_match='text : "' + key.replace('"', '""') + '"')))
    return and_(documents.c.id.in_(shadow), exact)


def resolve_agencies(conn: Connection, name: str) -> tuple[list[int], float]:
    """Agencies a name stands for (name, abbreviation, English name, letter code), or the nearest."""
    key = org_key(name)
    ids = list(conn.scalars(select(org_names.c.org_id).where(org_names.c.key == key).distinct()))
    if ids:
        return ids, 1.0
    keys = dict(conn.execute(select(org_names.c.key, org_names.c.org_id)).all())
    best = process.extractOne(key, list(keys), scorer=fuzz.ratio, processor=None, score_cutoff=_FUZZY_CUTOFF)
    return ([keys[best[0]]], best[1] / 100) if best else ([], 0.0)


def _entity_tier(conn: Connection, needle: str, query: SearchQuery, limit: int | None) -> list[tuple]:
    """Documents with a party linked to the agency the query names (then to its predecessors)."""
    ids, confidence = resolve_agencies(conn, needle)
    if not ids:
        return []
    related = list(conn.scalars(select(org_entities.c.id).where(org_entities.c.successor_id.in_(ids))))
    pg = conn.dialect.name == "postgresql"
    where, params = _filters(query, pg)
    join = " JOIN documents d ON d.id = l.document_id" if where else ""
    cap = f" LIMIT {int(limit)}" if limit else ""
    out = []
    for group, score in ((ids, confidence), (related, confidence / 2)):
        if not group:
            continue
        sql = (f"SELECT DISTINCT l.document_id FROM org_links l{join} WHERE l.role = 'party' AND l.org_id IN :ids"
               f"{where} ORDER BY l.document_id DESC{cap}")
        statement = text(sql).bindparams(bindparam("ids", expanding=True))
        # Before any word match of the same tier: the agency itself was named.
        out += [(row[0], -1000.0 * score) for row in conn.execute(statement, {**params, "ids": group})]
    return out


def _person_tier(conn: Connection, found: list[int], needle: str) -> list[tuple]:
    """Other documents signed by the people the found ones name (one person, OCR variants folded)."""
    key = person_key(needle)
    if not found or len(key) < 3:
        return []
    keys = {k for k in conn.scalars(select(people.c.key).where(people.c.document_id.in_(found[:200]))) if key in k}
    if not keys:
        return []
    return [(doc_id, 0.0) for doc_id in conn.scalars(
        select(people.c.document_id).where(people.c.key.in_(sorted(keys))).distinct())]


def _matches(conn: Connection, kind: str, needle: str, query: SearchQuery, limit: int | None) -> list[tuple]:
    """(document id, tier, score) for one condition, best first."""
    ranked: dict[int, tuple[int, float]] = {}

    def add(rows, tier):
        for doc_id, score in rows:
            ranked.setdefault(doc_id, (tier, score))

    def enough():
        return limit is not None and len(ranked) >= limit

    if kind == "parties":
        add(_entity_tier(conn, needle, query, limit), TIER_ENTITY)
    if not enough():  # the agency's own documents rank before any word match: more would not be shown
        add(_word_tier(conn, kind, needle, query, limit), TIER_WORDS)
    if not enough():
        add(_shadow_tier(conn, kind, needle, query, None if limit is None else limit + len(ranked)),
            TIER_SCAN if len(fold(needle)) < 3 else TIER_SHADOW)
    if kind == "signers" and not enough():
        add(_person_tier(conn, list(ranked), needle), TIER_RELATED)
    ordered = sorted(ranked.items(), key=lambda item: (item[1][0], item[1][1]))
    return [(doc_id, tier, score) for doc_id, (tier, score) in ordered]


# Index words to suggest from are read from the newest documents only: reading every document's
# words (ts_stat, fts5vocab) takes seconds at 100,000 documents.
VOCABULARY_DOCUMENTS = 2000


@dataclass(frozen=True)
class Vocabulary:
    """Names (or index words) to suggest from, with their folded forms and lengths worked out once."""

    names: list[str]
    folded: list[str]
    known: frozenset[str]
    by_length: dict[int, list[int]]

    @classmethod
    def of(cls, names: list[str]) -> "Vocabulary":
        names = sorted(set(names))
        by_length: dict[int, list[int]] = {}
        for i, name in enumerate(names):
            by_length.setdefault(len(name), []).append(i)
        return cls(names, [fold(n) for n in names], frozenset(names), by_length)

    def near_in_length(self, low: int, high: int) -> list[int]:
        return [i for n in range(max(0, low), high + 1) for i in self.by_length.get(n, ())]


_vocabularies: dict[tuple[str, str], tuple[tuple, Vocabulary]] = {}
_vocabularies_lock = Lock()


def _vocabulary_stamp(conn: Connection, kind: str) -> tuple:
    """What changes when the vocabulary may have: the newest row of the tables it is read from
    (a document made again keeps its id, so its new words wait for the next document stored)."""
    if kind == "parties":
        return conn.execute(select(text("(SELECT max(id) FROM org_names)"), text("(SELECT max(id) FROM parties)"))).one()
    if kind == "signers":
        return (conn.scalar(text("SELECT max(id) FROM people")),)
    return (conn.scalar(text("SELECT max(document_id) FROM search_docs")),)


def _vocabulary(conn: Connection, kind: str) -> Vocabulary:
    """Names to suggest from: agencies and party names for parties, signers' names, else index words;
    kept per database until a newer row is stored."""
    key, stamp = (str(conn.engine.url), kind), _vocabulary_stamp(conn, kind)
    with _vocabularies_lock:
        cached = _vocabularies.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    vocabulary = Vocabulary.of(_read_vocabulary(conn, kind))
    with _vocabularies_lock:
        _vocabularies[key] = (stamp, vocabulary)
    return vocabulary


def _read_vocabulary(conn: Connection, kind: str) -> list[str]:
    if kind == "parties":
        names = {*conn.scalars(select(org_names.c.name)), *conn.scalars(select(parties.c.name).distinct())}
        return [n for n in names if len(n) > 2]
    if kind == "signers":
        return list(conn.scalars(select(people.c.name).distinct()))
    newest = f"SELECT w_{kind} AS w FROM search_docs ORDER BY document_id DESC LIMIT {VOCABULARY_DOCUMENTS}"
    if conn.dialect.name == "postgresql":
        return list(conn.scalars(text(f"SELECT DISTINCT word FROM (SELECT unnest(tsvector_to_array(w)) AS word "
                                      f"FROM ({newest}) newest) words WHERE length(word) > 2")))
    found: set[str] = set()
    for value in conn.scalars(text(newest)):
        found.update(value.split())
    return [w for w in found if len(w) > 2]


def suggest(conn: Connection, kind: str, needle: str, limit: int = 5,
            vocabulary: Vocabulary | None = None) -> list[tuple[str, float]]:
    """Known names nearest to a query, by edit similarity over the folded forms (Thai marks count)."""
    vocabulary = _vocabulary(conn, kind) if vocabulary is None else vocabulary
    key = fold(needle)
    spread = max(4, len(needle) // 2)
    near = vocabulary.near_in_length(len(needle) - spread, len(needle) + spread)
    scored = process.extract(key, [vocabulary.folded[i] for i in near], scorer=fuzz.ratio, processor=None,
                             limit=limit * 3, score_cutoff=70)
    out, seen = [], set()
    for _, score, index in scored:
        name = vocabulary.names[near[index]]
        exact = fuzz.ratio(squash(needle), squash(name), processor=None)  # unfolded: tone marks decide ties
        if name not in seen:
            seen.add(name)
            out.append((name, round(score * 0.8 + exact * 0.2, 1)))
    return sorted(out, key=lambda pair: -pair[1])[:limit]


def correct_words(conn: Connection, kind: str, needle: str, vocabulary: Vocabulary | None = None) -> str | None:
    """The query with its unknown words replaced by the nearest indexed word, or None.

    A misspelt word is cut into pieces by segmentation (ความร่วมมอ → ความ ร่วม มอ), so runs of up to
    three pieces around each unknown piece are compared with the index's words.
    """
    from models.search_text import words

    tokens = words(needle)
    vocabulary = _vocabulary(conn, kind) if vocabulary is None else vocabulary
    known = vocabulary.known
    out, i, changed = [], 0, False
    while i < len(tokens):
        if tokens[i] in known and not any(t not in known for t in tokens[i + 1:i + 3]):
            out.append(tokens[i])
            i += 1
            continue
        best = None
        for size in (3, 2, 1):
            span = "".join(tokens[i:i + size])
            if size > len(tokens) - i or len(span) < 3:
                continue
            pool = [vocabulary.names[j] for j in vocabulary.near_in_length(len(span) - 2, len(span) + 2)]
            found = process.extractOne(span, pool, scorer=fuzz.ratio, processor=None, score_cutoff=85)
            if found and (best is None or found[1] > best[1]):
                best = (found[0], found[1], size)
        if best and best[0] != "".join(tokens[i:i + best[2]]):
            out.append(best[0])
            i += best[2]
            changed = True
        else:
            out.append(tokens[i])
            i += 1
    return "".join(out) if changed else None


def mark(value: str | None, needle: str, width: int = 40, transforms=(squash, fold)) -> str | None:  # noqa: ANN001
    """The part of a value that matched, bracketed, with some context; tone marks and OCR letters forgiven.

    >>> mark("ลงนามโดย นายชาญนะ เอี่ยมแสง รองอธิบดี", "เอียมแสง")
    'ลงนามโดย นายชาญนะ [เอี่ยมแสง] รองอธิบดี'
    """
    if not value:
        return None
    for transform in transforms:
        key = transform(needle)
        whole = transform(value)
        pos = whole.find(key) if key else -1
        if pos < 0:
            continue
        if whole == value:
            # Already in that form (documents.search_text is stored squashed): the offsets are the
            # same. Bisecting there squashed prefixes of the whole text, 20 ms of a 20-hit text query.
            start, end = pos, pos + len(key)
        else:
            # Original offsets by bisection over prefixes: the transforms only drop or fold characters.
            pieces = _pieces(value, transform, whole)
            start = _first_prefix(value, transform, pos + 1, pieces) - 1
            end = _first_prefix(value, transform, pos + len(key), pieces)
        while end < len(value) and not transform(value[end]) and not value[end].isspace():
            end += 1  # a tone mark the query left out belongs to the match
        head = value[max(0, start - width):start]
        tail = value[end:end + width]
        return (("…" if start > width else "") + head + "[" + value[start:end] + "]" + tail
                + ("…" if end + width < len(value) else ""))
    return None


_NON_SPACE = re.compile(r"\S+")


def _pieces(value: str, transform, whole: str) -> tuple[list[int], list[int]] | None:  # noqa: ANN001
    """Where each white-space-separated piece of value starts, and the transformed length before it,
    when transforming piece by piece gives the whole's transform (it does unless a fold spans a
    space); the prefix bisection then runs inside one piece instead of over the whole text, each of
    whose steps transforms a prefix of up to the whole text (14 ms a text query of 20 hits)."""
    starts, before, done = [], [], 0
    for found in _NON_SPACE.finditer(value):
        starts.append(found.start())
        before.append(done)
        done += len(transform(found.group()))
    return (starts, before) if done == len(whole) else None


def _first_prefix(value: str, transform, length: int,  # noqa: ANN001
                  pieces: tuple[list[int], list[int]] | None = None) -> int:
    """The shortest prefix of value whose transformed form is at least `length` long."""
    if pieces and pieces[0]:
        starts, before = pieces
        k = bisect_left(before, length) - 1  # the last piece whose transform begins before `length`
        if k >= 0:
            low, high = starts[k], (starts[k + 1] if k + 1 < len(starts) else len(value))
            while low < high:
                middle = (low + high) // 2
                if before[k] + len(transform(value[starts[k]:middle])) >= length:
                    high = middle
                else:
                    low = middle + 1
            return low
    low, high = 0, len(value)
    while low < high:
        middle = (low + high) // 2
        if len(transform(value[:middle])) >= length:
            high = middle
        else:
            low = middle + 1
    return low


def _first_marks(values: list, needles: tuple[str, ...], most: int = 3) -> list[str]:
    """Up to `most` marked values: exact matches looked for in every value before tolerant ones."""
    for transform in (squash, fold):
        found = []
        for value in values:
            for needle in needles:
                marked = mark(value, needle, transforms=(transform,))
                if marked:
                    found.append(marked)
                    break
            if len(found) >= most:
                break
        if found:
            return found
    return []


def _snippets(values_by_kind: dict, kind: str, needle: str, also: tuple[str, ...] = ()) -> list[str]:
    values = values_by_kind.get(kind, [])
    if kind == "text":
        found = _first_marks(values[:2], (needle,)) or _first_marks(values[2:], (needle,))
    else:
        found = _first_marks(values, (needle,))
    if not found and kind == "parties":  # matched through the agency: the party printed under another of its names
        found = [f"{m} = {needle}" for m in _first_marks(values, also)]
    return found


def _values(conn: Connection, ids: list[int], kinds: set[str]) -> dict[int, dict[str, list[str]]]:
    """What snippets are cut from, read from the tables rather than each record's JSON."""
    out: dict[int, dict[str, list[str]]] = {i: {"parties": [], "signers": [], "clauses": [], "text": [],
                                                "titles": []} for i in ids}
    for doc_id, title, name in conn.execute(
            select(agreements.c.document_id, agreements.c.title, parties.c.name)
            .join(parties, parties.c.agreement_id == agreements.c.id, isouter=True)
            .where(agreements.c.document_id.in_(ids)).order_by(agreements.c.position, parties.c.id)):
        if title not in out[doc_id]["titles"]:
            out[doc_id]["titles"].append(title)
        if name:
            out[doc_id]["parties"].append(name)
    if "signers" in kinds:
        for doc_id, name, position in conn.execute(select(signatories.c.document_id, signatories.c.name,
                                                          signatories.c.position).where(signatories.c.document_id.in_(ids))):
            out[doc_id]["signers"].append(" ".join(v for v in (name, position) if v))
    if "clauses" in kinds:
        for doc_id, label, body in conn.execute(select(clauses.c.document_id, clauses.c.label, clauses.c.text)
                                                .where(clauses.c.document_id.in_(ids))):
            out[doc_id]["clauses"].append(f"{label} {body}")
    return out


def _conditions(query: SearchQuery) -> list[tuple[str, str]]:
    return [(kind, getattr(query, attr)) for attr, kind in
            (("party", "parties"), ("signatory", "signers"), ("clause", "clauses"), ("text", "text"))
            if getattr(query, attr)]


def _ranked(conn: Connection, query: SearchQuery, result: SearchResult) -> list[tuple]:
    """(document id, tier, score) best first; corrections and suggestions noted on result."""
    conditions = _conditions(query)
    limit = query.limit
    if not conditions:
        where, params = _filters(query, conn.dialect.name == "postgresql")
        cap = f" LIMIT {int(limit)}" if limit else ""
        rows = conn.execute(text(f"SELECT d.id FROM documents d WHERE 1=1{where} ORDER BY d.date DESC, d.id{cap}"),
                            params)
        return [(row[0], 0, 0.0) for row in rows]
    ranked = None
    for kind, needle in conditions:
        matches = _matches(conn, kind, needle, query, limit if len(conditions) == 1 else None)
        if not matches:
            vocabulary = _vocabulary(conn, kind)
            names = suggest(conn, kind, needle, vocabulary=vocabulary)
            fixed = names[0][0] if names and names[0][1] >= 90 else None
            if fixed is None and kind in ("text", "clauses"):
                fixed = correct_words(conn, kind, needle, vocabulary)
            if fixed:
                result.corrected[needle] = fixed
                matches = _matches(conn, kind, fixed, query, limit if len(conditions) == 1 else None)
            result.suggestions += [n for n, _ in names if n != fixed]
        if ranked is None:
            ranked = matches
        else:
            keep = {m[0] for m in matches}
            ranked = [r for r in ranked if r[0] in keep]
    return ranked[:limit] if limit else ranked


def search_ids(engine: Engine, query: SearchQuery) -> list[int]:
    """The documents search() answers, best first, without reading what matched in each."""
    with engine.connect() as conn:
        return [doc_id for doc_id, _, _ in _ranked(conn, query, SearchResult(hits=[]))]


def search(engine: Engine, query: SearchQuery) -> SearchResult:
    """Documents meeting every condition, best first, each with what matched."""
    conditions = _conditions(query)
    result = SearchResult(hits=[])
    with engine.connect() as conn:
        ranked = _ranked(conn, query, result)
        if not ranked:
            return result
        ids = [r[0] for r in ranked]
        names_of = {}
        for kind, needle in conditions:
            if kind == "parties":
                orgs, _ = resolve_agencies(conn, result.corrected.get(needle, needle))
                names_of[needle] = tuple(conn.scalars(select(org_names.c.name).where(org_names.c.org_id.in_(orgs))
                                                      .where(org_names.c.kind.in_(("name", "alias", "abbreviation")))))
        kinds = {kind for kind, _ in conditions}
        values = _values(conn, ids, kinds)
        columns = [documents.c.id, documents.c.path, documents.c.doc_type, documents.c.number, documents.c.date,
                   documents.c.subject]
        if "text" in kinds:
            columns.append(documents.c.search_text)
        rows = {row.id: row for row in conn.execute(select(*columns).where(documents.c.id.in_(ids)))}
    for doc_id, tier, score in ranked:
        row = rows[doc_id]
        own = values[doc_id]
        own["text"] = [row.subject, row.number, getattr(row, "search_text", None)]
        matched = []
        for kind, needle in conditions:
            used = result.corrected.get(needle, needle)
            matched += [f"{kind}: {m}" for m in _snippets(own, kind, used, names_of.get(needle, ()))]
        day = row.date.isoformat() if isinstance(row.date, date) else row.date
        result.hits.append(Hit(doc_id, row.path, row.doc_type, row.number, day, row.subject, tier, score, matched,
                               sorted(set(own["parties"])), own["titles"]))
    return result


# ---------------------------------------------------------------------------------------------- reading


def organisations(engine: Engine) -> tuple[list[dict], list[dict]]:
    """Agencies with how many documents name them (as party, issuer, number, signer's office), and
    the names no agency was found for."""
    with engine.connect() as conn:
        counts = {}
        for org_id, role, n in conn.execute(
                select(org_links.c.org_id, org_links.c.role, text("count(DISTINCT document_id)"))
                .where(org_links.c.org_id.is_not(None)).group_by(org_links.c.org_id, org_links.c.role)):
            counts.setdefault(org_id, {})[role] = n
        totals = dict(conn.execute(select(org_links.c.org_id, text("count(DISTINCT document_id)"))
                                   .where(org_links.c.org_id.is_not(None)).group_by(org_links.c.org_id)).all())
        names: dict[int, dict[str, list[str]]] = {}
        for org_id, name, kind in conn.execute(select(org_names.c.org_id, org_names.c.name, org_names.c.kind)
                                               .order_by(org_names.c.id)):
            names.setdefault(org_id, {}).setdefault(kind, []).append(name)
        entities = {row.id: row for row in conn.execute(select(org_entities))}
        unlinked = [dict(row._mapping) for row in conn.execute(
            select(org_links.c.role, org_links.c.text, text("count(*) AS documents")).where(org_links.c.org_id.is_(None))
            .group_by(org_links.c.role, org_links.c.text).order_by(text("documents DESC"), org_links.c.text))]
    out = []
    for org_id, row in entities.items():
        own = names.get(org_id, {})
        parent = entities.get(row.parent_id)
        successor = entities.get(row.successor_id)
        out.append({"id": org_id, "name": row.name, "kind": row.kind, "documents": totals.get(org_id, 0),
                    "roles": counts.get(org_id, {}), "abbreviations": own.get("abbreviation", []),
                    "english": own.get("english", []), "codes": own.get("code", []),
                    "parent": parent.name if parent else None,
                    "successor": successor.name if successor else None, "successor_on": row.successor_on})
    out.sort(key=lambda o: (-o["documents"], o["name"]))
    return out, unlinked


def person_groups(engine: Engine, name: str | None = None) -> list[dict]:
    """Signers grouped by person key: the names seen, the offices and the documents' dates."""
    statement = (select(people.c.key, people.c.name, people.c.position, documents.c.date, documents.c.id)
                 .join(documents, documents.c.id == people.c.document_id))
    if name:
        key = person_key(name)
        statement = statement.where(people.c.key.contains(key, autoescape=True))
    groups: dict[str, dict] = {}
    with engine.connect() as conn:
        for key, person, position, day, doc_id in conn.execute(statement):
            group = groups.setdefault(key, {"key": key, "names": [], "offices": [], "documents": set(), "dates": []})
            if person not in group["names"]:
                group["names"].append(person)
            if position and position not in group["offices"]:
                group["offices"].append(position)
            group["documents"].add(doc_id)
            if day:
                group["dates"].append(day.isoformat() if isinstance(day, date) else day)
    out = []
    for group in groups.values():
        group["documents"] = sorted(group["documents"])
        group["dates"] = sorted(set(group["dates"]))
        out.append(group)
    return sorted(out, key=lambda g: (-len(g["documents"]), g["key"]))


def stored_record(engine: Engine, document_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(documents.c.record, documents.c.path, documents.c.loaded_at)
                           .where(documents.c.id == document_id)).first()
        if row is None:
            return None
        links = [dict(r._mapping) for r in conn.execute(
            select(org_links.c.role, org_links.c.text, org_links.c.confidence, org_entities.c.name.label("agency"))
            .select_from(org_links.outerjoin(org_entities, org_entities.c.id == org_links.c.org_id))
            .where(org_links.c.document_id == document_id).order_by(org_links.c.id))]
    return {"record": row.record, "links": links}


__all__ = ["install", "index_record", "forget_record", "search", "search_ids", "SearchQuery", "SearchResult", "Hit", "organisations",
           "person_groups", "stored_record", "load_agencies", "containing_text", "resolve_agencies", "suggest", "mark", "org_key"]
