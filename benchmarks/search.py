"""Search at archive scale: the segmented index against today's substring search, side by side.

Builds a database of N documents from real extracted records (the dev and practice corpora and
tests/gold_extra), each with a varied ~400-word body of real lines, twice on the same backend:
once as saraban stored documents before the index (``models.search_index.index_record`` switched
off: today's load) and once with it. Prints, per backend: load rate of each and their ratio, the
ingest rate it implies (the measured extraction time per real document added to both), index size
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
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.process import extract_with_text  # noqa: E402
from models import db, search_index  # noqa: E402
from models.record import Record  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = [SHARED / "corpus/dev/docs", SHARED / "corpus/practice/docs", ROOT / "tests/gold_extra/docs"]
KINDS = ("party", "clause", "text", "signatory", "doc number", "two-letter code")


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


def load(url: str, items, indexed: bool, durable: bool = True) -> tuple[float, object]:
    """Store every item; the seconds it took and the engine. Not durable: commits not flushed to disk
    (SQLite synchronous=OFF, PostgreSQL synchronous_commit=off), the same for both loads."""
    from sqlalchemy import event

    original = search_index.index_record
    if not indexed:
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
        for record, body in items:
            db.load_record(engine, record, body)
        return time.perf_counter() - started, engine
    finally:
        search_index.index_record = original


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


def run_backend(name: str, url_for, records, n: int, qs: dict, extract_s: float, durable: bool = True) -> dict:
    items = list(synthetic(records, n))
    old_url = url_for("old")
    old_s, old_engine = load(old_url, items, indexed=False, durable=durable)
    old_size = size_bytes(old_engine, old_url)
    old_lat, old_hits = {}, {}
    first = next(q for batch in qs.values() for q in batch)
    db.search(old_engine, db.Query(**first, limit=20))  # warm: a running service has its caches loaded
    for kind, batch in qs.items():
        old_lat[kind], old_hits[kind] = [], []
        for q in batch:
            lat, _ = timed(lambda: db.search(old_engine, db.Query(**q, limit=20)))
            old_lat[kind] += lat
            old_hits[kind].append({r["id"] for r in db.search(old_engine, db.Query(**q, limit=10 ** 9))})
    old_engine.dispose()
    new_url = url_for("new")
    new_s, new_engine = load(new_url, items, indexed=True, durable=durable)
    new_size = size_bytes(new_engine, new_url)
    rows = []
    search_index.search(new_engine, search_index.SearchQuery(**first, limit=20))  # warm: lexicon loaded
    for kind, batch in qs.items():
        lat, found, wanted = [], 0, 0
        for q, old in zip(batch, old_hits[kind]):
            lat += timed(lambda: search_index.search(new_engine, search_index.SearchQuery(**q, limit=20)))[0]
            got = {h.document_id for h in search_index.search(new_engine, search_index.SearchQuery(**q, limit=None)).hits}
            found += len(old & got)
            wanted += len(old)
        rows.append({"kind": kind, "queries": len(batch), "old_p50": percentile(old_lat[kind], 50),
                     "old_p95": percentile(old_lat[kind], 95), "new_p50": percentile(lat, 50),
                     "new_p95": percentile(lat, 95), "recall": found / wanted if wanted else 1.0,
                     "old_matches": wanted})
    new_engine.dispose()
    return {"backend": name, "n": n, "durable": durable, "old_rate": n / old_s, "new_rate": n / new_s,
            "ingest_ratio": (extract_s + old_s / n) / (extract_s + new_s / n) if extract_s else None,
            "index_bytes_per_doc": (new_size - old_size) / n, "rows": rows}


def report(result: dict, extract_s: float) -> None:
    print(f"\n== {result['backend']}: {result['n']} documents{'' if result['durable'] else ', commits not flushed'} ==")
    print(f"load rate: today {result['old_rate']:.0f} docs/s, with the index {result['new_rate']:.0f} docs/s "
          f"({result['new_rate'] / result['old_rate']:.0%} of today's)")
    if result["ingest_ratio"]:
        print(f"ingest (extraction {extract_s * 1000:.0f} ms/doc measured on the real documents + store): "
              f"{result['ingest_ratio']:.1%} of today's rate")
    print(f"index size: {result['index_bytes_per_doc'] / 1024:.1f} KiB per document")
    print(f"{'kind':<16} {'queries':>7} {'old p50':>9} {'old p95':>9} {'new p50':>9} {'new p95':>9} {'recall':>7}"
          f" {'old matches':>11}")
    for row in result["rows"]:
        print(f"{row['kind']:<16} {row['queries']:>7} {row['old_p50']:>7.1f}ms {row['old_p95']:>7.1f}ms "
              f"{row['new_p50']:>7.1f}ms {row['new_p95']:>7.1f}ms {row['recall']:>7.3f} {row['old_matches']:>11}")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=20, help="queries per kind")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("SARABAN_BENCH_POSTGRES_URL"))
    parser.add_argument("--sources", nargs="*", type=Path, default=SOURCES)
    parser.add_argument("--no-flush", action="store_true",
                        help="commits not flushed to disk during both loads (faster builds; says so in the output)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the SQLite files (default: a temp dir)")
    args = parser.parse_args(argv)
    records, extract_s = real_records([p for p in args.sources if p.exists()])
    print(f"{len(records)} real records; extraction {extract_s * 1000:.0f} ms/doc (warm, mean)")
    qs = queries(records, args.queries)
    results = []
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                result = run_backend("SQLite", lambda tag: f"sqlite:///{work}/{tag}.db", records, args.n, qs, extract_s,
                                     not args.no_flush)
            elif backend == "postgresql":
                if not args.pg_url:
                    print("\nPostgreSQL skipped: give --pg-url (or SARABAN_BENCH_POSTGRES_URL)")
                    continue

                def pg_url(tag: str, url: str = args.pg_url) -> str:
                    empty_postgres(url)
                    return url
                result = run_backend("PostgreSQL", pg_url, records, args.n, qs, extract_s, not args.no_flush)
            else:
                parser.error(f"unknown backend {backend!r}")
            report(result, extract_s)
            results.append(result)
    return results


if __name__ == "__main__":
    main()
