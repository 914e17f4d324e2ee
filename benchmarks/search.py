"""Search at archive scale: the segmented index against today's substring search, side by side.

Builds a database of N documents from real extracted records (the dev and practice corpora and
tests/gold_extra), each with a varied ~400-word body of real lines, three times on the same backend:
as saraban stored documents before the index (no index entry made or written: today's load), with
the index as ``saraban ingest`` stores it (the words and shadow made beforehand, as the extraction's
worker makes them, their time measured apart), and with the index made wholly in the store. Prints,
per backend: the store rates and their ratios, the ingest rate ratio they imply (the measured
extraction time per real document added to each, and the words' time to the index's), index size
per document, p50/p95 latency per query kind for both searches, and the recall of the new search
against the substring search on the same queries (every match, no limit).

    .venv/bin/python benchmarks/search.py --n 10000                      # SQLite
    .venv/bin/python benchmarks/search.py --n 10000 --pg-url postgresql+psycopg://…/saraban_bench
    .venv/bin/python benchmarks/search.py --n 100000 --backends sqlite

The PostgreSQL database given is emptied first. Query kinds: party, clause, text, signatory,
doc number (as printed, Arabic digits; the substring search finds nothing with Thai digits),
two-letter code. Each kind runs ``--queries`` queries drawn from the records (seed 7).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.process import extract_with_text  # noqa: E402
from models import db, search_index  # noqa: E402
from models.record import Record  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = [SHARED / "corpus/dev/docs", SHARED / "corpus/practice/docs", ROOT / "tests/gold_extra/docs"]
KINDS = ("party", "clause", "text", "signatory", "doc number", "two-letter code")
INGEST_BATCH = 64  # records a transaction at most, as saraban ingest stores a task's chunk (flows/ingest.py MAX_CHUNK)


def real_records(paths: list[Path]) -> tuple[list[tuple[Record, str]], float]:
    """Extracted records with their texts, and the mean extraction seconds per document (warm)."""
    files = [f for p in paths for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    out, seconds = [], []
    for n, path in enumerate(files):
        started = time.perf_counter()
        extracted = extract_with_text(path)
        if n:  # the first document pays for loading models and lexicons
            seconds.append(time.perf_counter() - started)
        out.append((extracted.record, extracted.text))
    return out, statistics.mean(seconds) if seconds else 0.0


def synthetic(records: list[tuple[Record, str]], n: int, seed: int = 7):
    """N (record, body) pairs: each a real record (new sha256, date, number) with a body of ~400 words
    of real lines, its own first lines first."""
    rng = random.Random(seed)
    lines = [line.strip() for _, text in records for line in text.splitlines() if len(line.strip()) > 20]
    for i in range(n):
        record, text = records[i % len(records)]
        own = [line.strip() for line in text.splitlines() if line.strip()][:8]
        body, size = list(own), sum(map(len, own))
        while size < 2400:
            line = rng.choice(lines)
            body.append(line)
            size += len(line)
        copy = record.model_copy(deep=True)
        copy.source.sha256 = hashlib.sha256(f"{i}:{copy.source.sha256}".encode()).hexdigest()
        copy.source.path = f"bench/{i:06d}_{Path(record.source.path).name}"
        year = rng.randint(2005, 2025)
        copy.date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if copy.number:
            copy.number.value = copy.number.value.rsplit(" ", 1)[0] + f" {rng.randint(1, 9999)}"
        yield copy, "\n".join(body)


def queries(records: list[tuple[Record, str]], count: int, seed: int = 7) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    from models.search_text import squash, words

    def pick(values, make):
        values = sorted(set(v for v in values if v))
        return [make(v) for v in rng.sample(values, min(count, len(values)))]

    party_names = [p for r, _ in records for a in r.agreements for p in a.parties]
    clause_bits = []
    for r, _ in records:
        for c in [*r.clauses, *(c for a in r.agreements for c in a.clauses)]:
            tokens = words(c.text)
            if len(tokens) > 6:
                start = rng.randrange(len(tokens) - 3)
                clause_bits.append("".join(tokens[start:start + 3]))
    text_bits = []
    for _, text in records:  # two words next to each other in the text, as a person would copy them
        tokens, squashed = words(text), squash(text)
        for _ in range(10):
            start = rng.randrange(max(1, len(tokens) - 3))
            bit = "".join(tokens[start:start + 2])
            if len(bit) >= 4 and not bit.isdigit() and bit in squashed:
                text_bits.append(bit)
                if len(text_bits) % 3 == 0:
                    break
    surnames = [p.name.split()[-1] for r, _ in records
                for p in [*r.signatories, *(p for a in r.agreements for p in a.signatories)] if " " in p.name]
    numbers = [r.number.value.rsplit(" ", 1)[0] for r, _ in records if r.number]
    codes = [r.number.agency_code for r, _ in records if r.number and r.number.agency_code]
    return {
        "party": pick(party_names, lambda v: {"party": v}),
        "clause": pick(clause_bits, lambda v: {"clause": v}),
        "text": pick(text_bits, lambda v: {"text": v}),
        "signatory": pick(surnames, lambda v: {"signatory": v}),
        "doc number": pick(numbers, lambda v: {"text": v}),
        "two-letter code": pick(codes, lambda v: {"text": v}),
    }


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def load(url: str, items, indexed: bool, durable: bool = True, batch: int | None = None) -> tuple[float, object]:
    """Store every item; the seconds it took and the engine. Items are (record, body) or (record, body,
    index_text): the index's words made beforehand, as the ingest's worker processes make them. Not
    indexed: no index entry made or written at all (today's load). Not durable: commits not flushed
    to disk (SQLite synchronous=OFF, PostgreSQL synchronous_commit=off), the same for every load.
    With ``batch``: items are db.ToStore, stored ``batch`` to a transaction (``db.load_records``, as
    ``saraban ingest`` stores a task's chunk); otherwise one transaction each (``db.load_record``)."""
    from sqlalchemy import event

    originals = search_index.index_entry, search_index.index_record
    if not indexed:
        search_index.index_entry = lambda *args, **kwargs: None
        search_index.index_record = lambda *args, **kwargs: None
    try:
        engine = db.connect(url)
        if not durable:
            engine.dispose()

            @event.listens_for(engine, "connect")
            def _no_flush(dbapi_connection, _record):  # noqa: ANN001
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA synchronous=OFF" if engine.dialect.name == "sqlite"
                               else "SET synchronous_commit = off")
                cursor.close()
        started = time.perf_counter()
        if batch:
            items = iter(items)
            while chunk := list(islice(items, batch)):
                refused = [r for r in db.load_records(engine, chunk) if isinstance(r, Exception)]
                if refused:
                    raise refused[0]
        else:
            for record, body, *index_text in items:
                db.load_record(engine, record, body, index_text=index_text[0] if index_text else None)
        return time.perf_counter() - started, engine
    finally:
        search_index.index_entry, search_index.index_record = originals


def with_index_text(items) -> tuple[list[tuple], float]:
    """(record, body, its IndexText) for each item, and the seconds making them took: the work the
    extraction's worker process does for the index before the store."""
    from models.search_text import IndexText

    items = list(items)
    started = time.perf_counter()
    out = [(record, body, IndexText.of(record, body)) for record, body in items]
    return out, time.perf_counter() - started


def with_entries(url: str, items) -> tuple[list, float]:
    """Each item as db.ToStore with its whole index entry (words, shadow, agency links, people), and
    the seconds making them took: what the ingest's worker process works out beside the extraction
    (flows/worker.py, search_index.index_entry) before the store's transaction opens."""
    items = list(items)
    engine = db.connect(url)
    search_index.warm(engine)  # the worker loads its word list and agency names before the first document
    started = time.perf_counter()
    out = [db.ToStore(record, body, entry=search_index.index_entry(engine, record, body)) for record, body in items]
    seconds = time.perf_counter() - started
    engine.dispose()
    return out, seconds


def size_bytes(engine, url: str) -> int:
    from sqlalchemy import text

    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT pg_database_size(current_database())")))
    return os.path.getsize(url.removeprefix("sqlite:///"))


def timed(run, repeat: int = 1) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def segmented_by_line(text: str | None) -> str:
    """models.search_text.segmented, each line segmented once: a line break ends every word, so
    the words of a text are its lines' words one after the other (the same index, built faster)."""
    return " ".join(word for line in (text or "").split("\n") for word in _line_words(line))


@functools.lru_cache(maxsize=200_000)
def _line_words(line: str) -> tuple[str, ...]:
    from models.search_text import words

    return tuple(words(line))


def fill(url: str, records, start: int, n: int, durable: bool) -> None:
    """The indexed database filled from document `start` up to n, untimed, with the same rows the
    timed load writes; the synthetic bodies repeat real lines, so segmenting each line once saves
    most of the index's time (the ingest path segments every document, and the timed loads do)."""
    from models import search_text

    original = search_text.segmented
    search_text.segmented = segmented_by_line
    try:
        load(url, islice(synthetic(records, n), start, None), indexed=True, durable=durable)
    finally:
        search_text.segmented = original


# Tables copied to grow a database: (name, columns holding ids of which table, rows kept by document id via)
_COPIED = [
    ("documents", {"id": "documents"}, "id <= :last"),
    ("readings", {"document_id": "documents"}, "document_id <= :last"),
    ("agreements", {"id": "agreements", "document_id": "documents"}, "document_id <= :last"),
    ("parties", {"id": "parties", "agreement_id": "agreements"},
     "agreement_id IN (SELECT id FROM agreements WHERE document_id <= :last)"),
    ("signatories", {"id": "signatories", "document_id": "documents", "agreement_id": "agreements"},
     "document_id <= :last"),
    ("clauses", {"id": "clauses", "document_id": "documents", "agreement_id": "agreements"}, "document_id <= :last"),
    ("plans", {"id": "plans", "document_id": "documents"}, "document_id <= :last"),
    ("projects", {"id": "projects", "plan_id": "plans"}, "plan_id IN (SELECT id FROM plans WHERE document_id <= :last)"),
    ("org_links", {"id": "org_links", "document_id": "documents"}, "document_id <= :last"),
    ("people", {"id": "people", "document_id": "documents"}, "document_id <= :last"),
    # SQLite: its triggers index each copied row in search_words and search_shadow; PostgreSQL: GIN as rows come
    ("search_docs", {"document_id": "documents"}, "document_id <= :last"),
]


def grow_by_copies(url: str, n: int) -> int:
    """The database's documents copied in SQL, with every row hanging from them and their index
    entries, under new ids and sha256, until it holds n; the documents it held before (built by
    the real load) are the only ones segmented. Returns how many documents it started from."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    with engine.begin() as conn:
        ids = list(conn.scalars(text("SELECT id FROM documents ORDER BY id")))
        columns = {name: [c["name"] for c in inspect(conn).get_columns(name)] for name, _, _ in _COPIED}
        top = {name: conn.scalar(text(f"SELECT max({'document_id' if name in ('readings', 'search_docs') else 'id'}) "
                                      f"FROM {name}")) or 0 for name, _, _ in _COPIED}
    base, copy = len(ids), 1
    while base * copy < n:
        last = ids[min(base, n - base * copy) - 1]
        with engine.begin() as conn:
            for name, shifted, kept in _COPIED:
                values = []
                for column in columns[name]:
                    if column in shifted:
                        values.append(f"{column} + {copy * top[shifted[column]]}")
                    elif name == "documents" and column == "sha256":
                        values.append(f"substr(sha256, 1, 56) || '{copy:08d}'")
                    else:
                        values.append(column)
                conn.execute(text(f"INSERT INTO {name} ({', '.join(columns[name])}) SELECT {', '.join(values)} "
                                  f"FROM {name} WHERE {kept.replace(':last', str(last))}"))
        print(f"copy {copy}: {min(base * (copy + 1), n)} documents", flush=True)
        copy += 1
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    return base


def count_documents(url: str) -> int:
    """Documents already stored at url (0 when there is no database there yet)."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0
    from sqlalchemy import create_engine, func, inspect, select

    engine = create_engine(url)
    try:
        return engine.connect().scalar(select(func.count()).select_from(db.documents)) \
            if inspect(engine).has_table("documents") else 0
    finally:
        engine.dispose()


def run_backend(name: str, url_for, records, n: int, qs: dict, extract_s: float, durable: bool = True,
                rate_n: int | None = None, reuse: bool = False, grow: bool = False) -> dict:
    """Both loads timed side by side on rate_n documents (n unless told), then the indexed database
    filled up to n and both searches timed on it: the substring search reads the same tables there
    as in a database without the index, so one database of n documents serves both."""
    rate_n = min(rate_n or n, n)
    new_url = url_for("new", reset=False)
    result = {"backend": name, "n": n, "rate_n": rate_n, "durable": durable, "old_rate": None, "new_rate": None,
              "in_store_rate": None, "words_ms": None, "ingest_ratio": None, "in_store_ingest_ratio": None,
              "index_bytes_per_doc": None, "copied_from": None, "batched_old_rate": None, "batched_new_rate": None,
              "entry_ms": None, "batched_ingest_ratio": None}
    stored = count_documents(new_url) if reuse else 0
    if grow and 0 < stored < n:
        started = time.perf_counter()
        result["copied_from"] = grow_by_copies(new_url, n)
        print(f"{name}: grown from {stored} to {n} documents by copies in {time.perf_counter() - started:.0f} s",
              flush=True)
    elif stored != n:
        old_url = url_for("old", reset=True)
        old_s, old_engine = load(old_url, synthetic(records, rate_n), indexed=False, durable=durable)
        old_size = size_bytes(old_engine, old_url)
        old_engine.dispose()
        new_url = url_for("new", reset=True)
        in_store_s, new_engine = load(new_url, synthetic(records, rate_n), indexed=True, durable=durable)
        new_engine.dispose()
        items, words_s = with_index_text(synthetic(records, rate_n))
        new_url = url_for("new", reset=True)
        new_s, new_engine = load(new_url, items, indexed=True, durable=durable)
        new_size = size_bytes(new_engine, new_url)
        new_engine.dispose()
        # As saraban ingest stores now: a chunk of up to 64 records a transaction, each with the index
        # entry its worker process made; and today's store batched the same way, for the batching's share.
        old_url = url_for("old", reset=True)
        batched_old_s, old_engine = load(old_url, (db.ToStore(r, b) for r, b in synthetic(records, rate_n)),
                                         indexed=False, durable=durable, batch=INGEST_BATCH)
        old_engine.dispose()
        new_url = url_for("new", reset=True)
        entries, entry_s = with_entries(new_url, synthetic(records, rate_n))
        new_url = url_for("new", reset=True)
        batched_new_s, new_engine = load(new_url, entries, indexed=True, durable=durable, batch=INGEST_BATCH)
        new_engine.dispose()
        per_doc = {"old": old_s / rate_n, "in_store": in_store_s / rate_n, "new": new_s / rate_n,
                   "words": words_s / rate_n, "entry": entry_s / rate_n, "batched_new": batched_new_s / rate_n}
        result.update(old_rate=rate_n / old_s, new_rate=rate_n / new_s, in_store_rate=rate_n / in_store_s,
                      words_ms=per_doc["words"] * 1000, index_bytes_per_doc=(new_size - old_size) / rate_n,
                      batched_old_rate=rate_n / batched_old_s, batched_new_rate=rate_n / batched_new_s,
                      entry_ms=per_doc["entry"] * 1000)
        if extract_s:
            today = extract_s + per_doc["old"]
            result.update(ingest_ratio=today / (extract_s + per_doc["words"] + per_doc["new"]),
                          in_store_ingest_ratio=today / (extract_s + per_doc["in_store"]),
                          batched_ingest_ratio=today / (extract_s + per_doc["entry"] + per_doc["batched_new"]))
        if n > rate_n:
            started = time.perf_counter()
            fill(new_url, records, rate_n, n, durable)
            print(f"{name}: filled to {n} documents in {time.perf_counter() - started:.0f} s", flush=True)
    engine = db.connect(new_url)
    first = next(q for batch in qs.values() for q in batch)
    db.search(engine, db.Query(**first, limit=20))  # warm: a running service has its caches loaded
    search_index.search(engine, search_index.SearchQuery(**first, limit=20))  # and its lexicon
    rows = []
    for kind, batch in qs.items():
        if not batch:
            continue
        old_lat, new_lat, found, wanted = [], [], 0, 0
        for q in batch:  # interleaved: both searches see the same load from elsewhere
            old_lat += timed(lambda: db.search(engine, db.Query(**q, limit=20)))[0]
            new_lat += timed(lambda: search_index.search(engine, search_index.SearchQuery(**q, limit=20)))[0]
            old = set(db.search_ids(engine, db.Query(**q, limit=None)))
            got = set(search_index.search_ids(engine, search_index.SearchQuery(**q, limit=None)))
            found += len(old & got)
            wanted += len(old)
        # The index alone, the same queries again with nothing between them: between two index
        # queries above, a substring query reads the whole table (seconds on PostgreSQL at 100,000
        # documents), and a machine that pages out what was not read for a few seconds (this one's
        # DAMON reclaim does) then reads the index from disk, which a service running the index
        # alone would not.
        alone = [timed(lambda: search_index.search(engine, search_index.SearchQuery(**q, limit=20)))[0][0]
                 for q in batch]
        rows.append({"kind": kind, "queries": len(batch), "old_p50": percentile(old_lat, 50),
                     "old_p95": percentile(old_lat, 95), "new_p50": percentile(new_lat, 50),
                     "new_p95": percentile(new_lat, 95), "new_max": max(new_lat),
                     "alone_p50": percentile(alone, 50), "alone_p95": percentile(alone, 95), "alone_max": max(alone),
                     "recall": found / wanted if wanted else 1.0, "old_matches": wanted})
    engine.dispose()
    return {**result, "rows": rows}


def report(result: dict, extract_s: float) -> None:
    print(f"\n== {result['backend']}: {result['n']} documents{'' if result['durable'] else ', commits not flushed'} ==")
    try:
        print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    except OSError:
        pass
    if result["old_rate"]:
        old = result["old_rate"]
        print(f"store rate ({result['rate_n']} documents each, models.db.load_record): today (no index) {old:.0f} "
              f"docs/s; with the index, its words made by the extraction {result['new_rate']:.0f} docs/s "
              f"({result['new_rate'] / old:.0%} of today's), made in the store {result['in_store_rate']:.0f} docs/s "
              f"({result['in_store_rate'] / old:.0%})")
        print(f"store time per document: today {1000 / old:.2f} ms, with the index {1000 / result['new_rate']:.2f} ms "
              f"+ {result['words_ms']:.2f} ms making its words in the extraction's worker")
        if result["ingest_ratio"]:
            print(f"ingest (extraction {extract_s * 1000:.0f} ms/doc measured on the real documents + store): "
                  f"{result['ingest_ratio']:.1%} of today's rate with the words made beside the extraction, "
                  f"{result['in_store_ingest_ratio']:.1%} with them made in the store")
        print(f"as ingest stores now ({INGEST_BATCH} records a transaction, models.db.load_records): today's store "
              f"(no index) {result['batched_old_rate']:.0f} docs/s; with the index entry made in the worker "
              f"{result['batched_new_rate']:.0f} docs/s ({result['batched_new_rate'] / old:.0%} of today's one-a-"
              f"transaction store) + {result['entry_ms']:.2f} ms/doc making the entry (words, shadow, agency links)")
        if result["batched_ingest_ratio"]:
            print(f"ingest as it stores now (extraction + entry in the worker + batched store): "
                  f"{result['batched_ingest_ratio']:.1%} of today's rate (extraction + one-a-transaction store, "
                  f"no index)")
        print(f"index size: {result['index_bytes_per_doc'] / 1024:.1f} KiB per document")
    else:
        print("load rate not measured: the database of an earlier run was reused (--reuse)")
    if result["copied_from"]:
        print(f"{result['copied_from']} documents stored by the real load, copied in SQL up to {result['n']}")
    print("new = the index, each query right after the substring query; alone = the index, the same queries "
          "again one after another")
    print(f"{'kind':<16} {'queries':>7} {'old p50':>9} {'old p95':>9} {'new p50':>9} {'new p95':>9} {'new max':>9}"
          f" {'alone p50':>9} {'alone p95':>9} {'alone max':>9} {'recall':>7} {'old matches':>11}")
    for row in result["rows"]:
        print(f"{row['kind']:<16} {row['queries']:>7} {row['old_p50']:>7.1f}ms {row['old_p95']:>7.1f}ms "
              f"{row['new_p50']:>7.1f}ms {row['new_p95']:>7.1f}ms {row['new_max']:>7.1f}ms "
              f"{row['alone_p50']:>7.1f}ms {row['alone_p95']:>7.1f}ms {row['alone_max']:>7.1f}ms {row['recall']:>7.3f} "
              f"{row['old_matches']:>11}")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=20, help="queries per kind")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("SARABAN_BENCH_POSTGRES_URL"))
    parser.add_argument("--sources", nargs="*", type=Path, default=SOURCES)
    parser.add_argument("--no-flush", action="store_true",
                        help="commits not flushed to disk during both loads (faster builds; says so in the output)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the SQLite files (default: a temp dir, removed at the end)")
    parser.add_argument("--rate-n", type=int, default=None,
                        help="documents in each of the two timed loads (default --n); the indexed database is then "
                             "filled up to --n for the searches")
    parser.add_argument("--reuse", action="store_true",
                        help="search the indexed database an earlier run left (--work, --pg-url) when it holds --n "
                             "documents, instead of building it again; the load is then not measured")
    parser.add_argument("--grow-by-copies", action="store_true",
                        help="with --reuse: a database an earlier run left with fewer than --n documents is grown to "
                             "--n by copying its rows in SQL (new ids and sha256; see grow_by_copies)")
    args = parser.parse_args(argv)
    records, extract_s = real_records([p for p in args.sources if p.exists()])
    print(f"{len(records)} real records; extraction {extract_s * 1000:.0f} ms/doc (warm, mean)", flush=True)
    qs = queries(records, args.queries)
    results = []
    with contextlib.ExitStack() as stack:
        work = args.work if args.work else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        work.mkdir(parents=True, exist_ok=True)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                def sqlite_url(tag: str, reset: bool) -> str:
                    path = work / f"{tag}.db"
                    if reset:
                        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                            leftover.unlink(missing_ok=True)
                    return f"sqlite:///{path}"
                result = run_backend("SQLite", sqlite_url, records, args.n, qs, extract_s, not args.no_flush,
                                     args.rate_n, args.reuse, args.grow_by_copies)
            elif backend == "postgresql":
                if not args.pg_url:
                    print("\nPostgreSQL skipped: give --pg-url (or SARABAN_BENCH_POSTGRES_URL)")
                    continue

                def pg_url(tag: str, reset: bool, url: str = args.pg_url) -> str:
                    if reset:
                        empty_postgres(url)
                    return url
                result = run_backend("PostgreSQL", pg_url, records, args.n, qs, extract_s, not args.no_flush,
                                     args.rate_n, args.reuse, args.grow_by_copies)
            else:
                parser.error(f"unknown backend {backend!r}")
            report(result, extract_s)
            results.append(result)
    return results


if __name__ == "__main__":
    main()
