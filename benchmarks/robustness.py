"""How much a set's score moves when its documents are re-typed the ways real copies differ, the
gold left as it is: every change below keeps the record the same (record.md normalises digits,
Unicode and white space), so any point lost is a rule that leaned on the surface of the samples.

    .venv/bin/python benchmarks/robustness.py --set ../shared/corpus/practice
    .venv/bin/python benchmarks/robustness.py --set tests/real/tune --only thai_digits,rewrap --verbose

A set is a folder with ``docs/`` (.txt) and ``gold/``. For each change the documents are rewritten
into a temporary folder under the same names, extracted with ``saraban extract`` and scored with
the shared ``score.py``; the table gives micro-F1 before and after and (``--verbose``) the fields whose errors (false
positives and negatives) grew most.
"""
from __future__ import annotations

import argparse
import html
import json
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "tools" / "score.py"

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
MARKUP = re.compile(r"</?(?:p|li|ol|ul|div|table|br)\b[^>]*>", re.I)
THAI_PAIR = re.compile(r"(?<=[\u0e01-\u0e2e])(?=[\u0e01-\u0e2e])")  # between two Thai consonants


def _lines(change: Callable[[str, random.Random], str]) -> Callable[[str, random.Random], str]:
    return lambda text, rng: "\n".join(change(line, rng) for line in text.split("\n"))


