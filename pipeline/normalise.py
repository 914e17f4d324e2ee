"""Text normalisation as a chain of small named rules, each keeping an offset map to its input.

Every rule takes text and returns ``(new_text, offsets)`` where ``offsets[i]`` is the position in the
input that output position ``i`` came from (``len(offsets) == len(new_text) + 1``). Composing the
maps lets any span of the normalised text be traced back to the raw text, half-open ``[start, end)``.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable

from pythainlp.util import normalize as pythainlp_normalize

from pipeline.gazette_header import remove_gazette_headers
from pipeline.layout import read_text_columns

Offsets = list[int]
Rule = Callable[[str], tuple[str, Offsets]]

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
PAGE_BREAK = "\f"


def identity_offsets(n: int) -> Offsets:
    return list(range(n + 1))


def substitute(text: str, pattern: re.Pattern, replace: Callable[[re.Match], str]) -> tuple[str, Offsets]:
    """``pattern.sub`` that also returns the offset map.

    Characters of a replacement spread evenly over the matched input span, so a span that ends
    with a replacement maps back to the end of the match.
    """
    out: list[str] = []
    offsets: Offsets = []
    last = 0
    for m in pattern.finditer(text):
        new = replace(m)
        if new == m.group():  # most Thai runs come back as they were: the stretch stays unchanged
            continue
        start, end = m.span()
        out.append(text[last:start])
        offsets.extend(range(last, start))
        out.append(new)
        offsets.extend(start + k * (end - start) // len(new) for k in range(len(new)))
        last = end
    if not out:
        return text, identity_offsets(len(text))  # the same object: normalise() knows nothing changed
    out.append(text[last:])
    offsets.extend(range(last, len(text)))
    offsets.append(len(text))
    return "".join(out), offsets


def compose(first: Offsets, second: Offsets) -> Offsets:
    """Offsets of rule B applied after rule A, back to A's input."""
    return list(map(first.__getitem__, second))


# --- the rules -----------------------------------------------------------------------------------

_CLUSTER = re.compile(r".[\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*", re.S)


def unicode_nfc(text: str) -> tuple[str, Offsets]:
    """NFC per grapheme cluster, so offsets stay exact outside changed clusters."""
    if unicodedata.is_normalized("NFC", text):
        return text, identity_offsets(len(text))
    return substitute(text, _CLUSTER, lambda m: unicodedata.normalize("NFC", m.group()))


_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")


def remove_zero_width(text: str) -> tuple[str, Offsets]:
    """Drop zero-width spaces, joiners, BOMs and soft hyphens.

    >>> remove_zero_width("ก\u200bข")[0]
    'กข'
    """
    return substitute(text, _ZERO_WIDTH, lambda m: "")


_LINE_ENDINGS = re.compile(r"\r\n?|[\u2028\u2029\u0085]")


def unify_line_endings(text: str) -> tuple[str, Offsets]:
    return substitute(text, _LINE_ENDINGS, lambda m: "\n")


# No-break and other fixed-width spaces (web pages, Word files) as plain ones, one for one: the
# column reading below finds a signature table by its runs of spaces.
WIDE_SPACES = "\u00a0" + "".join(map(chr, range(0x2000, 0x200b))) + "\u202f\u205f\u3000"
_PLAIN_SPACES = str.maketrans(dict.fromkeys(map(ord, WIDE_SPACES), " "))


def with_plain_spaces(text: str) -> str:
    """``text`` with its wide spaces as plain ones (the same length)."""
    return text.translate(_PLAIN_SPACES)


def _one_for_one(text: str, table: dict[int, str]) -> tuple[str, Offsets]:
    """``text`` translated character for character (``text`` itself when nothing changed)."""
    changed = text.translate(table)
    return (text if changed == text else changed), identity_offsets(len(text))


def plain_spaces(text: str) -> tuple[str, Offsets]:
    """
    >>> plain_spaces("ลงชื่อ\u00a0\u00a0\u00a0ลงชื่อ")[0]
    'ลงชื่อ   ลงชื่อ'
    """
    return _one_for_one(text, _PLAIN_SPACES)


# Text copied out of a PDF or a Word file with double line spacing has a blank line after every
# line, so a blank line no longer ends a block. Told apart from a web page's one paragraph a line
# (which also has a blank after each) by its lines, wrapped at a page's width.
_GAP = re.compile(r"\n(?:[ \t]*\n)+")
_GAP_BETWEEN_LINES = re.compile(r"(?<=\S)[ \t]*\n(?:[ \t]*\n)*(?=[ \t]*\S)")
MIN_DOUBLE_SPACED_LINES, PAGE_WIDTH_CHARS = 8, 100


