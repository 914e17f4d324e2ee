"""Signature tables (two or three signers side by side) read column by column from a scanned page."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractors import signatories
from models.options import Options
from pipeline.document import Document
from pipeline.ocr import ocr_image
from pipeline.layout import regroup_signature_blocks
from pipeline.pages import RawDocument, WordBox
from tests.conftest import THAI_FONT

needs_font = pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman is not installed")


def signature_table(columns: list[list[str]], width: int = 2480) -> Image.Image:
    """A closing sentence, then the columns' lines centred in equal columns, as an MOU prints its
    signers; lightly blurred and noisy like an office scan at 300 dpi."""
    font = ImageFont.truetype(str(THAI_FONT), 44, layout_engine=ImageFont.Layout.RAQM)
    page = Image.new("L", (width, 900), 255)
    draw = ImageDraw.Draw(page)
    left, right = 354, width - 295
    draw.text((left, 120), "บันทึกข้อตกลงนี้ทำขึ้นสองฉบับ มีข้อความถูกต้องตรงกัน ทั้งสองฝ่ายได้อ่านและเข้าใจโดยตลอดแล้ว",
              font=font, fill=0)
    column_width = (right - left) / len(columns)
    for k, lines in enumerate(columns):
        centre = left + column_width * (k + 0.5)
        for i, line in enumerate(lines):
            draw.text((centre - font.getlength(line) / 2, 300 + 70 * i), line, font=font, fill=0)
    noisy = np.asarray(page.filter(ImageFilter.GaussianBlur(0.7)), np.float32)
    noisy += np.random.default_rng(1).normal(0, 8, noisy.shape)
    scan = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    scan.info["dpi"] = (300, 300)
    return scan


def signers(image: Image.Image) -> list[tuple[str, str]]:
    page = ocr_image(image, Options())
    doc = Document(RawDocument("table.png", "", "image/png", [page]))
    return [(c.value["name"], c.value["position"]) for c in signatories.extract(doc, Options())]


@pytest.mark.ocr
@needs_font
@pytest.mark.parametrize("columns", [
    pytest.param([["(นายสุรชัย ชันอาสา)", "ผู้ว่าราชการจังหวัดลำปาง"],
                  ["(นายโชคชัย เดชอมรธัญ)", "อธิการบดีมหาวิทยาลัยเชียงใหม่"]], id="two-columns"),
    pytest.param([["(นายมนัส โสกันธิกา)", "ผู้ว่าราชการจังหวัดน่าน"],
                  ["(นายพงษ์ศักดิ์ ว่างเสมอ)", "ผู้ว่าราชการจังหวัดแพร่"],
                  ["(ม.ล.ปนัดดา ดิศกุล)", "ผู้ว่าราชการจังหวัดเชียงราย", "หัวหน้ากลุ่มจังหวัด"]], id="three-columns"),
])
def test_each_signer_keeps_the_position_printed_under_the_name(columns):
    """Tesseract reads the table across ("(นายก)   (นายข)" over "ตำแหน่งก   ตำแหน่งข"): without the
    layout step no signer had a position."""
    expected = [(lines[0].strip("()"), " ".join(lines[1:])) for lines in columns]
    assert signers(signature_table(columns)) == expected


def _boxed(lines: list[tuple[str, list[tuple[int, int]]]]) -> tuple[str, list[WordBox]]:
    """Page text as Tesseract's blocks give it, each stretch with its box (left, top); stretches of
    one line set apart by a wide gap."""
    text, words = "", []
    for stretches_text, places in lines:
        for k, (stretch, (left, top)) in enumerate(zip(stretches_text.split("|"), places)):
            text += "      " if k else ""
            words.append(WordBox(len(text), len(text) + len(stretch), left, top, 20 * len(stretch), 40, 0.9))
            text += stretch
        text += "\n"
    return text, words


def test_signers_read_as_blocks_are_put_back_name_by_name():
    """Tesseract gave each column as a block, left a first signer's second position line after the
    second signer, and the last row's positions after both names; a garbled witnesses' row ends it."""
    text, words = _boxed([
        ("(นายชยพล ศรีวิลาส)", [(300, 0)]), ("ผู้ว่าราชการจังหวัดภูเก็ต", [(300, 50)]),
        ("(นางสาวจิราภรณ์ ตันติวงศ์)", [(1400, 0)]), ("ผู้ว่าการการท่องเที่ยวแห่งประเทศไทย", [(1400, 50)]),
        ("หัวหน้ากลุ่มจังหวัดภาคใต้ฝั่งอันดามัน", [(300, 100)]),
        ("(นายธีระศักดิ์ แก้วมณี)", [(300, 300)]), ("(นายภาคภูมิ นิลสุวรรณ)", [(1400, 300)]),
        ("ผู้ว่าราชการจังหวัดพังงา|ผู้ว่าราชการจังหวัดระนอง", [(300, 350), (1400, 350)]),
        ("CRC ee otพยาน", [(300, 500)]), ("(นางวัชรี พูลสวัสดิ์)", [(300, 550)]),
    ])
    regrouped = regroup_signature_blocks(text, words)[0]
    assert regrouped.split("\n\n") == [
        "(นายชยพล ศรีวิลาส)\nผู้ว่าราชการจังหวัดภูเก็ต\nหัวหน้ากลุ่มจังหวัดภาคใต้ฝั่งอันดามัน",
        "(นางสาวจิราภรณ์ ตันติวงศ์)\nผู้ว่าการการท่องเที่ยวแห่งประเทศไทย",
        "(นายธีระศักดิ์ แก้วมณี)\nผู้ว่าราชการจังหวัดพังงา",
        "(นายภาคภูมิ นิลสุวรรณ)\nผู้ว่าราชการจังหวัดระนอง\nCRC ee otพยาน\n(นางวัชรี พูลสวัสดิ์)\n"]
