"""The digit reader: Thai digits read again glyph by glyph, where Tesseract's Thai model fails."""
from __future__ import annotations

import random
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from models.options import Options
from pipeline.ocr import ocr_image
from pipeline.pages import WordBox
from pipeline.thai_digits import (THAI_DIGITS, classify_glyph, digit_templates, digits_read_with_help, ink_box,
                                  reread_thai_digits, split_touching)
from tests.conftest import SHARED, THAI_FONT

needs_font = pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman is not installed")
RENDER_SCAN = SHARED / "tools" / "render_scan.py"


def printed(text: str, size: int = 44, blur: float = 0.8) -> np.ndarray:
    """Text printed in TH Sarabun's free twin at another size than the templates, then blurred."""
    font = ImageFont.truetype(str(THAI_FONT), size)
    canvas = Image.new("L", (40 + int(font.getlength(text)), 2 * size), 255)
    ImageDraw.Draw(canvas).text((20, size // 3), text, font=font, fill=0)
    return np.asarray(canvas.filter(ImageFilter.GaussianBlur(blur)))


@needs_font
@pytest.mark.parametrize("digit", list(THAI_DIGITS))
def test_each_printed_digit_is_recognised(digit):
    found, similarity, margin = classify_glyph(printed(digit) < 128)
    assert (found, similarity > 0.85, margin > 0.05) == (digit, True, True)


@needs_font
def test_a_letter_is_not_taken_for_a_digit():
    found, similarity, _ = classify_glyph(printed("ว") < 128)
    assert similarity < 0.78, found


@needs_font
def test_a_misread_run_is_replaced_and_the_word_box_says_so():
    image = printed("ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖", size=44)
    font = ImageFont.truetype(str(THAI_FONT), 44)
    rows = np.nonzero((image < 128).any(axis=1))[0]
    # One box as Tesseract would give it for its (wrong) reading "๐๕๕๑.๓" of the first number.
    misread = "ที่ มท ๐๕๕๑.๓/ว ๒๕๕๖"
    left = 20 + int(font.getlength("ที่ มท "))
    words = [WordBox(7, 13, left, int(rows[0]), int(font.getlength("๐๘๙๑.๓")), int(rows[-1] - rows[0]), 0.96)]
    text, boxes = reread_thai_digits(image, misread, words)
    assert text == "ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖"
    assert [(b.start, b.end, b.reader) for b in boxes] == [(7, 13, "digits")]
    assert boxes[0].confidence > 0.8


def number_lines(count: int, seed: int) -> list[str]:
    """Header numbers, dates and amounts as letters print them, digits drawn at random."""
    rng = random.Random(seed)

    def thai(number: int, width: int = 0) -> str:
        return "".join(THAI_DIGITS[int(d)] for d in str(number).rjust(width, "0"))

    months = ["มกราคม", "มีนาคม", "มิถุนายน", "สิงหาคม", "ตุลาคม", "ธันวาคม"]
    lines = []
    for i in range(count):
        lines.append([
            f"ที่ มท {thai(rng.randint(0, 9999), 4)}.{thai(rng.randint(1, 9))}/ว {thai(rng.randint(1, 9999))}",
            f"{thai(rng.randint(1, 28))} {rng.choice(months)} {thai(rng.randint(2490, 2569))}",
            f"ข้อ {thai(rng.randint(1, 99))} งบประมาณ {thai(rng.randint(10000, 999999))} บาท ภายใน {thai(rng.randint(10, 180))} วัน",
        ][i % 3])
    return lines


def digits_by_line(text: str) -> list[str]:
    return [re.sub(r"[^๐-๙./]", "", line) for line in text.splitlines() if line.strip()]


@pytest.mark.ocr
@needs_font
@pytest.mark.skipif(not RENDER_SCAN.is_file(), reason="shared render_scan.py not beside the repo")
@pytest.mark.parametrize("quality, at_least", [
    pytest.param("office", 35, id="office"),  # Tesseract alone: 3 of 36; with the reader 36 when written
    pytest.param("poor", 27, id="poor"),      # with the reader 30 of 36 when written (23 before touching
                                              # digits were cut apart and specks wiped off)
])
def test_numbers_on_a_scan_come_out_exact(tmp_path, quality, at_least):
    """Header numbers, dates and amounts rendered as a scanned page: lines whose digits (and dots
    and slashes) all come out exact."""
    lines = number_lines(36, seed=5)
    source = tmp_path / "numbers.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, str(RENDER_SCAN), str(source), "-o", str(tmp_path),
                    "--quality", quality, "--seed", "11"], check=True, capture_output=True)
    page = ocr_image(Image.open(tmp_path / "numbers-p01.png"), Options())
    read = digits_by_line(page.text)
    expected = digits_by_line("\n".join(lines))
    assert len(read) == len(expected)
    exact = sum(a == b for a, b in zip(read, expected))
    assert exact >= at_least, [(a, b) for a, b in zip(expected, read) if a != b]


def test_touching_digits_are_cut_apart():
    """๐๘๙ printed into one another, as on a blurred scan: where to cut is found by reading."""
    glyphs = [ink_box(printed(digit, blur=0) < 128) for digit in "๐๘๙"]
    height = max(g.shape[0] for g in glyphs)
    blob = np.zeros((height, sum(g.shape[1] + 1 for g in glyphs)), bool)
    x = 0
    for glyph in glyphs:  # bottoms on one baseline, one blank column between glyphs ...
        blob[height - glyph.shape[0]:, x:x + glyph.shape[1]] |= glyph
        x += glyph.shape[1] + 1
    blob |= np.roll(blob, 1, axis=1)  # ... which toner spreading fills
    assert len(np.nonzero(~blob.any(axis=0)[:x - 1])[0]) == 0, "the glyphs should touch"
    pieces = split_touching(ink_box(blob), digit_height=height, min_similarity=0.78)
    assert pieces is not None and "".join(symbol for symbol, _ in pieces) == "๐๘๙"


def test_an_unreadable_glyph_takes_tesseracts_digit_only_where_the_readings_line_up():
    assert digits_read_with_help(["๑", None, "๓", ".", "๔", "/", None], "๑๕๓.๔") == (0, 4, "๑๕๓.๔")
    assert digits_read_with_help(["๑", None, "๓", ".", "๔"], "๑๕.๓๔") is None  # the dot stands elsewhere
    assert digits_read_with_help(["๑", None, None, "๔"], "๑๒๓๔") is None      # too much of Tesseract


@needs_font
def test_templates_kept_between_runs_are_the_ones_rendered(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    digit_templates.cache_clear()
    rendered = digit_templates()
    assert list((tmp_path / "saraban").glob("digit-templates-*.npz"))
    digit_templates.cache_clear()
    kept = digit_templates()
    digit_templates.cache_clear()
    assert kept.labels == rendered.labels
    np.testing.assert_array_equal(kept.features, rendered.features)