def is_double_spaced(text: str) -> bool:
    """Nearly every line followed by one blank line, and the median line no wider than a page."""
    lengths = sorted(len(" ".join(line.split())) for line in text.split("\n") if line.strip())  # gaps not counted
    if len(lengths) < MIN_DOUBLE_SPACED_LINES or lengths[len(lengths) // 2] > PAGE_WIDTH_CHARS:
        return False
    gaps = [m.group().count("\n") for m in _GAP_BETWEEN_LINES.finditer(text)]
    return sum(g == 1 for g in gaps) <= len(gaps) / 10 and sum(g == 2 for g in gaps) >= len(gaps) / 2


def single_space_lines(text: str) -> tuple[str, Offsets]:
    """One blank line less between lines of a double-spaced text: lines of a block meet again, and a
    block's end (two blank lines) is one.

    >>> single_space_lines("\\n\\n".join(["บรรทัด"] * 8) + "\\n\\n\\nต่อไป")[0].count("\\n\\n")
    1
    """
    if not is_double_spaced(text):
        return text, identity_offsets(len(text))
    return substitute(text, _GAP, lambda m: "\n" * (m.group().count("\n") - 1))


# ํ (nikhahit) + า typed or extracted for ำ (sara am), with a tone mark or space possibly between.
_SARA_AM = re.compile(r"\u0e4d\s?([\u0e48-\u0e4b]?)\s?\u0e32|([\u0e48-\u0e4b])\u0e4d\u0e32")


def repair_sara_am(text: str) -> tuple[str, Offsets]:
    """Nikhahit + sara aa (how many fonts and PDFs store ำ) becomes sara am.

    >>> repair_sara_am("ส\u0e4dานัก")[0] == "สำนัก"
    True
    """
    return substitute(text, _SARA_AM, lambda m: (m.group(1) or m.group(2) or "") + "\u0e33")


# PDF text layers and OCR put spaces between a base letter and its marks.
_SPACE_BEFORE_MARK = re.compile(r"(?<=[\u0e01-\u0e2e\u0e30-\u0e4e]) +(?=[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])")


def remove_space_before_marks(text: str) -> tuple[str, Offsets]:
    """A space between a letter and its vowel or tone mark is an extraction artefact.

    >>> remove_space_before_marks("ก ่อน")[0] == "ก่อน"
    True
    """
    return substitute(text, _SPACE_BEFORE_MARK, lambda m: "")


_ORPHAN_MARK = re.compile(r"(?:(?<=\s)|^)[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+", re.M)


def drop_orphan_marks(text: str) -> tuple[str, Offsets]:
    """A vowel or tone mark with no letter under it (after a space or at a line start) is debris.

    >>> drop_orphan_marks("ที มท 2556 \u0e48")[0]
    'ที มท 2556 '
    """
    return substitute(text, _ORPHAN_MARK, lambda m: "")


@lru_cache(maxsize=None)
def character_table(name: str) -> dict[str, str]:
    """A character → replacement table from ``pipeline/data/<name>`` (tab-separated, # comments)."""
    table = {}
    for line in resources.files("pipeline").joinpath(f"data/{name}").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            source, target = line.split("\t")[:2]
            table[source] = target
    return table


def lookalike_table() -> dict[str, str]:
    return character_table("lookalikes.tsv")


def replace_lookalikes(text: str) -> tuple[str, Offsets]:
    """Foreign letters that look like Thai, inside Thai words, become the Thai letter.

    >>> replace_lookalikes("นายदनัย ยอดนิล")[0] == "นายดนัย ยอดนิล"
    True
    """
    table = lookalike_table()
    foreign = re.escape("".join(table))
    run = re.compile(f"(?:(?<=[\u0e01-\u0e4e])[{foreign}]+|[{foreign}]+(?=[\u0e01-\u0e4e]))")
    return substitute(text, run, lambda m: "".join(table[c] for c in m.group()))


def pua_table() -> dict[str, str]:
    return character_table("thai_pua.tsv")


def map_private_use_glyphs(text: str) -> tuple[str, Offsets]:
    """Thai mark variants from a font's private-use area become the ordinary marks.

    >>> map_private_use_glyphs("ที\uf70a")[0] == "ที่"
    True
    """
    table = pua_table()
    return substitute(text, re.compile(f"[{''.join(table)}]"), lambda m: table[m.group()])


_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")


def pythainlp_rules(text: str) -> tuple[str, Offsets]:
    """PyThaiNLP's normaliser (mark order, doubled marks, เ+เ → แ) applied to each run of Thai."""
    return substitute(text, _THAI_RUN, lambda m: _normalised_thai_run(m.group()))


@lru_cache(maxsize=65536)
def _normalised_thai_run(run: str) -> str:
    """Runs of Thai repeat within and across documents (ที่, การ, จังหวัด): each is normalised once.
    PyThaiNLP's normaliser may leave a doubled mark it only removes on a second pass (ก่ิ่ํ): it is
    applied until the run no longer changes, so normalising is idempotent.

    >>> _normalised_thai_run("ก่ิ่ํ") == _normalised_thai_run(_normalised_thai_run("ก่ิ่ํ"))
    True
    """
    for _ in range(4):
        normalised = pythainlp_normalize(run)
        if normalised == run:
            break
        run = normalised
    return run


_DIGITS = str.maketrans(THAI_DIGITS, "0123456789")


def thai_digits_to_arabic(text: str) -> tuple[str, Offsets]:
    """Thai digits become Arabic ones, one for one.

    >>> thai_digits_to_arabic("๑๑ ตุลาคม ๒๕๕๕")[0]
    '11 ตุลาคม 2555'
    """
    return _one_for_one(text, _DIGITS)


_HSPACE = re.compile(f"[ \t{WIDE_SPACES}]+")


def collapse_spaces(text: str) -> tuple[str, Offsets]:
    return substitute(text, _HSPACE, lambda m: " ")


_LINE_EDGE_SPACE = re.compile(r"(?m)^ +| +$")


def strip_lines(text: str) -> tuple[str, Offsets]:
    return substitute(text, _LINE_EDGE_SPACE, lambda m: "")


# "- 2 -", "-๒-", "หน้า 2", "หน้า 2/5", "2/5" alone on a line: page furniture, not content.
_PAGE_NUMBER_LINE = re.compile(r"(?m)^(?:[-–—]\s*\d{1,3}\s*[-–—]|หน้า\s*\d{1,3}(?:\s*/\s*\d{1,3})?)[ \t]*(?:\n|$)")


def remove_page_numbers(text: str) -> tuple[str, Offsets]:
    """Drop page-number lines.

    >>> remove_page_numbers("ก\\n- 2 -\\nข")[0]
    'ก\\nข'
    """
    return substitute(text, _PAGE_NUMBER_LINE, lambda m: "")


# The catchword at a page foot ("จาก...", "บันทึก...") repeats the next page's first word: it marks
# a page break and is not content.
# Form lines to be filled in ("ลงชื่อ………", "ตำแหน่ง……") look the same but are not catchwords.
# Typists often open it with a slash and carry a clause number ("/ข้อ 2...", "/3.2..."); a number
# alone is taken only after the slash.
_CATCHWORD_LINE = re.compile(
    r"(?m)^(?:/?(?!ลงชื่อ|ชื่อ|ตำแหน่ง|วันที่|ที่|โทร|เลขที่|สังกัด)[\u0e01-\u0e4e]{1,20}(?:\s?\(?\d{1,3}(?:\.\d{1,3})*\)?)?"
    r"|/\(?\d{1,3}(?:\.\d{1,3})*\)?)\s?(?:\.{3,}|…)$")


def catchwords_to_page_breaks(text: str) -> tuple[str, Offsets]:
    """A catchword line becomes a form feed.

    >>> catchwords_to_page_breaks("ข้อ 3\\nบันทึก...\\nบันทึกนี้")[0]
    'ข้อ 3\\n\\x0c\\nบันทึกนี้'
    >>> [catchwords_to_page_breaks(line)[0] for line in ("/ผู้บัญชาการ...", "/ข้อ 2...", "/3.2...", "3.2...", "ลงชื่อ......")]
    ['\\x0c', '\\x0c', '\\x0c', '3.2...', 'ลงชื่อ......']
    """
    return substitute(text, _CATCHWORD_LINE, lambda m: PAGE_BREAK)


# A line drawn with rule characters ("-----", "_____", "*****", "……….."), under a title or between
# parts: it separates blocks as a blank line does and is not content.
_RULE_LINE = re.compile(r"(?m)^[-–—_=*.…~#•]{5,}$")


def rule_lines_to_blank(text: str) -> tuple[str, Offsets]:
    """A rule line becomes a blank line.

    >>> rule_lines_to_blank("เรื่อง ก\\n-------\\nข")[0]
    'เรื่อง ก\\n\\nข'
    """
    return substitute(text, _RULE_LINE, lambda m: "")


# Mail-merge fields an e-office system left unfilled in its export: {BookID}, {XXXXXXXXXXXXX}.
_TEMPLATE_FIELD = re.compile(r"(?m)^[ \t]*(?:\{[A-Za-z_]\w*\}[ \t]*)+\n|\{[A-Za-z_]\w*\}")


def remove_template_fields(text: str) -> tuple[str, Offsets]:
    """Unfilled template fields are not content; a line of nothing else goes with them.

    >>> remove_template_fields("เรียน {XXXXXXXXXXXXX} ปลัดกระทรวง\\n   {SendToName}\\nทุกกระทรวง")[0]
    'เรียน  ปลัดกระทรวง\\nทุกกระทรวง'
    """
    return substitute(text, _TEMPLATE_FIELD, lambda m: "")


_BLANK_RUN = re.compile(r"\n{3,}")


def collapse_blank_lines(text: str) -> tuple[str, Offsets]:
    """At most one blank line in a row: a blank line separates blocks, more says nothing more."""
    return substitute(text, _BLANK_RUN, lambda m: "\n\n")


RULES: tuple[tuple[str, Rule], ...] = (
    ("unify_line_endings", unify_line_endings),
    ("plain_spaces", plain_spaces),
    ("single_space_lines", single_space_lines),
    ("unicode_nfc", unicode_nfc),
    ("remove_zero_width", remove_zero_width),
    ("map_private_use_glyphs", map_private_use_glyphs),
    ("repair_sara_am", repair_sara_am),
    ("remove_space_before_marks", remove_space_before_marks),
    ("drop_orphan_marks", drop_orphan_marks),
    ("replace_lookalikes", replace_lookalikes),
    ("pythainlp_rules", pythainlp_rules),
    ("thai_digits_to_arabic", thai_digits_to_arabic),
    ("read_text_columns", read_text_columns),
    ("remove_template_fields", remove_template_fields),
    ("collapse_spaces", collapse_spaces),
    ("strip_lines", strip_lines),
    ("remove_gazette_headers", remove_gazette_headers),
    ("remove_page_numbers", remove_page_numbers),
    ("catchwords_to_page_breaks", catchwords_to_page_breaks),
    ("rule_lines_to_blank", rule_lines_to_blank),
    ("collapse_blank_lines", collapse_blank_lines),
)


@dataclass(frozen=True)
class Normalised:
    raw: str
    text: str
    to_raw: tuple[int, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span a normalised span ``[start, end)`` was read from, without trailing space."""
        raw_start, raw_end = self.to_raw[start], max(self.to_raw[start], self.to_raw[end])
        while raw_end > raw_start and self.raw[raw_end - 1].isspace():
            raw_end -= 1
        return raw_start, raw_end

    def refined(self, rules: tuple[tuple[str, Rule], ...], within: list[tuple[int, int]]) -> "Normalised":
        """Further rules run only on the text read from the raw spans ``within`` (the OCR pages of a
        mixed PDF), so repairs meant for OCR never touch a page read from its text layer.

        >>> raw = "หน้า ๑ | หน้า ๒"
        >>> normalise(raw, ()).refined((("digits", thai_digits_to_arabic),), [(9, len(raw))]).text
        'หน้า ๑ | หน้า 2'
        """
        if not within:
            return self  # no OCR page: nothing to map again
        cuts = sorted((bisect.bisect_left(self.to_raw, start), bisect.bisect_left(self.to_raw, end))
                      for start, end in within)
        pieces: list[str] = []
        offsets: Offsets = []
        done = 0
        for start, end in cuts:
            if start < done:
                continue
            pieces.append(self.text[done:start])
            offsets.extend(range(done, start))
            segment, local = self.text[start:end], identity_offsets(end - start)
            for _name, rule in rules:
                segment, step = rule(segment)
                local = compose(local, step)
            pieces.append(segment)
            offsets.extend(start + i for i in local[:-1])
            done = end
        pieces.append(self.text[done:])
        offsets.extend(range(done, len(self.text) + 1))
        return Normalised(self.raw, "".join(pieces), tuple(self.to_raw[i] for i in offsets))


def normalise(raw: str, rules: tuple[tuple[str, Rule], ...] = RULES) -> Normalised:
    """Run every rule in order and keep the composed offset map.

    >>> normalise("เรียน  ท้องถิ่นอำเภอ ๑๒").text == "เรียน ท้องถิ่นอำเภอ 12"
    True
    """
    text, offsets = raw, identity_offsets(len(raw))
    for _name, rule in rules:
        new_text, step = rule(text)
        if new_text is not text:  # a rule that changed nothing hands back its input: nothing to compose
            text, offsets = new_text, compose(offsets, step)
    return Normalised(raw, text, tuple(offsets))


def normalise_value(text: str) -> str:
    """A value as the record stores it: normalised, one line, single spaces.

    >>> normalise_value("ขีดความสามารถ\\nขององค์กร  ๑")
    'ขีดความสามารถ ขององค์กร 1'
    """
    flat = normalise(text).text.replace(PAGE_BREAK, " ")
    return " ".join(flat.split())
