"""Page layout from word boxes: what Tesseract reads across the page as one line where a clerk reads
columns. An MOU's signature table sets two or three signers side by side, each name over its
position; Tesseract writes "(นายก)      (นายข)" and, under it, both positions on one line. The
table is read again column by column, so each name is followed by its own position lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from models.catalog import honorific_alternation
from pipeline.pages import WordBox, rearrange

# Tesseract writes a wide gap inside a line as a run of spaces.
COLUMN_GAP = re.compile(r" {3,}")
# A signature table's rows under the names: positions, at most this many lines.
MAX_POSITION_LINES = 4
# Longer lines are paragraphs: a signature table's region ends at one.
MAX_TABLE_LINE_CHARS = 90


@lru_cache(maxsize=1)
def signer_name() -> re.Pattern:
    """A signer's name as signature blocks print it: ``(นาย… …)``, ``ลงชื่อ นาย…``."""
    titles = honorific_alternation()
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


def _box(words: list[WordBox], start: int, end: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the words inside a span of the text, None where it has none."""
    inside = [w for w in words if start <= w.start and w.end <= end]
    if not inside:
        return None
    return (min(w.left for w in inside), min(w.top for w in inside),
            max(w.left + w.width for w in inside), max(w.top + w.height for w in inside))


def _centre(words: list[WordBox], start: int, end: int) -> float | None:
    box = _box(words, start, end)
    return (box[0] + box[2]) / 2 if box else None


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


@dataclass(frozen=True)
class _Stretch:
    start: int
    end: int
    left: int
    top: int
    right: int
    bottom: int
    is_name: bool


def _overlap(a: _Stretch, b: _Stretch) -> int:
    return min(a.right, b.right) - max(a.left, b.left)


def _line_stretches(text: str, words: list[WordBox], span: tuple[int, int]) -> list[_Stretch] | None:
    out = []
    for s, e in _segments(text, *span):
        box = _box(words, s, e)
        if box is None:
            return None  # text with no boxes (a re-read line)
        out.append(_Stretch(s, e, *box, bool(signer_name().match(text[s:e].strip()))))
    return out


def _owner(names: list[_Stretch], x: _Stretch, reach: int) -> _Stretch | None:
    """The name a line stands under: the lowest name above it in the one column it lies in, at most
    ``reach`` pixels above it."""
    above = [n for n in names if _overlap(n, x) > 0 and n.bottom <= x.top <= n.bottom + reach]
    if not above or _overlap_count(names, x) > 1:
        return None
    return max(above, key=lambda n: n.top)


def _overlap_count(names: list[_Stretch], x: _Stretch) -> int:
    """How many signers' columns a line reaches into (names in one column overlap each other)."""
    columns: list[_Stretch] = []
    for n in sorted((n for n in names if _overlap(n, x) > 0), key=lambda n: n.left):
        if not any(_overlap(n, c) > 0 for c in columns):
            columns.append(n)
    return len(columns)


def regroup_signature_blocks(text: str, words: list[WordBox]) -> tuple[str, list[WordBox]]:
    """Signers set side by side, as Tesseract's blocks order them, put back name by name: each name
    followed by the lines printed under it in its column. Tesseract may read a table's columns as
    blocks, one after the other, and leave out of them a second position line or a row of
    positions (``ผู้ว่าราชการจังหวัดพังงา      ผู้ว่าราชการจังหวัดระนอง`` after both names). The
    table ends at the first line that stands under no single signer (a signing row read across the
    columns, a title, the body).

    >>> text = "(นายก ใจดี)\\n\\n(นายข ใจงาม)\\n\\nปลัดกระทรวง      อธิบดี\\n"
    >>> boxes = [WordBox(0, 11, 0, 0, 200, 40, 0.9), WordBox(13, 25, 600, 0, 200, 40, 0.9),
    ...          WordBox(27, 38, 10, 50, 180, 40, 0.9), WordBox(44, 50, 650, 50, 100, 40, 0.9)]
    >>> print(regroup_signature_blocks(text, boxes)[0])
    (นายก ใจดี)
    ปลัดกระทรวง
    <BLANKLINE>
    (นายข ใจงาม)
    อธิบดี
    <BLANKLINE>
    """
    lines = _lines(text)
    first = next((n for n, (s, e) in enumerate(lines) if signer_name().match(text[s:e].strip())), None)
    if first is None:
        return text, words
    names: list[_Stretch] = []
    under: dict[_Stretch, list[_Stretch]] = {}
    last = first
    for n in range(first, len(lines)):
        if not text[lines[n][0]:lines[n][1]].strip():
            continue
        stretches = _line_stretches(text, words, lines[n])
        line = text[lines[n][0]:lines[n][1]].strip()
        # A witnesses' signing row ends the signers' table, however garbled its ลงชื่อ and dots.
        if stretches is None or SIGNING_ROW.match(line) or "พยาน" in line:
            break
        row_height = max((x.bottom - x.top for x in names + stretches), default=1)
        owners = [None if x.is_name else _owner(names, x, (MAX_POSITION_LINES + 1) * row_height) for x in stretches]
        if any(not x.is_name and (owner is None or len(under[owner]) >= MAX_POSITION_LINES)
               for x, owner in zip(stretches, owners)):
            break
        for x, owner in zip(stretches, owners):
            if x.is_name:
                names.append(x)
                under[x] = []
            else:
                under[owner].append(x)
        last = n
    if len(names) < 2 or all(_overlap(a, b) > 0 for a in names for b in names):
        return text, words  # one column of signers: nothing to regroup
    row_height = max(n.bottom - n.top for n in names)
    pieces: list[tuple[int, int] | str] = []
    for name in sorted(names, key=lambda n: (round(n.top / row_height), n.left)):
        pieces += (["\n\n"] if pieces else []) + [(name.start, name.end)]
        for x in sorted(under[name], key=lambda x: x.top):
            pieces += ["\n", (x.start, x.end)]
    return rearrange(text, words, lines[first][0], lines[last][1], pieces)


# --- the same tables in plain text: columns by their printed position -------------------------------

# Thai vowels above and below and tone marks take no width of their own on the printed line.
_ZERO_WIDTH_MARK = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0300-\u036f]")
# Columns of a typed table are set apart by three spaces or more, a tab, or a Markdown table's bar.
TEXT_COLUMN_GAP = re.compile(r" {3,}|\t+|\s*\|\s*")
# Inside a row already known to be a table's (under its header), two spaces set cells apart.
TABLE_CELL_GAP = re.compile(r" {2,}|\t+|\s*\|\s*")
# What may stand on a table's rows above the names: the ลงชื่อ line (dots to sign on, พยาน).
SIGNING_ROW = re.compile(r"^\s*ลงชื่อ|^[\s.…_]*พยาน|^[.…_]{5,}")
MAX_ROWS_ABOVE = 2


