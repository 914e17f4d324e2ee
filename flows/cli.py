"""The ``saraban`` command: extract, ingest, search, export, serve, schema. Maps errors to exit codes."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

from models.errors import SarabanError
from models.options import Options, Settings


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from extractors.process import extract_with_text, value_spans
    from flows.files import walk
    from pipeline.segment import spacy_doc, write_docbin

    failed = 0
    spacy_docs = []
    for found in walk(args.paths):
        path = found.path
        if found.skipped:
            print(f"saraban: skipped {path}: {found.skipped}", file=sys.stderr)
            failed += found.skipped.startswith(("no such", "cannot"))
            continue
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


LIMITS = ("max_bytes", "max_text_bytes", "max_pages", "max_pixels", "max_seconds", "max_memory_mb")
MAX_QUERY_CHARS = 1000


def _options(args: argparse.Namespace) -> Options:
    given = {name: getattr(args, name) for name in LIMITS if getattr(args, name, None) is not None}
    try:
        return Options(**given)
    except ValueError as exc:  # pydantic names the field and the bound
        first = exc.errors()[0] if hasattr(exc, "errors") else {"loc": ["?"], "msg": str(exc)}
        raise UsageError(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from exc


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from flows.files import walk
    from flows.report import BatchReport, Outcome, Progress

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    options = _options(args)
    started = time.perf_counter()
    if not any(found.skipped is None for found in walk(args.paths)):
        _engine(args, settings).dispose()  # a bad URL is still a usage error
        # nothing to read: no server, no workers; the report says what was seen
        report = BatchReport([Outcome(str(f.path), "skipped", f.skipped or "") for f in walk(args.paths)])
        for line in report.lines():
            print(line)
        return report.exit_code()
    from flows.server import prefect_api, start_server

    # The server imports for seconds: it starts first, then the worker processes (from a light
    # module), and they load while this process imports Prefect and makes the schema.
    server = start_server()
    db_url = args.db or settings.database_url()
    try:
        if args.runner == "threads":
            from flows.worker import warm_workers

            warm_workers(args.workers, db_url)
        engine = _engine(args, settings)  # a bad URL is a usage error before the run
        from flows.ingest import ingest_flow, runner_for, start_dask_workers, workers_ready

        engine.dispose()
        runner = runner_for(args.runner, args.address, args.workers)
        if args.runner == "threads":
            workers_ready(args.workers)
        else:  # the Dask workers warm up beside the server's start
            threading.Thread(target=start_dask_workers, args=(args.address, args.workers, db_url), daemon=True).start()
        progress = Progress()
        flow = ingest_flow.with_options(task_runner=runner)
        with prefect_api(server=server):
            report = flow(args.paths, db_url, str(settings.quarantine_dir()), options,
                          progress=progress.update, workers=args.workers, settle_s=args.settle,
                          on_total=lambda total: setattr(progress, "total", total))
    finally:
        if server is not None:
            server.stop()
    progress.finish()
    for line in report.lines():
        print(line)
    print(f"({time.perf_counter() - started:.1f} s)")
    return report.exit_code()


def _engine(args: argparse.Namespace, settings: Settings):
    from models import db

    return db.connect(args.db or settings.database_url())


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reading import print_hits
    from models import search_index

    for name in ("text", "party", "signatory", "clause"):
        value = getattr(args, name)
        if value and len(value) > MAX_QUERY_CHARS:
            raise UsageError(f"{'search text' if name == 'text' else '--' + name} is {len(value):,} characters; "
                             f"at most {MAX_QUERY_CHARS:,}")
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

    from models import review

    engine = review.connect(args.db or settings.database_url())
    stored = search_index.stored_record(engine, args.id)
    if stored is None:
        print(f"saraban: no document with id {args.id} (search prints the ids)", file=sys.stderr)
        return 1
    # A reviewer's corrections stand over the extracted values here as in the API and exports.
    stored["record"] = review.corrected_record(engine, stored["record"]["source"]["sha256"]) or stored["record"]
    print_record(stored, args.json)
    return 0


def _people(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reading import print_people
    from models import search_index

    print_people(search_index.person_groups(_engine(args, settings), args.name), args.json)
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from models import listing, review

    # Streamed, with reviewers' corrections applied; --excel: CSV with a BOM and Thai column labels.
    if args.output and not Path(args.output).parent.is_dir():
        raise UsageError(f"-o {args.output}: folder {Path(args.output).parent} does not exist")
    engine = review.connect(args.db or settings.database_url())
    chunks = listing.stream_export(engine, "csv" if args.excel else args.format, excel=args.excel)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        except OSError as exc:
            raise UsageError(f"-o {args.output}: {exc.strerror or exc}") from exc
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


def _reprocess(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reprocess import reprocess

    report = reprocess(args.db or settings.database_url())
    for line in report.lines():
        print(line)
    return 3 if report.failed else 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from models.record import Record

    print(json.dumps(Record.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


class UsageError(Exception):
    """A mistake in how saraban was called: one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the usage block
        self.exit(2, f"{self.prog}: {message} (see {self.prog.split()[0]} --help)\n")


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must not be negative")
    return number


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="saraban", description="Thai circulars and MOUs into a searchable database")
    p.add_argument("-v", "--verbose", action="count", default=0, help="say more (-v decisions, -vv debugging)")
    p.add_argument("--log-file", help="also write the log (at -v detail or more) to this file")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

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
    i.add_argument("--workers", type=_positive_int, default=2, help="documents read at once (worker processes)")
    i.add_argument("--settle", type=_seconds, default=2.0, metavar="SECONDS",
                   help="a file modified more recently than this is deferred as still being written (default 2)")
    i.add_argument("--runner", choices=["threads", "dask"], default="threads",
                   help="run tasks on threads here, or on a Dask cluster (--address)")
    i.add_argument("--address", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --runner dask)")
    defaults = Options()
    for name, kind, unit in (("max_bytes", _positive_int, "bytes"), ("max_text_bytes", _positive_int, "bytes"),
                             ("max_pages", _positive_int, "pages"), ("max_pixels", _positive_int, "pixels"),
                             ("max_seconds", _seconds, "seconds"), ("max_memory_mb", _positive_int, "MB")):
        i.add_argument(f"--{name.replace('_', '-')}", type=kind, metavar=unit.upper(),
                       help=f"per-document limit in {unit} (default {getattr(defaults, name):,})")
    i.set_defaults(run=_ingest)

    s = sub.add_parser("search", help="search stored documents")
    s.add_argument("text", nargs="?")
    s.add_argument("--party")
    s.add_argument("--signatory")
    s.add_argument("--clause")
    s.add_argument("--type")
    s.add_argument("--since", help="from this date: 2556-01-01, 2013-01-01, \"1 ม.ค. 2556\", 2556 (a whole year)")
    s.add_argument("--until", help="up to this date, as --since")
    s.add_argument("--limit", type=_positive_int, default=20)
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

    r = sub.add_parser("reprocess", help="make again, from the stored reading (no OCR), the records an older "
                                         "extractor version made")
    r.add_argument("--db")
    r.set_defaults(run=_reprocess)

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


def _logging(args: argparse.Namespace) -> None:
    """-v and --log-file through logging; saraban's modules log with getLogger(__name__)."""
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(level)
    console.setFormatter(logging.Formatter("saraban: %(message)s"))
    handlers: list[logging.Handler] = [console]
    if args.log_file:
        try:
            to_file = logging.FileHandler(args.log_file, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--log-file {args.log_file}: {exc.strerror or exc}") from exc
        to_file.setLevel(min(level, logging.INFO))
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(to_file)
    logging.basicConfig(level=min(h.level for h in handlers), handlers=handlers, force=True)


def main(argv: list[str] | None = None) -> int:
    from flows.report import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE

    args = parser().parse_args(argv)
    try:
        _logging(args)
        return args.run(args, Settings())
    except UsageError as exc:
        print(f"saraban: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SarabanError as exc:
        print(f"saraban: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `saraban summary | head`: the reader has gone; nothing more to say, and no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("saraban: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        print(f"saraban: {exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
