"""The ``saraban`` command: extract, ingest, search, export, serve, schema. Maps errors to exit codes."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from models.errors import SarabanError
from models.options import Options, Settings


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from extractors.process import extract_with_text, value_spans
    from flows.files import expand
    from pipeline.segment import spacy_doc, write_docbin

    failed = 0
    spacy_docs = []
    for path in expand(args.paths):
        try:
            extracted = extract_with_text(path, Options())
        except (SarabanError, OSError) as exc:
            print(f"saraban: {exc}" if isinstance(exc, SarabanError) else f"saraban: {path}: {exc.strerror or exc}",
                  file=sys.stderr)
            failed += 1
            continue
        exclude = {"provenance"} if args.no_provenance else None
        print(extracted.record.model_dump_json(exclude=exclude), flush=True)
        if args.timings:
            print("timings\t" + json.dumps({"path": str(path), **extracted.times.as_dict()}), file=sys.stderr, flush=True)
        if args.spacy:
            spacy_docs.append(spacy_doc(extracted.text, value_spans(extracted.record)))
    if args.spacy:
        write_docbin(spacy_docs, args.spacy)
    return 1 if failed else 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from flows.ingest import ingest_flow

    url = args.db or settings.database_url()
    started = time.perf_counter()
    report = ingest_flow(args.paths, url, str(settings.quarantine_dir()), Options(),
                         progress=lambda message: print(message, flush=True))
    counts = report.counts()
    print(f"loaded: {counts['loaded']}  already present: {counts['already_present']}  "
          f"quarantined: {counts['quarantined']}  ({time.perf_counter() - started:.1f} s)")
    return 0


def _engine(args: argparse.Namespace, settings: Settings):
    from models import db

    return db.connect(args.db or settings.database_url())


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from models import db

    rows = db.search(_engine(args, settings), db.Query(
        text=args.text, party=args.party, signatory=args.signatory, clause=args.clause, doc_type=args.type,
        since=args.since, until=args.until, limit=args.limit))
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if not rows:
        print("no documents match")
    from models.labels import be_date, doc_type_th

    for row in rows:
        print(f"{row['date'] or '----------'}  {be_date(row['date']) or '-':<18} {doc_type_th(row['doc_type']):<18} "
              f"{row['number'] or '-':<22} {row['subject'] or row['path']}")
        for title in row["agreements"]:
            print(f"{'':12}MOU: {title}")
        if row["parties"]:
            print(f"{'':12}parties: {', '.join(row['parties'])}")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from models import listing, review

    # Streamed, with reviewers' corrections applied; --excel: CSV with a BOM and Thai column labels.
    engine = review.connect(args.db or settings.database_url())
    chunks = listing.stream_export(engine, "csv" if args.excel else args.format, excel=args.excel)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
    else:
        sys.stdout.writelines(chunks)
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from flows.web import serve

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"saraban: serving on {args.host}: other machines can read the archive", file=sys.stderr)
    serve(args.db or settings.database_url(), args.host, args.port, settings.review_token)
    return 0


def _summary(args: argparse.Namespace, settings: Settings) -> int:
    from models import db

    engine = _engine(args, settings)
    for table, count in db.counts(engine).items():
        print(f"{table:<12} {count:>6}")
    rows = db.search(engine, db.Query(limit=1000))
    print()
    print(f"{'date':<10}  {'type':<16} {'number':<22} {'agreements':>10}  subject")
    for row in rows:
        print(f"{row['date'] or '-':<10}  {row['doc_type']:<16} {row['number'] or '-':<22} "
              f"{len(row['agreements']):>10}  {(row['subject'] or Path(row['path']).name)[:60]}")
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from models.record import Record

    print(json.dumps(Record.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="saraban", description="Thai circulars and MOUs into a searchable database")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="print one JSON record per document (JSON Lines)")
    e.add_argument("paths", nargs="+")
    e.add_argument("--no-provenance", action="store_true", help="leave provenance out of the records")
    e.add_argument("--spacy", metavar="FILE.spacy",
                   help="also write the documents as spaCy Docs (saraban's words, values as labelled spans)")
    e.add_argument("--timings", action="store_true",
                   help="print each document's stage times on stderr (a 'timings' line of JSON)")
    e.set_defaults(run=_extract)

    i = sub.add_parser("ingest", help="run the ingest flow into the database")
    i.add_argument("paths", nargs="+")
    i.add_argument("--db", help="database URL (default: SARABAN_DB or sqlite:///data/processed/saraban.db)")
    i.set_defaults(run=_ingest)

    s = sub.add_parser("search", help="search stored documents")
    s.add_argument("text", nargs="?")
    s.add_argument("--party")
    s.add_argument("--signatory")
    s.add_argument("--clause")
    s.add_argument("--type")
    s.add_argument("--since")
    s.add_argument("--until")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")
    s.add_argument("--db")
    s.set_defaults(run=_search)

    x = sub.add_parser("export", help="export every stored record")
    x.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    x.add_argument("--excel", action="store_true", help="CSV for Excel: UTF-8 with a BOM, Thai column labels")
    x.add_argument("-o", "--output")
    x.add_argument("--db")
    x.set_defaults(run=_export)

    m = sub.add_parser("summary", help="table counts and one line per stored document")
    m.add_argument("--db")
    m.set_defaults(run=_summary)

    w = sub.add_parser("serve", help="the review desk and the REST API (http://127.0.0.1:8000)")
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    w.add_argument("--port", type=int, default=8000)
    w.add_argument("--db")
    w.set_defaults(run=_serve)

    c = sub.add_parser("schema", help="print the record's JSON Schema")
    c.set_defaults(run=_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args, Settings())
    except SarabanError as exc:
        print(f"saraban: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
