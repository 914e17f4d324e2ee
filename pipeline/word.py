"""Word files (.docx): paragraphs and tables in document order, read with python-docx. Registered
as a reader (pipeline/readers.py): this module is all it takes to read one more format."""
from __future__ import annotations

import zipfile

from models.errors import InputError, LimitExceeded
from models.options import Options
from pipeline.pages import PageText
from pipeline.readers import register
from pipeline.table_text import typed_row

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A .docx is a zip: its parts are checked unpacked before python-docx opens them (a zip bomb).
UNPACKED_PER_TEXT_BYTE = 20


@register(DOCX, suffixes=(".docx",))
def read_docx(path: str, options: Options) -> list[PageText]:
    """One page of text: each paragraph a line, each table row a line of tab-separated cells, or,
    when a cell holds several paragraphs (a signer's name over his position), the row's cells laid
    out side by side as typed columns."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"cannot read Word file: {exc}", path=path) from exc
    limit = options.max_text_bytes * UNPACKED_PER_TEXT_BYTE
    if unpacked > limit:
        raise LimitExceeded(f"Word file unpacks to {unpacked:,} bytes, over the {limit:,}-byte limit", path=path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(path)
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
        raise InputError(f"cannot read Word file: {type(exc).__name__}: {exc}", path=path) from exc
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.extend(_row_lines(_distinct_cells(row)))
    return [PageText(text="\n".join(lines), method="text")]


def _distinct_cells(row) -> list:  # noqa: ANN001
    """The row's cells, a merged cell once (python-docx gives it once for each grid column it spans)."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:  # noqa: SLF001 - the cell's XML element is its identity
            seen.add(id(cell._tc))  # noqa: SLF001
            cells.append(cell)
    return cells


def _row_lines(cells: list) -> list[str]:
    columns = [[paragraph.text for paragraph in cell.paragraphs] for cell in cells]
    if any(sum(bool(line.strip()) for line in column) > 1 for column in columns):
        typed = typed_row(columns)
        if typed:
            return typed
    return ["\t".join(" ".join(line for line in column if line.strip()) for column in columns)]
