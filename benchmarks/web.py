"""How fast `saraban serve` answers over a large archive: the document list (API and page) and a
document view, p50 / p95 over many requests, against the 200 ms target.

The archive is made of real records: every text document of data/raw, tests/resources and
tests/gold_extra plus the scanned letter (with its OCR word boxes) is extracted once, then copied
until the archive holds N documents (default 100,000), each copy with its own sha256 and its
agreements and parties rows. Copies are written with SQLAlchemy Core in batches (db.load_record
commits one document at a time, ~20 ms each here: 35 minutes for 100,000). Views are measured on
copies that have a real file (the template's text with a line added, so its bytes and sha256 are
its own), so a view reads and checks its file as it would in use.

Side by side in the same run: the cursor (keyset) page the API uses against OFFSET paging at the
same depth, as the database executes them.

    .venv/bin/python benchmarks/web.py                  # 100,000 documents
    .venv/bin/python benchmarks/web.py --documents 2000 --requests 30
    .venv/bin/python benchmarks/web.py --work DIR [--reuse]           # keep the archive / measure it again
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select, text  # noqa: E402

from flows.web import extract_with_layout  # noqa: E402
from models import db, listing, review  # noqa: E402
from models.options import Options  # noqa: E402

TARGET_MS = 200.0


def template_paths() -> list[Path]:
    paths = sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted((ROOT / "tests" / "resources").glob("*.*"))
    paths += sorted((ROOT / "tests" / "gold_extra" / "docs").glob("*.txt"))
    return [p for p in paths if p.suffix in (".txt", ".md", ".html") and p.name != "README.md"]


def build(url: str, documents: int, work: Path, with_scan: bool = True, sample: int = 300) -> dict:
    """The archive: templates loaded as they are, then copied up to ``documents``."""
    engine = review.connect(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA synchronous=OFF"))
        engine.dispose()
    paths = template_paths() + ([ROOT / "data" / "raw" / "scan_002_dfd2a0fd8d76cdea-p01.png"] if with_scan else [])
    templates = []
    for path in paths:
        record, body, pages = extract_with_layout(str(path), Options())
        db.load_record(engine, record, body)
        if pages:
            review.store_layouts(engine, record.source.sha256, pages)
        templates.append((path, record.model_dump(mode="json"), body, pages))
    with engine.connect() as conn:
        doc_id = conn.scalar(select(func.max(db.documents.c.id)))
        agreement_id = conn.scalar(select(func.max(db.agreements.c.id))) or 0
        party_id = conn.scalar(select(func.max(db.parties.c.id))) or 0
    viewed: list[str] = []
    files = work / "files"
    files.mkdir(parents=True, exist_ok=True)
    copies = documents - len(templates)
    view_every = max(1, copies // sample)
    batch: dict[str, list] = {"documents": [], "agreements": [], "parties": [], "layouts": []}
    now = datetime.now(timezone.utc)
    for n in range(copies):
        path, record, body, pages = templates[n % len(templates)]
        if n % view_every == 0:
            data = path.read_bytes() + (f"\n<!-- copy {n} -->\n".encode() if path.suffix != ".png" else b"")
            if path.suffix == ".png":  # a PNG may carry text after its end: the page stays the same
                data = path.read_bytes() + f"copy {n}".encode()
            target = files / f"{n}{path.suffix}"
            target.write_bytes(data)
            sha, file_path = hashlib.sha256(data).hexdigest(), str(target)
            viewed.append(sha)
        else:
            sha, file_path = hashlib.sha256(f"copy {n}".encode()).hexdigest(), f"copies/{n}{path.suffix}"
        doc_id += 1
        number = record.get("number") or {}
        copy = {**record, "source": {**record["source"], "sha256": sha, "path": file_path}}
        batch["documents"].append({
            "id": doc_id, "sha256": sha, "path": file_path, "media_type": record["source"]["media_type"],
            "doc_type": record["doc_type"], "number": number.get("value"), "agency_code": None,
            "circular": number.get("circular"), "date": db._iso_date(record.get("date")),
            "subject": record.get("subject"), "addressee": record.get("to"), "issuer": record.get("issuer"),
            "text_method": record["source"]["text_method"], "ocr_confidence": record["source"]["ocr_confidence"],
            "search_text": db.squash(f"{record.get('subject') or ''} {body}"), "record": copy, "loaded_at": now})
        for position, agreement in enumerate(record.get("agreements") or []):
            agreement_id += 1
            batch["agreements"].append({"id": agreement_id, "document_id": doc_id, "position": position,
                                        "title": agreement.get("title"), "date": None, "effective": None,
                                        "termination_days": None, "duration_days": None})
            for party in agreement.get("parties") or []:
                party_id += 1
                batch["parties"].append({"id": party_id, "agreement_id": agreement_id, "name": party,
                                         "search_name": db.squash(party)})
        if pages:
            batch["layouts"] += [{"sha256": sha, **p.__dict__} for p in pages]
        if len(batch["documents"]) >= 2000 or n == copies - 1:
            with engine.begin() as conn:
                for table, rows in ((db.documents, batch["documents"]), (db.agreements, batch["agreements"]),
                                    (db.parties, batch["parties"]), (review.page_layouts, batch["layouts"])):
                    if rows:
                        conn.execute(insert(table), rows)
            batch = {key: [] for key in batch}
            print(f"\r{n + 1 + len(templates)} documents", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(db.documents))
    return {"engine": engine, "viewed": viewed, "documents": total, "last_id": doc_id}


def reopen(url: str, work: Path) -> dict:
    """An archive ``build`` left in ``work``: the documents with files are those under files/."""
    engine = review.connect(url)
    viewed = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((work / "files").iterdir())]
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(db.documents))
        last = conn.scalar(select(func.max(db.documents.c.id)))
    return {"engine": engine, "viewed": viewed, "documents": total, "last_id": last}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(conn: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "text/html" if not path.startswith("/api") else "application/json"})
    answer = conn.getresponse()
    body = answer.read()
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status != 200:
        raise RuntimeError(f"GET {path}: {answer.status} {body[:200]!r}")
    return elapsed


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
            "max_ms": round(ordered[-1], 1)}


def measure(url: str, archive: dict, requests: int, seed: int = 7) -> dict:
    """Start `saraban serve` over the archive and time the requests a reviewer and a planning system make."""
    rng = random.Random(seed)
    port = free_port()
    env = {**os.environ, "SARABAN_REVIEW_TOKEN": ""}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "saraban"), "serve", "--db", url, "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("saraban serve did not start: " + server.stderr.read().decode()[-500:])
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        last = archive["last_id"]

        def deep_token() -> str:
            return listing.make_token("documents", rng.randrange(1, last - 60), listing.Filters())

        cases = {
            "API list, first page (50)": lambda: "/api/documents?page_size=50",
            "API list, a page deep in (50)": lambda: f"/api/documents?page_size=50&page_token={deep_token()}",
            "API list, doc_type filter (50)": lambda: "/api/documents?page_size=50&doc_type=" + rng.choice(
                ["external_letter", "memo", "news", "regulation"]),
            "review page: list (50)": lambda: rng.choice(["/", f"/?page_token={deep_token()}"]),
            "review page: document view": lambda: f"/documents/{rng.choice(archive['viewed'])}",
            "API: one record in full": lambda: f"/api/documents/{rng.choice(archive['viewed'])}",
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for name, make in cases.items():
            timed(conn, make())  # warm
        # Round by round, one request of each kind: other load on the machine falls on every kind alike.
        for _ in range(requests):
            for name, make in cases.items():
                times[name].append(timed(conn, make()))
        results = {name: percentiles(values) for name, values in times.items()}
        # Text search matches substrings of every document's text, no index: a common word stops after
        # 51 hits, a word no document holds reads them all. Measured, not a target here.
        for label, word in (("common word มท", "มท"), ("word in no document", "ฆฆฆฌฌฌ")):
            results[f"API list, text search ({label})"] = percentiles(
                [timed(conn, "/api/documents?page_size=50&q=" + quote(word)) for _ in range(max(3, requests // 20))])
        conn.close()
    finally:
        server.terminate()
        server.wait(10)
    return results


def keyset_against_offset(engine, depth: int, repeats: int = 20) -> dict:
    """The page at ``depth`` as the API asks for it (id > last, LIMIT 51) and as OFFSET paging would."""
    d = db.documents
    columns = [d.c[name] for name in listing.SUMMARY_COLUMNS]
    with engine.connect() as conn:
        last = conn.scalar(select(d.c.id).order_by(d.c.id).offset(depth).limit(1))

        def run(statement) -> float:
            started = time.perf_counter()
            list(conn.execute(statement))
            return (time.perf_counter() - started) * 1000
        keyset = [run(select(*columns).where(d.c.id > last).order_by(d.c.id).limit(51)) for _ in range(repeats)]
        offset = [run(select(*columns).order_by(d.c.id).offset(depth).limit(51)) for _ in range(repeats)]
    k, o = statistics.median(keyset), statistics.median(offset)
    return {"depth": depth, "keyset_ms": round(k, 2), "offset_ms": round(o, 2), "offset_over_keyset": round(o / k, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per case")
    parser.add_argument("--work", help="folder for the archive (default: a temporary one, removed after)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the archive already in --work")
    args = parser.parse_args(argv)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="saraban-web-bench-"))
    url = f"sqlite:///{work / 'archive.db'}"
    try:
        started = time.perf_counter()
        archive = reopen(url, work) if args.reuse else build(url, args.documents, work)
        built = time.perf_counter() - started
        size_mb = (work / "archive.db").stat().st_size / 1e6
        with archive["engine"].connect() as conn:
            conn.execute(text("ANALYZE"))
        results = measure(url, archive, args.requests)
        ratio = keyset_against_offset(archive["engine"], int(archive["documents"] * 0.9))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    report = {"documents": archive["documents"], "database_mb": round(size_mb, 1), "build_s": round(built, 1),
              "target_ms": TARGET_MS, "results": results, "paging": ratio}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"{report['documents']:,} documents, SQLite {report['database_mb']} MB (built in {report['build_s']} s); "
          f"target p95 < {TARGET_MS:.0f} ms")
    print(f"{'request':<38} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  p95/target")
    for name, r in results.items():
        print(f"{name:<38} {r['n']:>5} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}  {r['p95_ms'] / TARGET_MS:>6.2f}")
    print(f"page at depth {ratio['depth']:,}: keyset {ratio['keyset_ms']} ms, OFFSET {ratio['offset_ms']} ms "
          f"(OFFSET / keyset = {ratio['offset_over_keyset']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