def _rewrap(line: str, width: int = 80) -> str:
    """A long line of prose broken at spaces near ``width``, as a PDF's text layer breaks a paragraph
    (a row of columns, with its wide gaps, is laid out across the page and left whole)."""
    if "   " in line.strip() or "\t" in line.strip() or len(line.strip()) <= width:  # the indent is margin, not text
        return line
    out = []
    while len(line) > width and " " in line[width // 2:width]:
        cut = line.rindex(" ", width // 2, width)
        out.append(line[:cut])
        line = line[cut + 1:]
    return "\n".join([*out, line])


def _zero_width(text: str, rng: random.Random) -> str:
    return THAI_PAIR.sub(lambda _m: "\u200b" if rng.random() < 0.05 else "", text)


def _as_web_page(text: str, rng: random.Random) -> str:  # noqa: ARG001
    """The letter as a Markdown web page: a menu above, a footer below (the reader drops both)."""
    return ("[หน้าแรก](/) | [ข่าวประชาสัมพันธ์](/news) | [ติดต่อเรา](/contact)\n\n"
            + text.strip() + "\n\n---\n\nสงวนลิขสิทธิ์ © หน่วยงาน | โทร. 0 2000 0000 | แผนผังเว็บไซต์\n")


def _as_html_page(text: str, rng: random.Random) -> str:  # noqa: ARG001
    """The letter as an old table-layout HTML page, typed into a ``<pre>``: a cell of menu links
    above, a cell of footer links below, no class naming either. A text that holds markup already (a
    slide export) is a page's source as it is, and is left so."""
    if MARKUP.search(text):
        return text
    return ('<html><body><table><tr><td><a href="/">หน้าแรก</a> | <a href="/news">ข่าวประชาสัมพันธ์</a> | '
            '<a href="/contact">ติดต่อเรา</a></td></tr>\n<tr><td><pre>' + html.escape(text.strip(), quote=False)
            + '</pre></td></tr>\n<tr><td><a href="/map">แผนผังเว็บไซต์</a> · <a href="/faq">ถาม-ตอบ</a></td></tr>'
            '</table></body></html>\n')


_GAP = re.compile(r"\s{3,}|\t+")


def _as_word_html(text: str, rng: random.Random) -> str:  # noqa: ARG001
    """The letter as a word processor saves it as a web page: a paragraph a line, and the lines laid
    out in columns (signers side by side, a plan's table) as rows of a table, a cell a column."""
    if MARKUP.search(text):
        return text
    out, rows = ["<html><body>"], []
    for line in [*text.strip().split("\n"), ""]:
        cells = [html.escape(cell, quote=False) for cell in _GAP.split(line.strip())]
        if len(cells) > 1:
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        out.append(f"<p>{cells[0]}</p>" if cells[0] else "<p>&nbsp;</p>")
    return "\n".join([*out, "</body></html>"]) + "\n"


def _as_docx(text: str, rng: random.Random) -> bytes | str:  # noqa: ARG001
    """The letter typed in a word processor: a paragraph a line (empty ones between blocks), lines
    laid out in columns as rows of a table, a cell a column (a text holding markup is left as it is)."""
    if MARKUP.search(text):
        return text
    import io

    import docx

    document, rows = docx.Document(), []

    def flush() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
            for row, cells in zip(table.rows, rows):
                for cell, value in zip(row.cells, cells):
                    cell.text = value
            rows.clear()

    for line in [*text.strip().split("\n")]:
        cells = _GAP.split(line.strip())
        if len(cells) > 1:
            rows.append(cells)
            continue
        flush()
        document.add_paragraph(cells[0])
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


LINES_A_PAGE = 35


def _first_word(line: str) -> str:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(line.split()[0], engine="newmm")[0]


def _as_pages(text: str, rng: random.Random) -> str:  # noqa: ARG001
    """The letter printed on pages of LINES_A_PAGE lines, as a text layer gives them: at each page's
    foot the catchword (the next page's first word and dots), a form feed, and the next page's
    number at its head (- ๒ -)."""
    lines, out = text.split("\n"), []
    for n, line in enumerate(lines):
        out.append(line)
        later = [rest for rest in lines[n + 1:] if rest.strip()]
        if (n + 1) % LINES_A_PAGE == 0 and later:
            page = str((n + 1) // LINES_A_PAGE + 1).translate(THAI_DIGITS)
            out += ["", " " * 60 + "/" + _first_word(later[0]) + "...", "\f" + " " * 40 + f"- {page} -", ""]
    return "\n".join(out)


SUFFIXES = {"web_page": ".md", "html_page": ".html", "word_html": ".html", "docx": ".docx"}

CHANGES: dict[str, Callable[[str, random.Random], str | bytes]] = {
    "thai_digits": lambda text, rng: text.translate(THAI_DIGITS),
    "arabic_digits": lambda text, rng: text.translate(ARABIC_DIGITS),
    "crlf": lambda text, rng: text.replace("\n", "\r\n"),
    "indent": _lines(lambda line, rng: " " * rng.choice((0, 0, 2, 4, 8)) + line if line.strip() else line),
    "trailing_space": _lines(lambda line, rng: line + rng.choice(("", " ", "  ", "\t"))),
    "blank_lines": lambda text, rng: text.replace("\n", "\n\n"),
    "decomposed_am": lambda text, rng: text.replace("\u0e33", "\u0e4d\u0e32"),
    "zero_width": _zero_width,
    "nbsp": lambda text, rng: text.replace(" ", "\u00a0"),
    "rewrap": _lines(lambda line, rng: _rewrap(line)),
    "web_page": _as_web_page,
    "html_page": _as_html_page,  # left as .txt when it holds markup already
    "word_html": _as_word_html,  # likewise
    "docx": _as_docx,
    "pages": _as_pages,
}


def extract_and_score(docs: Path, gold: Path, work: Path) -> tuple[float, dict[str, int]]:
    """micro-F1 of the folder's records, and each field's errors (false positives and negatives)."""
    predictions = work / "pred.jsonl"
    with predictions.open("w") as out:
        subprocess.run([str(Path(sys.executable).with_name("saraban")), "extract", str(docs)], stdout=out,
                       stderr=subprocess.DEVNULL, cwd=str(ROOT), check=False)
    scored = subprocess.run([sys.executable, str(SCORE), "--gold", str(gold), "--pred", str(predictions), "--json"],
                            capture_output=True, text=True, check=True)
    table = json.loads(scored.stdout)
    return table["micro_f1"], {row["field"]: row["fp"] + row["fn"] for row in table["fields"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, help="a folder with docs/ and gold/")
    parser.add_argument("--only", help="comma-separated changes (default: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="name the fields that lost")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(CHANGES)
    for folder in map(Path, args.set):
        with tempfile.TemporaryDirectory(prefix="saraban-robust-") as tmp:
            work = Path(tmp)
            base, base_errors = extract_and_score(folder / "docs", folder / "gold", work)
            print(f"{folder}: {base:.4f} as given")
            for name in names:
                rng = random.Random(args.seed)
                docs = work / name
                docs.mkdir()
                for doc in sorted((folder / "docs").glob("*.txt")):
                    text = doc.read_text(encoding="utf-8")
                    changed = CHANGES[name](text, rng)
                    suffix = SUFFIXES.get(name, ".txt") if changed != text else ".txt"
                    target = docs / (doc.stem + suffix)
                    if isinstance(changed, bytes):
                        target.write_bytes(changed)
                    else:
                        target.write_text(changed, encoding="utf-8", newline="")
                score, fields = extract_and_score(docs, folder / "gold", work)
                lost = sorted(((errors - base_errors.get(f, 0), f) for f, errors in fields.items()), reverse=True)
                worst = ", ".join(f"{f} +{d}" for d, f in lost[:4] if d > 0) if args.verbose else ""
                print(f"  {name:<15} {score:.4f} ({score - base:+.4f}) {worst}")


if __name__ == "__main__":
    main()
