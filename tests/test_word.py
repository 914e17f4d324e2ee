"""Word files: a letter written with python-docx at test time is read like its text twin."""
from __future__ import annotations

import pytest

from extractors.process import process_document
from models.errors import InputError, LimitExceeded
from models.options import Options
from pipeline.ingest import SUPPORTED, read_document
from tests.conftest import RAW


def test_a_word_letter_reads_as_its_text(tmp_path, options):
    import docx

    lines = (RAW / "002_dfd2a0fd8d76cdea.txt").read_text(encoding="utf-8").splitlines()
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "ผู้ประสานงาน", "โทร. ๐ ๒๒๔๑ ๙๐๐๐"
    document.save(tmp_path / "letter.docx")
    assert ".docx" in SUPPORTED
    raw = read_document(tmp_path / "letter.docx", options)
    assert raw.media_type.endswith("wordprocessingml.document")
    assert "ผู้ประสานงาน\tโทร. ๐ ๒๒๔๑ ๙๐๐๐" in raw.pages[0].text
    assert process_document(tmp_path / "letter.docx", options).number.value == "มท 0891.3/ว 2556"


def test_a_damaged_word_file_names_the_reason(tmp_path, options):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04broken")
    with pytest.raises(InputError, match="cannot read Word file"):
        read_document(tmp_path / "broken.docx", options)


def test_a_word_file_unpacking_too_large_is_refused(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 5_000_000)
    with pytest.raises(LimitExceeded, match="unpacks to 5,000,000 bytes"):
        read_document(tmp_path / "bomb.docx", Options(max_text_bytes=100_000))


def test_signers_side_by_side_in_a_word_table_each_keep_their_position(tmp_path, options):
    """A signature table whose cells hold a name over a position (two paragraphs) reads as typed
    columns; a merged cell is read once."""
    import docx

    document = docx.Document()
    for line in ["คำสั่งกรมส่งเสริมการปกครองท้องถิ่น", "ที่ ๑๒/๒๕๖๕", "เรื่อง แต่งตั้งคณะทำงาน", "",
                 "สั่ง ณ วันที่ ๓ มีนาคม พ.ศ. ๒๕๖๕", ""]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)  # the signers, an empty row, the contact line
    for cell, (name, position) in zip(table.rows[0].cells, [("(นายสมชาย ใจดี)", "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"),
                                                            ("(นางสาวสมหญิง รักงาน)", "รองอธิบดีกรมส่งเสริมการปกครองท้องถิ่น")]):
        cell.text = name
        cell.add_paragraph(position)
    merged = table.rows[2].cells[0].merge(table.rows[2].cells[1])
    merged.text = "ผู้ประสานงาน โทร. ๐ ๒๒๔๑ ๙๐๐๐"
    document.save(tmp_path / "order.docx")
    text = read_document(tmp_path / "order.docx", options).pages[0].text
    assert text.count("ผู้ประสานงาน") == 1
    record = process_document(tmp_path / "order.docx", options)
    assert [(s.name, s.position) for s in record.signatories] == [
        ("นายสมชาย ใจดี", "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"),
        ("นางสาวสมหญิง รักงาน", "รองอธิบดีกรมส่งเสริมการปกครองท้องถิ่น")]
