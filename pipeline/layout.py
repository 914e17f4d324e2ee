"""Page layout from word boxes: what Tesseract reads across the page as one line where a clerk reads
columns. An MOU's signature table sets two or three signers side by side, each name over its
position; Tesseract writes "(นายก)      (นายข)" and, under it, both positions on one line. The
table is read again column by column, so each name is followed by its own position lines.
"""
from __future__ import annotations

import re
from functools import lru_cache

from models.catalog import honorifics
from pipeline.pages import WordBox, rearrange

# Tesseract writes a wide gap inside a line as a run of spaces.
COLUMN_GAP = re.compile(r" {3,}")
# A signature table's rows under the names: positions, at most this many lines.
MAX_POSITION_LINES = 4


@lru_cache(maxsize=1)
def signer_name() -> re.Pattern:
    """A signer's name as signature blocks print it: ``(นาย… …)``, ``ลงชื่อ นาย…``."""
    titles = "|".join(re.escape(h) for h in honorifics())
    return re.compile(rf"(?:\(|ลงชื่อ)\s*(?:{titles})[\u0e01-\u0e4e. ]{{2,60}}")


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Stretches of a line between wide gaps."""
    out, position = [], start
    for gap in COLUMN_GAP.finditer(text, start, end):
        if text[position:gap.start()].strip():
            out.append((position, gap.start()))
        position = gap.end()
    if text[position:end].strip():
        out.append((position, len(text[:end].rstrip()) if end > position else end))
    return out


def _centre(words: list[WordBox], start: int, end: int) -> float | None:
    inside = [w for w in words if start <= w.start and w.end <= end]
    if not inside:
        return None
    return (min(w.left for w in inside) + max(w.left + w.width for w in inside)) / 2


def _signature_table(text: str, words: list[WordBox], lines: list[tuple[int, int]], first: int):
    """(start, end, pieces) of the table whose name row is line ``first``, or None."""
    names = _segments(text, *lines[first])
    if len(names) < 2 or not all(signer_name().match(text[s:e].strip()) for s, e in names):
        return None
    centres = [_centre(words, s, e) for s, e in names]
    if None in centres:
        return None
    columns: list[list[tuple[int, int]]] = [[name] for name in names]
    last = first
    for start, end in lines[first + 1:first + 1 + MAX_POSITION_LINES]:
        if not text[start:end].strip() or signer_name().search(text[start:end]):
            break
        segments = _segments(text, start, end)
        for n, (s, e) in enumerate(segments):
            centre = _centre(words, s, e)
            # No word box in it (OCR text re-read): the n-th stretch of the line goes under the n-th name.
            column = (min(range(len(centres)), key=lambda k: abs(centres[k] - centre)) if centre is not None
                      else min(n, len(columns) - 1))
            columns[column].append((s, e))
        last += 1
    pieces: list[tuple[int, int] | str] = []
    for k, column in enumerate(columns):
        for n, span in enumerate(column):
            pieces += (["\n\n"] if k and not n else ["\n"] if n else []) + [span]
    return lines[first][0], lines[last][1], pieces


def read_signature_columns(text: str, words: list[WordBox]) -> tuple[str, list[WordBox]]:
    """Each signature table of a page read column by column: each name, then its position lines.

    >>> text = "(นายก ใจดี)      (นายข ใจงาม)\\nปลัดกระทรวง      อธิบดี\\n"
    >>> boxes = [WordBox(0, 11, 0, 0, 200, 40, 0.9), WordBox(17, 29, 600, 0, 200, 40, 0.9),
    ...          WordBox(30, 41, 10, 50, 180, 40, 0.9), WordBox(47, 53, 650, 50, 100, 40, 0.9)]
    >>> print(read_signature_columns(text, boxes)[0])
    (นายก ใจดี)
    ปลัดกระทรวง
    <BLANKLINE>
    (นายข ใจงาม)
    อธิบดี
    <BLANKLINE>
    """
    lines = _lines(text)
    tables = [table for i in range(len(lines)) if (table := _signature_table(text, words, lines, i))]
    for start, end, pieces in reversed(tables):
        text, words = rearrange(text, words, start, end, pieces)
    return text, words
