"""Lines Tesseract's layout leaves out (beside the Garuda emblem, under a stamp) found on the image
and read again (pipeline/uncovered_lines.py, pipeline/ocr.read_uncovered_lines)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from models.options import Options
from pipeline.image_prep import prepare_page
from pipeline.ocr import read_uncovered_lines
from pipeline.pages import WordBox
from pipeline.tesseract import Box, Reading
from pipeline.uncovered_lines import cut_out, uncovered_segments
from tests.conftest import THAI_FONT

needs_font = pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman is not installed")

NUMBER_LINE = "ที่ มท ๐๒๑๒.๒/ว ๗๘๓๖"
BODY = ["ถึง จังหวัดทุกจังหวัด", "ตามที่กระทรวงมหาดไทยแจ้งให้จังหวัดนำเข้าข้อมูลโครงการ"]


def letter_head() -> tuple[Image.Image, list[WordBox], Box, tuple[int, int]]:
    """A letter's head at 300 dpi: an emblem (a dark disc with rings) in the middle, the number line
    at its height on the left, two body lines below. Returns the page, one word box per body line
    (as if Tesseract had read those and not the number line), the emblem's box and the number line's
    top and bottom."""
    font = ImageFont.truetype(str(THAI_FONT), 44, layout_engine=ImageFont.Layout.RAQM)
    page = Image.new("L", (2480, 1000), 255)
    draw = ImageDraw.Draw(page)
    emblem = Box(1060, 60, 360, 360)
    draw.ellipse((emblem.left, emblem.top, emblem.left + emblem.width, emblem.top + emblem.height), fill=40)
    for r in (200, 215):
        draw.ellipse((1240 - r, 240 - r, 1240 + r, 240 + r), outline=0, width=6)
    left, top, right, bottom = draw.textbbox((200, 330), NUMBER_LINE, font=font)
    draw.text((200, 330), NUMBER_LINE, font=font, fill=0)
    words, at = [], 0
    for i, line in enumerate(BODY):
        x0, y0, x1, y1 = draw.textbbox((200, 560 + 90 * i), line, font=font)
        draw.text((200, 560 + 90 * i), line, font=font, fill=0)
        words.append(WordBox(at, at + len(line), x0, y0, x1 - x0, y1 - y0, 0.95, language="tha"))
        at += len(line) + 1
    page.info["dpi"] = (300, 300)
    return page, words, emblem, (top, bottom)


@needs_font
def test_the_line_beside_the_emblem_is_the_one_uncovered_segment():
    page, words, emblem, (top, bottom) = letter_head()
    grey = np.asarray(page)
    segments, labels = uncovered_segments(grey, words, [])
    assert len(segments) == 1
    segment = segments[0]
    assert segment.top >= top - 5 and segment.bottom <= bottom + 5 and segment.right < emblem.left
    crop, _, _ = cut_out(grey, labels, segment, 10)
    assert (crop < 140).any() and crop.shape[0] < 3 * (bottom - top)


@needs_font
def test_a_line_covered_by_the_words_read_is_not_read_again():
    page, words, _, (top, bottom) = letter_head()
    number_line = WordBox(len("\n".join(BODY)) + 1, len("\n".join(BODY)) + 1 + len(NUMBER_LINE),
                          200, top, 700, bottom - top, 0.9)
    assert uncovered_segments(np.asarray(page), words + [number_line], [])[0] == []


@pytest.mark.ocr
@needs_font
def test_the_dropped_number_line_is_read_and_put_above_the_body():
    page, words, emblem, _ = letter_head()
    prepared = prepare_page(page)
    text = "\n".join(BODY)
    reading = Reading(text, (), ())
    read, read_words = read_uncovered_lines(prepared, reading, text, words, Options(), "head.png")
    first, rest = read.split("\n", 1)
    assert first.startswith("ที") and "มท" in first and "/ว" in first
    assert rest == text
    assert [read[w.start:w.end] for w in read_words[-2:]] == BODY  # the body's words moved with it
