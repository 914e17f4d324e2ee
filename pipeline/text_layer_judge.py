"""Judging a PDF page's text layer before it is trusted: used as it is, repaired, or OCR'd.

Thai PDFs break in a few ways. A font embedded without a usable Unicode map gives glyph soup
(``%0%211> คBO#ค%1O'02NN2%>`` for a title and a date); a layer written glyph by glyph splits sara am
from its letter (``อ านาจ``), puts marks out of order (``หนา้``, ``เลม่``) or spaces out every letter.
The soup cannot be mended and goes to OCR; the regular breakages are repaired here, each by a named
rule with an offset map (``pipeline/normalise.py``). The measures are cheap on purpose: the judge
looks at a sample of the page's Thai, never the whole of a long page (``benchmarks/text_layer.py``).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from models.options import Options
from pipeline.normalise import Offsets, Rule, compose, identity_offsets, map_private_use_glyphs, pua_table, substitute
from pipeline.ocr_repair import vocabulary

log = logging.getLogger(__name__)

Decision = Literal["used", "repaired", "ocr"]

CONSONANT = "\u0e01-\u0e2e"
LEADING_VOWEL = "\u0e40-\u0e44"
FOLLOWING_VOWEL = "\u0e30\u0e32\u0e33\u0e45"
ABOVE_BELOW_VOWEL = "\u0e31\u0e34-\u0e3a\u0e47"
TONE = "\u0e48-\u0e4b"
MARK = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"

PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
SPACE = re.compile(r"\s+")
THAI_LETTER = re.compile(f"[{CONSONANT}{LEADING_VOWEL}{FOLLOWING_VOWEL}{MARK}\u0e2f\u0e46]+")
LATIN_LETTER = re.compile("[A-Za-z]+")
LETTER = re.compile(r"[\u0e01-\u0e4eA-Za-z0-9]+")
# Symbols that ordinary Thai official text hardly uses; glyph soup is full of them.
SOUP_SYMBOL = re.compile(r"[!#$%&*+<=>?@\[\\\]^_`{|}~'\"\u00a1-\u00bf\u00d7\u00f7]")
# A Thai letter beside a Latin letter: a font's own encoding mapped to the wrong script.
MIXED_PAIR = re.compile(f"[{CONSONANT}{LEADING_VOWEL}{FOLLOWING_VOWEL}{MARK}][A-Za-z]"
                        f"|[A-Za-z][{CONSONANT}{LEADING_VOWEL}]")
THAI_TOKEN = re.compile(f"\\S*[{CONSONANT}]\\S*")
LATIN_TOKEN = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
LATIN_VOWEL = re.compile(r"[AEIOUYaeiouy]")
# A word of Latin letters with a digit or a bracket, colon, bar … inside it (``fiarn1flu6ru:r``, ``t}J1U``):
# Thai OCR'd into a legacy 8-bit font, read back as Latin. English words hardly ever look so.
LATIN_WORD = re.compile(r"(?<!\S)(?=\S*[A-Za-z])(?!\S*(?:@|http|www\.))\S{3,}")
BROKEN_LATIN_WORD = re.compile(r"[A-Za-z][:;{}|\[\]!?<>\\]+[A-Za-z]|[A-Za-z]\d|\d[A-Za-z]")
THAI_LETTERS = f"{CONSONANT}{LEADING_VOWEL}{FOLLOWING_VOWEL}{MARK}\u0e2f\u0e46"
THAI_CHARACTER = f"[{THAI_LETTERS}]"
THAI_RUN = re.compile(f"{THAI_CHARACTER}+")

# Control characters: a font's glyph numbers passed off as text; never in a real text layer.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Sequences Thai spelling does not allow (and a Latin-1 letter inside a Thai word, a font's mark glyphs
# mapped to É, Ê …):
FOREIGN_IN_THAI = re.compile(f"(?<=[{CONSONANT}{MARK}\u0e32\u0e33])[\u00c0-\u00ff]"
                             f"|[\u00c0-\u00ff](?=[{CONSONANT}{MARK}])")
# a mark with nothing it can sit on (a space, a vowel letter, another tone mark, the page's edge) before it,
INVALID_MARK = re.compile(f"(?<![{CONSONANT}{ABOVE_BELOW_VOWEL}\u0e4d])[{MARK}]"
                          f"|(?<=[{ABOVE_BELOW_VOWEL}])[{ABOVE_BELOW_VOWEL}]")
# a leading vowel (เ แ โ ใ ไ) with no consonant after it (เเ typed for แ is left to normalisation),
INVALID_LEADING = re.compile(f"[{LEADING_VOWEL}](?![{CONSONANT}\u0e40])")
# a following vowel (ะ า ำ) that opens a word or follows a leading vowel.
INVALID_FOLLOWING = re.compile(f"(?<![{CONSONANT}{MARK}\u0e32\u0e2f\u0e46])[{FOLLOWING_VOWEL}]")

# Above this share of the page's Thai, sequences Thai forbids make the layer broken.
MAX_INVALID_SHARE = 0.02
MAX_SOUP_SHARE = 0.05
MAX_MIXED_TOKEN_SHARE = 0.10
MAX_UNVOICED_LATIN_SHARE = 0.40
MAX_BROKEN_LATIN_SHARE = 0.20  # real English pages measure under 0.11, legacy-font soup over 0.25
MIN_DICTIONARY_SHARE = 0.60
READS_AS_THAI = 0.80
# Thai letters the dictionary check reads at most, spread over the page: it bounds the judge's cost.
DICTIONARY_SAMPLE = 400
LONGEST_WORD = 14


@dataclass(frozen=True)
class Measures:
    """What the judge counts on one page's text layer."""

    letters: int          # Thai, Latin letters and digits
    thai_share: float     # Thai letters among letters (digits aside)
    unknown_private: int  # private-use glyphs with no known Thai meaning
    control: int          # control characters (glyph numbers passed off as text)
    soup_share: float     # soup symbols among the characters that are not white space
    mixed_share: float    # Thai letters beside Latin ones, per word with Thai letters
    unvoiced_latin_share: float  # Latin words without a vowel among Latin words
    broken_latin_share: float    # Latin words with digits or brackets inside, among words of Latin letters
    invalid: int          # sequences Thai spelling does not allow
    invalid_share: float  # ... per Thai letter
    dictionary_share: float | None  # sampled Thai letters inside dictionary words; None when too little Thai

    def summary(self) -> str:
        words = f", dictionary {self.dictionary_share:.0%}" if self.dictionary_share is not None else ""
        return (f"Thai {self.thai_share:.0%} of letters, symbols {self.soup_share:.0%}, "
                f"forbidden sequences {self.invalid}{words}")


