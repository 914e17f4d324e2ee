"""What judging a PDF page's text layer costs against reading the page, side by side, on good pages.

The dev corpus and tests/gold_extra texts are set as PDF pages (fpdf2, Laksaman, about 40 lines a
page, characters written one by one so the layer is the text), and for each good page, in one run
and the same process:

- ``read``: what saraban does to read a text-layer page without the judge: pypdfium2 opens the
  file, takes the page's text, and pdfplumber measures its images (pipeline/pdf.py); and, apart,
  pypdfium2's text alone (the cheapest reading there is);
- ``read + normalise + extract``: the whole job of a page (``process_document`` over the pages);
- ``judge``: ``pipeline.text_layer_judge.judge`` on the page's text.

Each is timed ``--repeat`` times and the best run is kept (the machine is shared). The judge must
cost under 5 % of reading a good page.

    .venv/bin/python benchmarks/text_layer.py [--pages 20] [--repeat 3] [--json]
    .venv/bin/python benchmarks/text_layer.py --decisions DIR   # each PDF's page decisions, untimed
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from extractors.process import process_document  # noqa: E402
from models.options import Options  # noqa: E402
from pipeline.pdf import page_image_coverage, repair_text_layer  # noqa: E402
from pipeline.text_layer_judge import judge  # noqa: E402
from pipeline.text_file import decode_text  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = [SHARED / "corpus/dev/docs", ROOT / "tests/gold_extra/docs"]
FONT = Path("/usr/share/fonts/truetype/tlwg/Laksaman.ttf")
LINES_PER_PAGE = 40


def page_texts(limit: int) -> list[list[str]]:
    """Pages of about 40 non-blank lines from the corpus texts, at most ``limit``."""
    lines = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            text = decode_text(path.read_bytes(), str(path))
            lines += [part for line in text.splitlines() if line.strip() and "<" not in line
                      for part in textwrap.wrap(line.strip(), 90, break_long_words=False)]
    return [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)][:limit]


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("Laksaman", fname=str(FONT))
    pdf.set_font("Laksaman", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def read_text_only(path: Path) -> list[str]:
    """pypdfium2's text of every page, nothing else."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [repair_text_layer(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    finally:
        document.close()


def read_layers(path: Path) -> list[str]:
    """pipeline/pdf.py's reading of text-layer pages, the judge left out: the text and the images'
    geometry (pdfplumber) that tells a scan with an earlier OCR layer."""
    layers = read_text_only(path)
    page_image_coverage(str(path))
    return layers


def decisions_table(folder: Path, options: Options) -> None:
    """Each PDF under ``folder``: its pages' decisions (used / repaired / OCR), judged from the text
    layers alone (nothing is OCR'd), and the reason of the first page not used as it is."""
    print(f"{'document':<44}{'pages':>6}{'used':>6}{'repaired':>10}{'ocr':>5}  first reason")
    for path in sorted(folder.rglob("*.pdf")):
        try:
            layers = read_text_only(path)
        except pdfium.PdfiumError as exc:
            print(f"{path.name[:43]:<44} cannot open: {exc}")
            continue
        judged = [judge(text, n + 1, options) for n, text in enumerate(layers)]
        counts = [sum(j.decision == d for j in judged) for d in ("used", "repaired", "ocr")]
        reason = next((f"p{j.page}: {j.reason}" for j in judged if j.decision != "used"), "")
        print(f"{path.name[:43]:<44}{len(layers):>6}{counts[0]:>6}{counts[1]:>10}{counts[2]:>5}  {reason[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--decisions", type=Path, metavar="DIR",
                        help="instead: print each PDF's page decisions under DIR (no timing, no OCR)")
    args = parser.parse_args()
    options = Options()
    if args.decisions:
        decisions_table(args.decisions, options)
        return
    with tempfile.TemporaryDirectory() as work:
        pdf = make_pdf(Path(work) / "good.pdf", page_texts(args.pages))
        layers = read_layers(pdf)
        judge(layers[0], 1, options)  # the dictionary loads once per process: not a page's cost
        process_document(pdf, options)
        pages = len(layers)
        decisions = [judge(text, n + 1, options).decision for n, text in enumerate(layers)]
        read = best_of(args.repeat, lambda: read_layers(pdf)) / pages
        text_only = best_of(args.repeat, lambda: read_text_only(pdf)) / pages
        whole = best_of(args.repeat, lambda: process_document(pdf, options)) / pages
        judged = best_of(args.repeat, lambda: [judge(t, n + 1, options) for n, t in enumerate(layers)]) / pages
    chars = sum(len(t) for t in layers) / pages
    result = {"pages": pages, "characters_per_page": round(chars),
              "decisions": {d: decisions.count(d) for d in set(decisions)},
              "read_ms_per_page": round(read * 1000, 2), "text_only_ms_per_page": round(text_only * 1000, 2),
              "process_ms_per_page": round(whole * 1000, 2),
              "judge_ms_per_page": round(judged * 1000, 3),
              "judge_over_read": round(judged / read, 4), "judge_over_text_only": round(judged / text_only, 4),
              "judge_over_process": round(judged / whole, 4)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{pages} good pages, {result['characters_per_page']} characters a page, decisions {result['decisions']}")
    print(f"{'stage':<32}{'ms/page':>10}{'judge / stage':>16}")
    print(f"{'read (pypdfium2 + pdfplumber)':<32}{result['read_ms_per_page']:>10.2f}{judged / read:>15.1%}")
    print(f"{'  of which pypdfium2 text alone':<32}{result['text_only_ms_per_page']:>10.2f}{judged / text_only:>15.1%}")
    print(f"{'read + normalise + extract':<32}{result['process_ms_per_page']:>10.2f}{judged / whole:>15.1%}")
    print(f"{'judge':<32}{result['judge_ms_per_page']:>10.3f}")


if __name__ == "__main__":
    main()
