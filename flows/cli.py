"""The ``saraban`` command: extract, ingest, search, export, schema. Maps errors to exit codes."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from models.errors import SarabanError
from models.options import Options, Settings


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from extractors.process import extract_with_text
    from flows.files import expand

    failed = 0
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
    from flows.reading import print_hits
    from models import search_index

    query = search_index.SearchQuery(
        text=args.text, party=args.party, signatory=args.signatory, clause=args.clause, doc_type=args.type,
        since=_date_bound(args.since), until=_date_bound(args.until, end=True), limit=args.limit)
    print_hits(search_index.search(_engine(args, settings), query), args.json)
    return 0


def _date_bound(value: str | None, end: bool = False) -> str | None:
    from extractors.query import parse_date_bound

    return parse_date_bound(value, end) if value else None


def _orgs(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reading import print_orgs
    from models import search_index
    from models.agencies import read_agencies

    engine = _engine(args, settings)
    if args.load:
        added = search_index.load_agencies(engine, read_agencies(args.load))
        print(f"agencies added: {added} (names of known agencies merged)")
    print_orgs(*search_index.organisations(engine), show_all=args.all, as_json=args.json)
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reading import print_record
    from models import search_index

    stored = search_index.stored_record(_engine(args, settings), args.id)
    if stored is None:
        print(f"saraban: no document with id {args.id} (search prints the ids)", file=sys.stderr)
        return 1
    print_record(stored, args.json)
    return 0


def _people(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reading import print_people
    from models import search_index

    print_people(search_index.person_groups(_engine(args, settings), args.name), args.json)
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from models import db

    text = db.export_records(_engine(args, settings), args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
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
    s.add_argument("--since", help="from this date: 2556-01-01, 2013-01-01, \"1 ม.ค. 2556\", 2556 (a whole year)")
    s.add_argument("--until", help="up to this date, as --since")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")
    s.add_argument("--db")
    s.set_defaults(run=_search)

    x = sub.add_parser("export", help="export every stored record")
    x.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    x.add_argument("-o", "--output")
    x.add_argument("--db")
    x.set_defaults(run=_export)

    m = sub.add_parser("summary", help="table counts and one line per stored document")
    m.add_argument("--db")
    m.set_defaults(run=_summary)

    o = sub.add_parser("orgs", help="agencies with their names and document counts, and names left unlinked")
    o.add_argument("--load", metavar="FILE", help="add agencies from a JSON Lines file (models/data/agency_entities.jsonl's shape)")
    o.add_argument("--all", action="store_true", help="also agencies no stored document names")
    o.add_argument("--json", action="store_true")
    o.add_argument("--db")
    o.set_defaults(run=_orgs)

    w = sub.add_parser("show", help="one stored document for a person to read (ids from search)")
    w.add_argument("id", type=int)
    w.add_argument("--json", action="store_true")
    w.add_argument("--db")
    w.set_defaults(run=_show)

    g = sub.add_parser("people", help="signers grouped as one person across documents (OCR variants, honorifics)")
    g.add_argument("name", nargs="?")
    g.add_argument("--json", action="store_true")
    g.add_argument("--db")
    g.set_defaults(run=_people)

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