@dataclass(frozen=True)
class Judgement:
    """The decision on one page's text layer, the measure behind it and why, in words."""

    page: int
    decision: Decision
    score: float      # 0..1, how readable the layer is (after repair, for a repaired page)
    reason: str
    text: str         # the text to use: the layer, or the layer repaired ("" when OCR reads the page)
    measures: Measures | None = None


def _dictionary_share(text: str) -> float | None:
    """Share of a sample of the page's Thai letters that fall inside dictionary words (longest match).

    >>> _dictionary_share("กรมส่งเสริมการปกครองท้องถิ่น ขอความร่วมมือประชาสัมพันธ์")
    1.0
    """
    runs = THAI_RUN.findall(text)
    total = sum(len(r) for r in runs)
    if total < 30:
        return None
    if total > DICTIONARY_SAMPLE:  # runs spread evenly over the page, about DICTIONARY_SAMPLE letters
        step = total / DICTIONARY_SAMPLE
        picked, budget, seen = [], 0.0, 0
        for run in runs:
            seen += len(run)
            if seen >= budget:
                picked.append(run)
                budget += step * len(run)
        runs = picked
    words = vocabulary()
    covered = letters = 0
    for run in runs:
        letters += len(run)
        i = 0
        while i < len(run):
            for length in range(min(LONGEST_WORD, len(run) - i), 1, -1):
                if run[i:i + length] in words:
                    covered += length
                    i += length
                    break
            else:
                i += 1
    return round(covered / letters, 3) if letters else None


