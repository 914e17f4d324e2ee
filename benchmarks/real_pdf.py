"""The real-PDF yardstick: tests/real_pdf (agency PDFs with hand-written gold) read by saraban.

For every PDF of a split, in this process and one at a time: the pages, their text-layer decisions
(used / repaired / OCR'd, from the record's ``source.pages_detail``), the warnings, and whether the
record is empty (no number, date, subject, addressee, issuer, signer, clause or agreement) — an
empty record must carry a warning; a PDF no page of which can be read is quarantined, not recorded.
Then each split's field micro-F1 by ``../shared/tools/score.py`` against the gold. OCR makes this
slow (about ten seconds a scanned page on a shared core).

    .venv/bin/python benchmarks/real_pdf.py [--split tune|heldback|both] [--pred-dir DIR] [--json]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.process import extract_with_text  # noqa: E402
from models.errors import SarabanError  # noqa: E402
from models.options import Options  # noqa: E402
from models.record import Record  # noqa: E402

YARDSTICK = ROOT / "tests" / "real_pdf"
# ../shared beside the checkout; a worktree under wt/ finds it one level further up
SCORE = next((path for path in (ROOT.parent / "shared" / "tools" / "score.py",
                                ROOT.parent.parent / "shared" / "tools" / "score.py") if path.is_file()),
             ROOT.parent / "shared" / "tools" / "score.py")
SPLITS = ("tune", "heldback")


@dataclass
class Row:
    document: str
    split: str
    pages: int
    used: int
    repaired: int
    ocr: int
    warnings: int
    empty: bool
    quarantined: str = ""


def is_empty(record: Record) -> bool:
    """No field a reader would look for was found."""
    return not any([record.number, record.date, record.subject, record.to, record.issuer,
                    record.signatories, record.clauses, record.agreements])


def read_split(split: str) -> tuple[list[Row], list[str]]:
    """Each PDF of the split read whole: its row and its record as one JSON line (None: quarantined)."""
    rows, lines = [], []
    for path in sorted((YARDSTICK / split / "docs").glob("*.pdf")):
        try:
            record = extract_with_text(str(path), Options()).record
        except SarabanError as exc:
            rows.append(Row(path.stem, split, 0, 0, 0, 0, 0, False, quarantined=str(exc)))
            continue
        decisions = [page.decision for page in record.source.pages_detail or []]
        rows.append(Row(path.stem, split, record.source.pages or 0, decisions.count("used"),
                        decisions.count("repaired"), decisions.count("ocr"), len(record.warnings),
                        is_empty(record)))
        lines.append(record.model_dump_json(exclude={"provenance"}))
    return rows, lines


def micro_f1(split: str, lines: list[str], pred_dir: Path | None) -> float:
    folder = pred_dir or Path(tempfile.mkdtemp(prefix="saraban-real-pdf-"))
    folder.mkdir(parents=True, exist_ok=True)
    predictions = folder / f"{split}.jsonl"
    predictions.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    scored = subprocess.run([sys.executable, str(SCORE), "--gold", str(YARDSTICK / split / "gold"),
                             "--pred", str(predictions)], capture_output=True, text=True, check=True)
    last = scored.stdout.strip().splitlines()[-1]
    return float(last.split("=", 1)[1])


def print_table(rows: list[Row], scores: dict[str, float]) -> None:
    print(f"{'document':<42}{'split':>9}{'pages':>6}{'used':>6}{'repaired':>9}{'OCR':>5}{'warnings':>9}  record")
    for row in rows:
        state = ("quarantined: " + row.quarantined[:60] if row.quarantined
                 else "EMPTY, NO WARNING" if row.empty and not row.warnings
                 else "empty, warned" if row.empty else "fields found")
        print(f"{row.document[:41]:<42}{row.split:>9}{row.pages:>6}{row.used:>6}{row.repaired:>9}{row.ocr:>5}"
              f"{row.warnings:>9}  {state}")
    for split, f1 in scores.items():
        print(f"{split}: micro_f1={f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=(*SPLITS, "both"), default="both")
    parser.add_argument("--pred-dir", type=Path, help="keep the predictions (<split>.jsonl) here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows, scores = [], {}
    for split in SPLITS if args.split == "both" else (args.split,):
        split_rows, lines = read_split(split)
        rows += split_rows
        scores[split] = micro_f1(split, lines, args.pred_dir)
    if args.json:
        print(json.dumps({"documents": [asdict(row) for row in rows], "micro_f1": scores}, ensure_ascii=False))
    else:
        print_table(rows, scores)
    return 1 if any(row.empty and not row.warnings for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