def _display_column(line: str, index: int) -> int:
    """Where a character of a line stands when printed: marks add no width, a tab runs to the next 8."""
    column = 0
    for ch in line[:index]:
        if ch == "\t":
            column += 8 - column % 8
        elif not _ZERO_WIDTH_MARK.match(ch):
            column += 1
    return column


def _text_segments(line: str) -> list[tuple[int, int, float]]:
    """(start, end, printed centre) of each stretch of a line between column gaps."""
    out, position = [], 0
    for gap in [*TEXT_COLUMN_GAP.finditer(line), None]:
        end = gap.start() if gap else len(line)
        stretch = line[position:end]
        if stretch.strip():
            start = position + len(stretch) - len(stretch.lstrip())
            stop = position + len(stretch.rstrip())
            out.append((start, stop, (_display_column(line, start) + _display_column(line, stop)) / 2))
        position = gap.end() if gap else end
    return out


def _is_name_row(line: str, segments: list[tuple[int, int, float]]) -> bool:
    return len(segments) >= 2 and all(signer_name().match(line[s:e]) for s, e, _ in segments)


def _last_row_under_names(text: str, lines: list[tuple[int, int]], row, names_line: int, columns: int) -> int:
    """The last line of the rows under a table's names: up to the next blank line or name, except
    that one blank line (OCR puts one where the table's dotted row was) may stand before a row with
    a stretch for every column."""
    last = names_line
    n = names_line + 1
    while n < len(lines) and n - names_line <= MAX_POSITION_LINES:
        if signer_name().search(text[lines[n][0]:lines[n][1]]):
            break
        if not row(n):
            if not (n == names_line + 1 and n + 1 < len(lines) and len(row(n + 1)) == columns
                    and not signer_name().search(text[lines[n + 1][0]:lines[n + 1][1]])):
                break
        else:
            last = n
        n += 1
    return last