def measure(text: str) -> Measures:
    """Count what tells a usable layer from a broken one (known private-use glyphs count as Thai).

    >>> m = measure("เล่ม ๑๔๒ ตอนที่ ๖๑ ก หน้า ๑ ราชกิจจานุเบกษา ๑๘ กันยายน ๒๕๖๘")
    >>> m.thai_share, m.invalid, m.soup_share
    (1.0, 0, 0.0)
    >>> measure("อ านาจ หนา้ที่").invalid
    2
    """
    unknown_private = sum(1 for c in PRIVATE_USE.findall(text) if c not in pua_table())
    text = map_private_use_glyphs(text)[0]
    # runs, not single characters, are found: summing their lengths is several times faster
    thai = sum(map(len, THAI_LETTER.findall(text)))
    latin = sum(map(len, LATIN_LETTER.findall(text)))
    letters = sum(map(len, LETTER.findall(text)))
    visible = (len(text) - sum(map(len, SPACE.findall(text)))) or 1
    control = len(CONTROL.findall(text))
    soup = len(SOUP_SYMBOL.findall(text)) + unknown_private + control
    thai_tokens = len(THAI_TOKEN.findall(text))
    mixed = len(MIXED_PAIR.findall(text))
    latin_tokens = LATIN_TOKEN.findall(text)
    unvoiced = sum(1 for token in latin_tokens if not LATIN_VOWEL.search(token))
    latin_words = LATIN_WORD.findall(text)
    broken_latin = sum(1 for word in latin_words if BROKEN_LATIN_WORD.search(word))
    invalid = (len(INVALID_MARK.findall(text)) + len(INVALID_LEADING.findall(text))
               + len(INVALID_FOLLOWING.findall(text)) + len(FOREIGN_IN_THAI.findall(text)))
    return Measures(
        letters=letters,
        thai_share=round(thai / (thai + latin), 3) if thai + latin else 0.0,
        unknown_private=unknown_private,
        control=control,
        soup_share=round(soup / visible, 3),
        mixed_share=round(mixed / thai_tokens, 3) if thai_tokens else 0.0,
        unvoiced_latin_share=round(unvoiced / len(latin_tokens), 3) if len(latin_tokens) >= 5 else 0.0,
        broken_latin_share=round(broken_latin / len(latin_words), 3) if len(latin_words) >= 10 else 0.0,
        invalid=invalid,
        invalid_share=round(invalid / thai, 3) if thai else 0.0,
        dictionary_share=_dictionary_share(text) if thai >= latin else None,
    )


def _reads_as_thai(m: Measures) -> bool:
    """Thai the dictionary reads is Thai, whatever symbols (Markdown, tables) or acronyms stand beside it."""
    return m.dictionary_share is not None and m.dictionary_share >= READS_AS_THAI and m.thai_share >= 0.5


