"""Dictionary-guided repair of what Tesseract commonly does to Thai: a dropped tone mark.

Tesseract's Thai model drops the mai ek of ``ิ่`` and friends (``ถิ่น`` → ``ถิน``). A Thai word
that is not in the dictionary, but becomes one by putting back a single tone mark, is repaired.
Runs only on OCR'd text, as a normalisation rule (offsets are kept).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize

from models.catalog import agency_names, positions
from pipeline.normalise import Offsets, substitute
from pipeline.segment import custom_dictionary

TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
# The marks Tesseract drops: the four tone marks and the thanthakhat (์) that silences a letter.
DROPPED_MARKS = TONE_MARKS + "\u0e4c"
# A tone mark sits on a consonant, or after an above/below vowel that sits on one.
_CAN_CARRY = re.compile(r"[\u0e01-\u0e2e\u0e31\u0e34-\u0e39]")
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]{3,}")


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    return frozenset(thai_words()) | frozenset(agency_names()) | frozenset(positions())


def restore_tone_mark(word: str) -> str:
    """The dictionary word one dropped mark away, if there is exactly one; else the word as it was.

    >>> restore_tone_mark("ถิน"), restore_tone_mark("ยุทธศาสตร")
    ('ถิ่น', 'ยุทธศาสตร์')
    >>> restore_tone_mark("ยอดนิล")
    'ยอดนิล'
    """
    words = vocabulary()
    if len(word) < 3 or word in words or any(c in DROPPED_MARKS for c in word):
        return word
    found = {word[:i + 1] + mark + word[i + 1:]
             for i, ch in enumerate(word) if _CAN_CARRY.match(ch)
             and not (i + 1 < len(word) and word[i + 1] in "\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e31")
             for mark in DROPPED_MARKS} & words
    return found.pop() if len(found) == 1 else word


def _repair_run(run: str) -> str:
    tokens = word_tokenize(run, custom_dict=custom_dictionary(), engine="newmm")
    out = []
    i = 0
    while i < len(tokens):
        # The garbled word is often split in two by the tokenizer, and a half may be a word itself
        # (ยั่งยืน read as ยังยืน): try each pair joined first.
        if i + 1 < len(tokens):
            joined = restore_tone_mark(tokens[i] + tokens[i + 1])
            if joined != tokens[i] + tokens[i + 1]:
                out.append(joined)
                i += 2
                continue
        out.append(restore_tone_mark(tokens[i]))
        i += 1
    return "".join(out)


def restore_dropped_tone_marks(text: str) -> tuple[str, Offsets]:
    """Each Thai run with its dropped tone marks put back.

    >>> restore_dropped_tone_marks("กรมส่งเสริมการปกครองท้องถิน ที่ปรึกษาการพัฒนาอย่างยังยืน")[0]
    'กรมส่งเสริมการปกครองท้องถิ่น ที่ปรึกษาการพัฒนาอย่างยั่งยืน'
    """
    return substitute(text, _THAI_RUN, lambda m: _repair_run(m.group()))


_ORDINAL_THI = re.compile(r"(?<![\u0e01-\u0e4e])ที(?=\s?\d)|(?<=วัน)ที(?=[\s\d])|(?<=คณะ)ที(?=\s)")


def restore_ordinal_thi(text: str) -> tuple[str, Offsets]:
    """``ที่`` before a number (ที่ 3, วันที่ 11) read without its mai ek.

    >>> restore_ordinal_thi("คณะที 3 วันที 11")[0]
    'คณะที่ 3 วันที่ 11'
    """
    return substitute(text, _ORDINAL_THI, lambda m: "ที่")


# The labels that open the lines of a letter's head. "เรือง" is a word of its own (to glow), so the
# dictionary repair leaves it alone; at the start of a line before a space it is the label.
LETTER_LABELS = ("เรื่อง", "อ้างถึง", "สิ่งที่ส่งมาด้วย")
_LABEL_OF_BARE = {"".join(ch for ch in label if ch not in DROPPED_MARKS): label for label in LETTER_LABELS}
_BARE_LABEL = re.compile("(?m)^(" + "|".join(_LABEL_OF_BARE) + r")(?=[ \t])")


def restore_letter_labels(text: str) -> tuple[str, Offsets]:
    """A line-opening label read without its tone marks.

    >>> restore_letter_labels("เรือง ขอความร่วมมือ\\nอางถึง หนังสือ")[0]
    'เรื่อง ขอความร่วมมือ\\nอ้างถึง หนังสือ'
    """
    return substitute(text, _BARE_LABEL, lambda m: _LABEL_OF_BARE[m.group(1)])


OCR_RULES = (
    ("restore_dropped_tone_marks", restore_dropped_tone_marks),
    ("restore_ordinal_thi", restore_ordinal_thi),
    ("restore_letter_labels", restore_letter_labels),
)
