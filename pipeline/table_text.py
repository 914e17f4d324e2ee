"""A table's row as typed text: its cells side by side, set apart by a wide gap, each cell's lines
under one another, as a typed letter sets its signers or a plan its table, and as the extractors
read them (a signer's name over his position, a project's cells apart). Web pages and Word files
carry such rows as tables."""
from __future__ import annotations

import unicodedata

# A row is laid out as columns only when each of its cells is this small: a layout table's sidebar
# and content, side by side, are read one after the other.
MAX_CELL_LINES, MAX_CELL_LINE_CHARS = 8, 100
COLUMN_GAP = " " * 6


def display_width(text: str) -> int:
    """Columns a line takes when printed: Thai vowels above and below and tone marks take none.

    >>> display_width("ผู้อำนวยการ")
    9
    """
    return sum(not unicodedata.combining(char) for char in text)


def typed_row(cells: list[list[str]]) -> list[str] | None:
    """The lines of a row whose cells (each a list of lines) are laid out side by side; None when
    fewer than two cells hold text or a cell is too big to be a column of a typed table.

    >>> typed_row([["(นายก ใจดี)", "ผู้อำนวยการ"], ["(นายข มีสุข)", "ประธาน"]])
    ['(นายก ใจดี)      (นายข มีสุข)', 'ผู้อำนวยการ        ประธาน']
    """
    columns = [[line for line in cell if line.strip()] for cell in cells]
    columns = [column for column in columns if column]
    if len(columns) < 2 or any(len(column) > MAX_CELL_LINES or any(len(line) > MAX_CELL_LINE_CHARS for line in column)
                               for column in columns):
        return None
    widths = [max(map(display_width, column)) for column in columns]
    lines = []
    for n in range(max(map(len, columns))):
        pieces = [column[n] if n < len(column) else "" for column in columns]
        padded = [piece + " " * (width - display_width(piece)) for piece, width in zip(pieces[:-1], widths)]
        lines.append((COLUMN_GAP.join([*padded, pieces[-1]])).rstrip())
    return lines