def problem_of(m: Measures, options: Options) -> str | None:
    """Why a layer with these measures cannot be used as it is, or None."""
    if m.letters < options.min_text_layer_chars:
        return "no text layer" if m.letters == 0 else f"text layer has only {m.letters} letters"
    if m.control > 0.02 * m.letters:
        return f"text layer is glyph soup (control characters: {m.control})"
    if m.unknown_private > 0.05 * m.letters:
        return f"text layer uses private-use glyphs ({m.unknown_private})"
    reads_as_thai = _reads_as_thai(m)
    if m.soup_share > MAX_SOUP_SHARE and not reads_as_thai:
        return f"text layer is glyph soup (symbols {m.soup_share:.0%} of characters)"
    if m.mixed_share > MAX_MIXED_TOKEN_SHARE and not reads_as_thai:
        return f"text layer is glyph soup (Thai and Latin letters side by side, {m.mixed_share:.0%} of words)"
    if m.unvoiced_latin_share > MAX_UNVOICED_LATIN_SHARE and not reads_as_thai:
        return f"text layer is glyph soup (Latin words without vowels {m.unvoiced_latin_share:.0%})"
    if m.broken_latin_share > MAX_BROKEN_LATIN_SHARE and not reads_as_thai:
        return f"text layer is glyph soup (Latin words with digits or brackets inside {m.broken_latin_share:.0%})"
    if m.invalid_share > MAX_INVALID_SHARE:
        return f"text layer has sequences Thai spelling forbids ({m.invalid}, {m.invalid_share:.0%} of Thai letters)"
    if m.dictionary_share is not None and m.dictionary_share < MIN_DICTIONARY_SHARE:
        return f"dictionary recognises {m.dictionary_share:.0%} of the text layer's Thai"
    return None


def score_of(m: Measures) -> float:
    """One readability figure 0..1: the dictionary's share, lowered by soup and forbidden sequences."""
    base = m.dictionary_share if m.dictionary_share is not None else (1.0 if m.letters else 0.0)
    soup = 0.0 if _reads_as_thai(m) and not m.control else 5 * m.soup_share + m.mixed_share
    penalty = min(1.0, soup + 5 * m.invalid_share)
    return round(max(0.0, base * (1 - penalty)), 3)


# --- the repairs: regular breakages, each a named rule with an offset map -----------------------

_SPLIT_SARA_AM = re.compile(f"(?<=[{CONSONANT}])([{TONE}]?) \u0e32")
_REVERSED_SARA_AM = re.compile(f"(?<=[{CONSONANT}])([{TONE}]?)\u0e32\u0e4d")
# ... or a space after its aa or am (``ดา เนินการ``, ``สาํ หรับ``): joined only where the dictionary
# agrees, as ``มา เป็น`` is right.
_SARA_AM_SPACE_AFTER = re.compile(f"(?<=[{CONSONANT}])([{TONE}]?)[\u0e32\u0e33] (?=[{CONSONANT}{LEADING_VOWEL}])")


def join_split_sara_am(text: str) -> tuple[str, Offsets]:
    """Sara am whose nikhahit was lost, leaving a space before its aa (``อ านาจ`` → ``อำนาจ``), or
    written after the aa (``กาํ หนด`` → ``กำ หนด``). Where the dictionary reads the letters joined
    without it, it was a spaced-out aa (``ท าง`` → ``ทาง``).

    >>> join_split_sara_am("อ านาจหน้าที่ ส านักงาน ท าง กา\u0e4d หนดการ")[0]
    'อำนาจหน้าที่ สำนักงาน ทาง กำ หนดการ'
    """
    def before(m: re.Match) -> str:
        start, end = max(0, m.start() - _RUN_AROUND), min(len(text), m.end() + _RUN_AROUND)
        am, aa = m.group(1) + "\u0e33", m.group(1) + "\u0e32"
        head, tail = text[start:m.start()], text[m.end():end]
        return aa if _reads_better(head + aa + tail, head + am + tail) else am

    text, first = substitute(text, _SPLIT_SARA_AM, before)
    text, second = substitute(text, _REVERSED_SARA_AM, lambda m: m.group(1) + "\u0e33")
    return text, compose(first, second)


