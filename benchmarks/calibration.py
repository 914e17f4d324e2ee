"""Is saraban's confidence honest? Precision of extracted values by confidence band, against gold.

Each value with evidence in a record's ``provenance`` is judged against the gold record with the
shared scorer's own matching (normalisation and similarity thresholds); values the gold does not
speak about are not counted. The table shows, per confidence band, how many values were right.

    .venv/bin/python benchmarks/calibration.py [--set DOCS GOLD] [--pred records.jsonl] [--verbose]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.process import process_document  # noqa: E402

SHARED = ROOT.parent / "shared"
BANDS = [(0.9, 1.01, "≥ 0.90"), (0.6, 0.9, "0.60–0.90"), (0.0, 0.6, "< 0.60")]
DEFAULT_SETS = [(SHARED / "corpus/dev/docs", SHARED / "corpus/dev/gold"),
                (ROOT / "tests/gold_extra/docs", ROOT / "tests/gold_extra/gold")]


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judge(score, pointer: str, record: dict, gold: dict) -> bool | None:
    """True/False where the gold decides the value at ``pointer``; None where it is silent."""
    parts = pointer.strip("/").split("/")
    field = parts[0]
    th = score.THRESHOLD
    if field in ("doc_type", "date") and field in gold:
        return score.matches(gold[field], record[field], None) if gold[field] else record[field] is None
    if field == "number" and "number" in gold:
        return bool(gold["number"]) and score.matches(gold["number"]["value"], record["number"]["value"], None)
    if field in ("subject", "to", "issuer") and field in gold:
        return gold[field] is not None and score.matches(gold[field], record[field], th[field])
    if field == "signatories" and "signatories" in gold and len(parts) == 2:
        name = record["signatories"][int(parts[1])]["name"]
        return any(score.matches(g["name"], name, None) for g in gold["signatories"])
    if field == "agreements" and "agreements" in gold and len(parts) >= 3:
        i = int(parts[1])
        if i >= len(gold["agreements"]):
            return False
        g, r = gold["agreements"][i], record["agreements"][i]
        sub = parts[2]
        if sub == "title" and "title" in g:
            return score.matches(g["title"], r["title"], th["title"])
        if sub == "date" and "date" in g:
            return score.matches(g["date"], r["date"], None) if g["date"] else False
        if sub == "parties" and "parties" in g and len(parts) == 4:
            party = r["parties"][int(parts[3])]
            return any(score.matches(x, party, th["party"], score.party_norm)
                       for x in g["parties"] + g.get("parties_optional", []))
        if sub == "clauses" and "clauses" in g and len(parts) == 4:
            clause = r["clauses"][int(parts[3])]
            return any(score.matches(c["label"], clause["label"], None)
                       and score.matches(c["text"], clause["text"], th["clause"]) for c in g["clauses"])
        if sub == "termination_notice" and "termination_notice" in g:
            return bool(g["termination_notice"]) and g["termination_notice"]["days"] == r["termination_notice"]["days"]
        if sub == "signatories" and "signatories" in g and len(parts) == 4:
            name = r["signatories"][int(parts[3])]["name"]
            return any(score.matches(x["name"], name, None) for x in g["signatories"])
    if field == "plan" and "plan" in gold and gold["plan"] and "projects" in parts and len(parts) == 5:
        project = record["plan"]["strategic_issues"][int(parts[2])]["projects"][int(parts[4])]["name"]
        names = [p["name"] for i in gold["plan"]["strategic_issues"] for p in i.get("projects", [])]
        return any(score.matches(n, project, th["project"]) for n in names)
    return None


def records_for(docs: Path, pred: Path | None) -> dict[str, dict]:
    if pred:
        out = {}
        for line in pred.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                out[Path(record["source"]["path"]).name.split(".")[0]] = record
        return out
    return {path.stem: process_document(path).model_dump(mode="json") for path in sorted(docs.glob("*.*"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", nargs=2, action="append", metavar=("DOCS", "GOLD"))
    parser.add_argument("--pred", type=Path, help="records already extracted (JSON Lines), e.g. from scans")
    parser.add_argument("--verbose", action="store_true", help="list every wrong value with its confidence")
    args = parser.parse_args()
    score = load_scorer()
    sets = [(Path(d), Path(g)) for d, g in args.set] if args.set else DEFAULT_SETS
    tally = {label: [0, 0] for *_, label in BANDS}
    wrong = []
    for docs, gold_dir in sets:
        if not gold_dir.is_dir():
            continue
        records = records_for(docs, args.pred)
        for gold_file in sorted(gold_dir.glob("*.json")):
            record = records.get(gold_file.stem)
            if record is None:
                continue
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            for pointer, ev in record["provenance"].items():
                verdict = judge(score, pointer, record, gold)
                if verdict is None:
                    continue
                label = next(label for lo, hi, label in BANDS if lo <= ev["confidence"] < hi)
                tally[label][0] += 1
                tally[label][1] += verdict
                if not verdict:
                    wrong.append((ev["confidence"], gold_file.stem, pointer, ev["text"][:60], ev["rule"]))
    print(f"{'confidence':12} {'values':>7} {'right':>6} {'precision':>10}")
    for label, (n, right) in tally.items():
        print(f"{label:12} {n:7} {right:6} {right / n if n else float('nan'):10.3f}")
    if args.verbose:
        for item in sorted(wrong, reverse=True):
            print("  wrong: %.2f %s %s %r (%s)" % item)
    return 0


if __name__ == "__main__":
    sys.exit(main())
