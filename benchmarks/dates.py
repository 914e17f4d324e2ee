"""Document-date accuracy: saraban against dateparser (what paperless-ngx uses), side by side.

For every document with a gold ``date`` (the dev corpus and tests/gold_extra when present), each
method's date is compared with the gold one. A method that gives a date where the gold says there
is none, or misses one, is wrong. Baselines:

- ``dateparser first date``: the first date ``dateparser.search.search_dates`` finds in the text
  (languages=["th", "en"]), the way paperless-ngx picks a document date;
- ``dateparser first date, BE→CE``: the same with Buddhist-era years (> 2400) converted, to show
  what is left when the calendar is not the problem.

    .venv/bin/python benchmarks/dates.py [--gold-dir DIR ...] [--verbose]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.process import extract_with_text  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_SETS = [(SHARED / "corpus/dev/docs", SHARED / "corpus/dev/gold"),
                (ROOT / "tests/gold_extra/docs", ROOT / "tests/gold_extra/gold")]


def gold_dates(docs: Path, gold: Path) -> list[tuple[Path, list[str | None]]]:
    """(document, acceptable dates) for every gold record that states a date (null included)."""
    out = []
    for gold_file in sorted(gold.glob("*.json")):
        record = json.loads(gold_file.read_text(encoding="utf-8"))
        if "date" not in record:
            continue
        matches = sorted(docs.glob(gold_file.stem + ".*"))
        if not matches:
            continue
        value = record["date"]
        accepted = value["any"] if isinstance(value, dict) else [value]
        out.append((matches[0], accepted))
    return out


def dateparser_first(text: str, be_to_ce: bool) -> str | None:
    from dateparser.search import search_dates

    found = search_dates(text, languages=["th", "en"],
                         settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}) or []
    for _snippet, when in found:
        year = when.year - 543 if be_to_ce and when.year > 2400 else when.year
        try:
            return datetime(year, when.month, when.day).date().isoformat()
        except ValueError:
            continue
    return None


def run(sets: list[tuple[Path, Path]], verbose: bool) -> list[dict]:
    cases = [case for docs, gold in sets if gold.is_dir() for case in gold_dates(docs, gold)]
    methods = {
        "saraban": lambda path, text: extract_with_text(path).record.date,
        "dateparser first date": lambda path, text: dateparser_first(text, be_to_ce=False),
        "dateparser first date, BE→CE": lambda path, text: dateparser_first(text, be_to_ce=True),
    }
    texts = {path: extract_with_text(path).text for path, _ in cases}
    rows = []
    for name, method in methods.items():
        right, started = 0, time.perf_counter()
        for path, accepted in cases:
            got = method(path, texts[path])
            ok = got in accepted
            right += ok
            if verbose and not ok:
                print(f"  {name}: {path.name} expected {accepted}, got {got}")
        rows.append({"method": name, "documents": len(cases), "right": right,
                     "accuracy": round(right / len(cases), 3) if cases else None,
                     "seconds": round(time.perf_counter() - started, 2)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", nargs=2, action="append", metavar=("DOCS", "GOLD"),
                        help="a documents folder and its gold folder (default: dev corpus and tests/gold_extra)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sets = [(Path(d), Path(g)) for d, g in args.set] if args.set else DEFAULT_SETS
    rows = run(sets, args.verbose)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(f"{'method':32} {'docs':>5} {'right':>6} {'accuracy':>9} {'seconds':>8}")
    for r in rows:
        print(f"{r['method']:32} {r['documents']:5} {r['right']:6} {r['accuracy']:9.3f} {r['seconds']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