def join_sara_am_space_after(text: str) -> tuple[str, Offsets]:
    """A space after sara am or its aa (``ดา เนินการ``, ``สำ หรับ``) goes where the dictionary reads the
    letters joined better (``มา เป็น`` is right as it is). Runs after the marks are put right.

    >>> join_sara_am_space_after("ดา เนินการ มา เป็น สำ หรับ")[0]
    'ดำเนินการ มา เป็น สำหรับ'
    """
    def after(m: re.Match) -> str:
        start, end = max(0, m.start() - _RUN_AROUND), min(len(text), m.end() + _RUN_AROUND)
        joined = m.group(1) + "\u0e33"
        head, tail = text[start:m.start()], text[m.end():end]
        return joined if _reads_better(head + joined + tail, text[start:end]) else m.group()

    return substitute(text, _SARA_AM_SPACE_AFTER, after)


_TONE_AFTER_VOWEL = re.compile(f"([\u0e32\u0e33])([{TONE}\u0e4c])")
_TONE_BEFORE_VOWEL = re.compile(f"([{TONE}])([\u0e31\u0e34-\u0e39\u0e47])")


def reorder_marks(text: str) -> tuple[str, Offsets]:
    """A tone mark written after the aa or am it stands before, or before the vowel mark it sits on.

    >>> reorder_marks("หนา้ที่ น ำ้ ท่ี")[0]
    'หน้าที่ น ้ำ ที่'
    """
    text, first = substitute(text, _TONE_AFTER_VOWEL, lambda m: m.group(2) + m.group(1))
    text, second = substitute(text, _TONE_BEFORE_VOWEL, lambda m: m.group(2) + m.group(1))
    return text, compose(first, second)


# Marks (vowels above or below, tone marks, thanthakhat) written after the next letter instead of their own.
_MARKS_ONE_LETTER_LATE = re.compile(f"(?<=[{CONSONANT}{ABOVE_BELOW_VOWEL}{TONE}])([{CONSONANT}{LEADING_VOWEL}])"
                                    f"([{ABOVE_BELOW_VOWEL}{TONE}\u0e4c]+)")
_MARKS_ONLY = re.compile(f"[{MARK}]")
_RUN_AROUND = 6


def move_late_marks(text: str) -> tuple[str, Offsets]:
    """Marks written after the next letter (``เลม่`` for ``เล่ม``; ``จดัการ``, ``แกไ้ข``, ``ขอ้มูล`` as
    Word's PDF export writes จัดการ, แก้ไข, ข้อมูล) go back onto their own letter where the letters
    moved then fall inside dictionary words and the text around reads better; never where the
    dictionary reads the letters as printed (``ที่จะมีต่อไป``: มีต is a word, ต่อไป too). Left to
    right, each move seeing the ones before it.

    >>> move_late_marks("หนังสือเลม่นี้ แม่น้ำ ท้องถิน่ จดัการแกไ้ขขอ้มูล ไวเ้ป็น ที่จะมีต่อไป")[0]
    'หนังสือเล่มนี้ แม่น้ำ ท้องถิ่น จัดการแก้ไขข้อมูล ไว้เป็น ที่จะมีต่อไป'
    """
    offsets = identity_offsets(len(text))
    position = 0
    while first := _MARKS_ONE_LETTER_LATE.search(text, position):
        # this move and the ones just after it compete: in ถิน่ the tone goes back, not the vowel
        rivals, at = [first], first.end()
        while (rival := _MARKS_ONE_LETTER_LATE.search(text, at)) and rival.start() <= first.end() + 2:
            rivals.append(rival)
            at = rival.end()
        best = max((move for m in rivals for move in _mark_moves(text, m)), default=None)
        if best is None:
            position = first.start() + 1
            continue
        _gain, start, end, k = best
        letter_and_marks = text[start:end]
        text = text[:start] + letter_and_marks[1:k + 1] + letter_and_marks[0] + letter_and_marks[k + 1:] + text[end:]
        # the same characters in a new order: each keeps its own position in the input
        span = offsets[start:end]
        offsets[start:end] = span[1:k + 1] + span[:1] + span[k + 1:]
        position = start + 1
    return text, offsets


