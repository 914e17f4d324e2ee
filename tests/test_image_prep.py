"""Page preparation before Tesseract: the dotted rules of a form are whitened, the letters kept."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.image_prep import remove_dotted_rules
from tests.conftest import THAI_FONT


NUMBER_LINE = "ที่ อบ ๐๐๓๓.๐๐๑.๐๙/๓๒๙๑๔  วันที่ ๑๐ กันยายน ๒๕๖๗"
# Letters with tails below the line (ญ ฎ ุ ู), which touch a rule typed close under it.
SUBJECT_LINE = "เรื่อง ขออนุญาตเผยแพร่ข้อมูลกฎหมายสู่ประชาชนทุกหมู่บ้าน"


def _form_line(rule: str, text: str = NUMBER_LINE, top: int = 108) -> tuple[np.ndarray, tuple[int, int]]:
    """A 300-dpi strip with a Thai value typed on a rule, as a memo's ที่ / วันที่ line; returns the
    page and the rows the rule takes. ``rule`` is "dotted", "dashed" or "none"."""
    page = Image.new("L", (1400, 160), 255)
    draw = ImageDraw.Draw(page)
    draw.text((60, 30), text, font=ImageFont.truetype(str(THAI_FONT), 56), fill=0)
    if rule == "dotted":
        for x in range(40, 1360, 7):
            draw.ellipse((x, top, x + 3, top + 3), fill=0)
    elif rule == "dashed":
        for x in range(40, 1360, 30):
            draw.rectangle((x, top, x + 18, top + 2), fill=0)
    return np.asarray(page), (top - 1, top + 5)


def _ink(grey: np.ndarray) -> int:
    return int((grey < 160).sum())


def test_a_dotted_rule_under_a_value_is_whitened_and_the_letters_kept():
    ruled, (top, bottom) = _form_line("dotted")
    plain, _ = _form_line("none")
    cleaned = remove_dotted_rules(ruled)
    assert _ink(ruled[top:bottom]) > 500
    assert _ink(cleaned[top:bottom]) < _ink(ruled[top:bottom]) * 0.05
    assert abs(_ink(cleaned) - _ink(plain)) <= _ink(plain) * 0.02


def test_a_dashed_rule_is_whitened_too():
    ruled, (top, bottom) = _form_line("dashed")
    assert _ink(remove_dotted_rules(ruled)[top:bottom]) < _ink(ruled[top:bottom]) * 0.05


def test_a_rule_broken_by_the_letters_touching_it_goes_in_pieces():
    ruled, (top, bottom) = _form_line("dotted", SUBJECT_LINE, top=112)
    assert _ink(remove_dotted_rules(ruled)[top:bottom]) < _ink(ruled[top:bottom]) * 0.5


def test_a_page_without_rules_is_left_as_it_is():
    plain, _ = _form_line("none")
    assert remove_dotted_rules(plain) is plain