def read_text_columns(text: str) -> tuple[str, list[int]]:
    """Signature tables typed side by side, read column by column: each column's ลงชื่อ line, name
    and position lines together, columns apart by a blank line. Returns the text and its offset map
    (``offsets[i]`` is where output character ``i`` came from; inside a re-read table it runs back
    and forth, everywhere else it only grows).

    >>> text = "ลงชื่อ ....... พยาน    ลงชื่อ ....... พยาน\\n(นายก ใจดี)            (นายข ใจงาม)\\nปลัดกระทรวง            อธิบดี\\n"
    >>> print(read_text_columns(text)[0])
    ลงชื่อ ....... พยาน
    (นายก ใจดี)
    ปลัดกระทรวง
    <BLANKLINE>
    ลงชื่อ ....... พยาน
    (นายข ใจงาม)
    อธิบดี
    <BLANKLINE>
    """
    lines = _lines(text)
    segments: dict[int, list[tuple[int, int, float]]] = {}

    def row(n: int) -> list[tuple[int, int, float]]:
        if n not in segments:
            segments[n] = _text_segments(text[lines[n][0]:lines[n][1]])
        return segments[n]

    def is_name_row(n: int) -> bool:
        line = text[lines[n][0]:lines[n][1]]
        # Most lines hold no two names: only those with two openings are cut into stretches.
        return line.count("(") + line.count("ลงชื่อ") >= 2 and _is_name_row(line, row(n))

    out: list[str] = []
    offsets: list[int] = []
    done = 0
    i = 0
    while i < len(lines):
        if not is_name_row(i):
            i += 1
            continue
        names = row(i)
        first = i
        while (first > 0 and i - first < MAX_ROWS_ABOVE and len(row(first - 1)) == len(names)
               and lines[first - 1][0] >= done
               and all(SIGNING_ROW.match(text[lines[first - 1][0] + s:lines[first - 1][0] + e])
                       for s, e, _ in row(first - 1))):
            first -= 1
        last = _last_row_under_names(text, lines, row, i, len(names))
        columns: list[list[tuple[int, int]]] = [[] for _ in names]
        open_cell = None
        for n in range(first, last + 1):
            base = lines[n][0]
            line = text[base:lines[n][1]]
            # A row with a stretch for every column fills them in order (a Markdown table's cells do
            # not line up); a shorter row goes by where its stretches stand; a bordered row whose
            # last cell wrapped (no closing bar) goes on at the start of the next line.
            by_order = len(row(n)) == len(names)
            for k, (s, e, centre) in enumerate(row(n)):
                if k == 0 and open_cell is not None and not line.lstrip().startswith("|"):
                    column = open_cell
                else:
                    column = k if by_order else min(range(len(names)), key=lambda c: abs(names[c][2] - centre))
                columns[column].append((base + s, base + e))
            open_cell = column if row(n) and "|" in line and not line.rstrip().endswith("|") else None
        start, end = lines[first][0], lines[last][1]
        out.append(text[done:start])
        offsets.extend(range(done, start))
        for k, column in enumerate(columns):
            for n, (s, e) in enumerate(column):
                glue = "\n\n" if k and not n else "\n" if n else ""
                out.append(glue + text[s:e])
                offsets.extend([s] * len(glue) + list(range(s, e)))
        done = end
        i = last + 1
    out.append(text[done:])
    offsets.extend(range(done, len(text) + 1))
    return "".join(out), offsets