def _mark_moves(text: str, m: re.Match) -> list[tuple[int, int, int, int]]:
    """Moves of the late marks of ``m`` back onto the letter before that the dictionary reads better:
    (gain, start, end, how many of the marks move)."""
    if _span_read(text, m.start(), m.end()):
        return []  # the dictionary reads these letters as they are
    start, end = max(0, m.start() - _RUN_AROUND), min(len(text), m.end() + _RUN_AROUND)
    letter, marks = m.group(1), m.group(2)
    before = _dictionary_cover(text[start:end])
    moves = []
    for k in range(1, len(marks) + 1):  # the first mark back, or more of them
        moved = marks[:k] + letter + marks[k:]
        window = text[start:m.start()] + moved + text[m.end():end]
        gain = _dictionary_cover(window) - before
        # the letters moved must then be read: a gain elsewhere in the window is no reason
        if gain > 0 and _span_read(window, m.start() - start, m.end() - start):
            moves.append((gain, m.start(), m.end(), k))
    return moves


def _reads_better(candidate: str, current: str) -> bool:
    """Whether the dictionary reads ``candidate`` better than ``current`` (two versions of a window)."""
    return _dictionary_cover(candidate) > _dictionary_cover(current)


def _span_read(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies inside dictionary words (``_segment`` of its Thai run)."""
    run_start = start
    while run_start > 0 and THAI_RUN.match(text, run_start - 1):
        run_start -= 1
    run = THAI_RUN.match(text, run_start)
    if run is None:
        return False
    read = _read_positions(run.group(), run.start())
    return all(index in read for index in range(start, end))


def _read_positions(run: str, offset: int) -> set[int]:
    """Positions (from ``offset``) of a Thai run's letters inside dictionary words (``_segment``)."""
    return {offset + i for start, end in _segment(run) for i in range(start, end)}


def _segment(run: str) -> list[tuple[int, int]]:
    """The dictionary words of a Thai run, chosen to read as many of its letters as can be read, in
    as few words as that takes (greedy longest match misreads: มีต is a word, and ที่จะมีต่อไป would
    leave ่อ unread)."""
    words, n = vocabulary(), len(run)
    best: list[tuple[int, int]] = [(0, 0)] + [(-1, 0)] * n  # (letters read, -words) up to each position
    back: list[tuple[int, bool]] = [(0, False)] * (n + 1)
    for i in range(n):
        if best[i][0] < 0:
            continue
        if best[i] > best[i + 1]:
            best[i + 1], back[i + 1] = best[i], (i, False)
        for length in range(2, min(LONGEST_WORD, n - i) + 1):
            if run[i:i + length] in words:
                value = (best[i][0] + length, best[i][1] - 1)
                if value > best[i + length]:
                    best[i + length], back[i + length] = value, (i, True)
    spans, i = [], n
    while i > 0:
        start, is_word = back[i]
        if is_word:
            spans.append((start, i))
        i = start
    return spans[::-1]


def _longest_match(text: str) -> tuple[int, int]:
    """Letters of ``text``'s Thai runs inside dictionary words (``_segment``), and how many words."""
    spans = [span for run in THAI_RUN.findall(text) for span in _segment(run)]
    return sum(end - start for start, end in spans), len(spans)


def _dictionary_cover(text: str) -> int:
    """How well the dictionary reads ``text``: the letters inside words, and for as many letters,
    fewer longer words (``ดำเนินการ`` over ``ดา`` + ``เนินการ``)."""
    covered, count = _longest_match(text)
    return 8 * covered - count


_SPACED_GAP = re.compile(f"(?<=[\u0e01-\u0e4e]) (?=[\u0e01-\u0e4e])|  +")


def join_spaced_letters(text: str) -> tuple[str, Offsets]:
    """On a page whose Thai is spaced out letter by letter (``ก า ร ป ร ะ ชุ ม``), single spaces
    between Thai letters go and a wider gap is one space. Pages that are not spaced out are left.

    >>> join_spaced_letters("ก า ร ป ร ะ ชุ ม  ค ณ ะ ก ร ร ม ก า ร")[0]
    'การประชุม คณะกรรมการ'
    >>> join_spaced_letters("การประชุม คณะกรรมการ")[0]
    'การประชุม คณะกรรมการ'
    """
    runs = THAI_RUN.findall(text)
    if len(runs) < 10 or sum(1 for run in runs if len(_MARKS_ONLY.sub("", run)) <= 2) < 0.6 * len(runs):
        return text, identity_offsets(len(text))
    return substitute(text, _SPACED_GAP, lambda m: "" if m.group() == " " else " ")


# Thai runs separated by single spaces: a phrase whose spaces may fall inside words.
# A run before a full stop is an abbreviation (พ.ศ.), not a piece of a word: it ends no phrase.
_SPACED_PHRASE = re.compile(f"(?<!{THAI_CHARACTER}){THAI_RUN.pattern}(?: {THAI_RUN.pattern})+(?![.{THAI_LETTERS}])")


@lru_cache(maxsize=65536)
def _fully_read(token: str) -> bool:
    return sum(end - start for start, end in _segment(token)) == len(token)


# A piece of three letters or fewer that is no word: where a layer's spaces break words, they leave
# such pieces (ว, ฐ, วั, เมื่ อ's อ); a phrase without one is read no further (most text, and fast).
MAX_PIECE_CHARS = 3
# Tokens that stand alone between spaces by Thai spelling rules and that the word list lacks.
STANDALONE = frozenset({"ๆ", "ฯ", "ณ"})


def _join_inside_words(phrase: str) -> str:
    tokens = phrase.split(" ")
    words = vocabulary()
    if not any(len(token) <= MAX_PIECE_CHARS and token not in words and token not in STANDALONE for token in tokens):
        return phrase
    joined = "".join(tokens)
    # Two-letter words (กา, รก) fill gaps anywhere: only a longer word read across a space joins it.
    across = {i: start for start, end in _segment(joined) if end - start >= 3 for i in range(start + 1, end)}
    out, at = [tokens[0]], len(tokens[0])
    for left, right in zip(tokens, tokens[1:]):
        out.append(right if at in across and _breaks(left, at, across[at]) else " " + right)
        at += len(right)
    return "".join(out)


def _breaks(left: str, at: int, word_start: int) -> bool:
    """Whether the space at ``at``, after the piece ``left``, breaks the word read across it from
    ``word_start``: yes after a piece that is no word alone (ด้ ว ย); after one that is, only when
    that word carries on the piece's last word (เรื่อ ง), not when it cuts the piece anew
    (โครงการ ก would read โครง การก)."""
    if not _fully_read(left):
        return True
    last_word_start = at - len(left) + _segment(left)[-1][0]
    return word_start == last_word_start


def join_broken_words(text: str) -> tuple[str, Offsets]:
    """Spaces a PDF's text layer put inside words (``ด้ ว ยคณะรั ฐ มนตรี``), where the dictionary
    reads a word of three letters or more across them (``_breaks`` says which of those go).

    >>> join_broken_words("ด้ ว ยคณะรั ฐ มนตรี ได้ มี ม ติ เมื่ อ วั น ที่ ๑๕")[0]
    'ด้วยคณะรัฐมนตรี ได้ มีมติ เมื่อ วันที่ ๑๕'
    >>> join_broken_words("เรียน ผู้ว่าราชการจังหวัด นายมนัส หนูรักษ์ โครงการ ก")[0]
    'เรียน ผู้ว่าราชการจังหวัด นายมนัส หนูรักษ์ โครงการ ก'
    """
    mended = {m.start(): joined for m in _SPACED_PHRASE.finditer(text)
              if (joined := _join_inside_words(m.group())) != m.group()}
    if not mended:
        return text, identity_offsets(len(text))
    return substitute(text, _SPACED_PHRASE, lambda m: mended.get(m.start(), m.group()))


_LATIN1_RUN = re.compile("[\u00a1-\u00fb]+")
_CP874_THAI = re.compile("[\u00a1-\u00da\u00df-\u00fb]")


def decode_thai_read_as_latin1(text: str) -> tuple[str, Offsets]:
    """A layer whose font puts Thai glyphs at their TIS-620 / cp874 codes under a Latin encoding reads
    as Latin-1 letters (``¡ÃÁ`` for ``กรม``); where such letters are most of the page, they are decoded.

    >>> decode_thai_read_as_latin1("¡ÃÁÊè§àÊÃÔÁ¡ÒÃ»¡¤ÃÍ§·éÍ§¶Ôè¹")[0]
    'กรมส่งเสริมการปกครองท้องถิ่น'
    """
    visible = len(text) - sum(map(len, SPACE.findall(text)))
    if not visible or len(_CP874_THAI.findall(text)) < 0.5 * visible:
        return text, identity_offsets(len(text))
    return substitute(text, _LATIN1_RUN, lambda m: m.group().encode("latin-1").decode("cp874", "replace"))


TEXT_LAYER_REPAIRS: tuple[tuple[str, Rule], ...] = (
    ("decode_thai_read_as_latin1", decode_thai_read_as_latin1),
    ("join_spaced_letters", join_spaced_letters),
    ("join_split_sara_am", join_split_sara_am),
    ("reorder_marks", reorder_marks),
    ("move_late_marks", move_late_marks),
    ("join_sara_am_space_after", join_sara_am_space_after),
)


def repair(text: str) -> tuple[str, list[str]]:
    """The layer with the regular breakages mended, and the names of the repairs that changed it.

    >>> repair("อ านาจหนา้ที่ของสภา")
    ('อำนาจหน้าที่ของสภา', ['join_split_sara_am', 'reorder_marks'])
    """
    applied = []
    for name, rule in TEXT_LAYER_REPAIRS:
        repaired, _ = rule(text)
        if repaired != text:
            applied.append(name)
            text = repaired
    return text, applied


def judge(text: str, page: int, options: Options) -> Judgement:
    """Use, repair or OCR one page (1-based ``page``) from its text layer.

    >>> judge("อ านาจหนา้ที่ของคณะกรรมการ ให้เป็นไปตามพระราชบัญญัตินี้", 1, Options()).decision
    'repaired'
    >>> judge("%0%211> คBO#ค%1O'02NN2%>#/>??/>'BN#2> 1B์", 2, Options()).decision
    'ocr'
    """
    measures = measure(text)
    problem = problem_of(measures, options)
    # A regular breakage recurs over the page; one stray mark is left to normalisation (drop_orphan_marks).
    if problem is None and measures.invalid <= 1 and (measures.dictionary_share or 1.0) >= 0.9:
        return Judgement(page, "used", score_of(measures), "text layer reads as Thai: " + measures.summary(),
                         text, measures)
    repaired, applied = repair(text)
    if applied:
        after = measure(repaired)
        better = after.invalid < measures.invalid or (after.dictionary_share or 0) > (measures.dictionary_share or 0)
        if problem_of(after, options) is None and better:
            reason = f"repaired ({', '.join(applied)}): {measures.summary()} → {after.summary()}"
            log.info("page %d: %s", page, reason)
            return Judgement(page, "repaired", score_of(after), reason, repaired, after)
    if problem is None:
        return Judgement(page, "used", score_of(measures), "text layer reads as Thai: " + measures.summary(),
                         text, measures)
    reason = problem if measures.letters < options.min_text_layer_chars else f"{problem} ({measures.summary()})"
    log.info("page %d: %s; OCR", page, reason)
    return Judgement(page, "ocr", score_of(measures), reason, "", measures)
