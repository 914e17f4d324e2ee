"""Dictionary-guided repair of what Tesseract commonly does to Thai: a dropped tone mark.

Tesseract's Thai model drops the mai ek of ``ิ่`` and friends (``ถิ่น`` → ``ถิน``). A Thai word
that is not in the dictionary, but becomes one by putting back a single tone mark, is repaired.
Lines of OCR noise (the Garuda emblem, a dotted rule read as letters) are blanked first. Runs only on
OCR'd text, as normalisation rules (offsets are kept).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pythainlp.corpus import thai_words, tnc
from pythainlp.corpus.common import thai_family_names, thai_female_names, thai_male_names, thai_syllables
from pythainlp.tokenize import syllable_tokenize, word_tokenize

from models.catalog import agency_names, honorifics, positions
from pipeline.layout import signer_name
from pipeline.normalise import Offsets, substitute
from pipeline.segment import custom_dictionary

TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
# The marks Tesseract drops: the four tone marks and the thanthakhat (์) that silences a letter.
DROPPED_MARKS = TONE_MARKS + "\u0e4c"
COMMON_DROPPED_MARKS, RARE_DROPPED_MARKS = "\u0e48\u0e49\u0e4c", "\u0e4a\u0e4b"
# A tone mark sits on a consonant, or after an above/below vowel that sits on one.
_CAN_CARRY = re.compile(r"[\u0e01-\u0e2e\u0e31\u0e34-\u0e39]")
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]{3,}")


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    return frozenset(thai_words()) | frozenset(agency_names()) | frozenset(positions())


_ABOVE_OR_BELOW = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"


def with_one_mark_more(word: str, marks: str = DROPPED_MARKS) -> set[str]:
    """Every spelling of ``word`` with one of ``marks`` put back where a mark can sit."""
    return {word[:i + 1] + mark + word[i + 1:] for i, ch in enumerate(word) if _CAN_CARRY.match(ch)
            and not (i + 1 < len(word) and word[i + 1] in _ABOVE_OR_BELOW + DROPPED_MARKS)
            for mark in marks}


COMMON_SPELLING_RATIO = 50


@lru_cache(maxsize=1)
def word_frequencies() -> dict[str, int]:
    """Word counts of the Thai National Corpus, shipped with PyThaiNLP."""
    return dict(tnc.word_freqs())


def restore_tone_mark(word: str) -> str:
    """The dictionary word one dropped mark away, if there is exactly one; else the word as it was.

    >>> restore_tone_mark("ถิน"), restore_tone_mark("ยุทธศาสตร")
    ('ถิ่น', 'ยุทธศาสตร์')
    >>> restore_tone_mark("ยอดนิล")
    'ยอดนิล'
    >>> restore_tone_mark("เมือ"), restore_tone_mark("ได"), restore_tone_mark("แจง"), restore_tone_mark("เขา")
    ('เมื่อ', 'ได้', 'แจง', 'เขา')
    """
    words = vocabulary()
    if len(word) < 2 or any(c in DROPPED_MARKS for c in word):
        return word
    if word in words:
        # A rare word that is one dropped mark short of a common one is the common one misread:
        # OCR drops marks far more often than Thai prints เมือ (180 in the Thai National Corpus,
        # เมื่อ 90,185) or ได (978, ได้ 396,750); แจง (368, แจ้ง 8,452) and น้า stay.
        frequency = word_frequencies()
        common = [spelling for spelling in with_one_mark_more(word) & words
                  if frequency.get(spelling, 0) >= COMMON_SPELLING_RATIO * max(1, frequency.get(word, 0))]
        return common[0] if len(common) == 1 else word
    if len(word) < 3:
        return word
    found = with_one_mark_more(word) & words
    return found.pop() if len(found) == 1 else word


@lru_cache(maxsize=1)
def person_names() -> frozenset[str]:
    """Thai given names and surnames PyThaiNLP ships."""
    return frozenset(thai_male_names()) | frozenset(thai_female_names()) | frozenset(thai_family_names())


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return frozenset(thai_syllables())


def _unknown_syllables(word: str) -> int:
    return sum(syllable not in _syllables() for syllable in syllable_tokenize(word, engine="dict"))


def restore_name_mark(name: str) -> str:
    """A given name or surname read without one of its marks (or with a letter misread). A name is no
    dictionary word, so the dictionary cannot judge it (it would make เสงบุญพันธ์ into เส้ง…): the
    mark is put back where PyThaiNLP's name lists know exactly one such name, or where the name as
    read holds a syllable Thai has not and exactly one spelling a mark away has none; failing that,
    such a name becomes the one listed name a letter away.

    >>> restore_name_mark("พงษ์ศักดิ"), restore_name_mark("เอียมแสง"), restore_name_mark("เสงบุญพันธ์")
    ('พงษ์ศักดิ์', 'เอี่ยมแสง', 'เสงบุญพันธ์')
    >>> restore_name_mark("โชศชัย"), restore_name_mark("ชันอาสา"), restore_name_mark("พิชญสุดากานต์")
    ('โชคชัย', 'ชันอาสา', 'พิชญสุดากานต์')
    >>> restore_name_mark("วีนัย")
    'วินัย'
    """
    if len(name) < 3 or name in person_names():
        return name
    known = with_one_mark_more(name) & person_names()
    if len(known) == 1:
        return known.pop()
    known = with_vowel_length_swapped(name) & person_names()
    if len(known) == 1:
        return known.pop()
    if not _unknown_syllables(name):
        return name
    # Mai ek, mai tho and the thanthakhat first: mai tri and chattawa are rare (เอี่ยม, not เอี๊ยม).
    for marks in (COMMON_DROPPED_MARKS, RARE_DROPPED_MARKS):
        whole = {spelling for spelling in with_one_mark_more(name, marks)
                 if not _unknown_syllables(spelling) and not _thanthakhat_inside(spelling, name)}
        if whole:
            return whole.pop() if len(whole) == 1 else name
    # A letter misread (โชศชัย): the one listed name a letter away.
    near = [known for known in _names_of_length(len(name)) if sum(a != b for a, b in zip(known, name)) == 1]
    return near[0] if len(near) == 1 else name


# Vowels Tesseract takes for their long or short twin (วินัย read วีนัย).
_VOWEL_TWINS = {"\u0e34": "\u0e35", "\u0e35": "\u0e34", "\u0e36": "\u0e37", "\u0e37": "\u0e36",
                "\u0e38": "\u0e39", "\u0e39": "\u0e38"}


def with_vowel_length_swapped(word: str) -> set[str]:
    """The word with one vowel exchanged for its long or short twin, each way it can be."""
    return {word[:i] + _VOWEL_TWINS[ch] + word[i + 1:] for i, ch in enumerate(word) if ch in _VOWEL_TWINS}


def _thanthakhat_inside(spelling: str, name: str) -> bool:
    """Whether ``spelling`` puts a thanthakhat inside ``name``, not at its end: a compound name drops
    the first part's (พิชญ์ + สุดา → พิชญสุดา), so one missing there was never printed."""
    at = next((i for i, (a, b) in enumerate(zip(spelling, name)) if a != b), len(name))
    return spelling[at] == "\u0e4c" and at < len(name)


@lru_cache(maxsize=None)
def _names_of_length(length: int) -> tuple[str, ...]:
    return tuple(name for name in person_names() if len(name) == length)


def _repair_name_run(run: str) -> str:
    title = next((h for h in honorifics() if run.startswith(h)), "")
    return title + restore_name_mark(run[len(title):])


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
    """Each Thai run with its dropped tone marks put back; in signers' names by the name rule.

    >>> restore_dropped_tone_marks("กรมส่งเสริมการปกครองท้องถิน ที่ปรึกษาการพัฒนาอย่างยังยืน")[0]
    'กรมส่งเสริมการปกครองท้องถิ่น ที่ปรึกษาการพัฒนาอย่างยั่งยืน'
    >>> restore_dropped_tone_marks("(นายชาญนะ เอียมแสง) (นางสาวดวงพร เสงบุญพันธ์)")[0]
    '(นายชาญนะ เอี่ยมแสง) (นางสาวดวงพร เสงบุญพันธ์)'
    """
    names = [m.span() for m in signer_name().finditer(text)]

    def repair(m: re.Match) -> str:
        in_name = any(start <= m.start() < end for start, end in names)
        return _repair_name_run(m.group()) if in_name else _repair_run(m.group())

    return substitute(text, _THAI_RUN, repair)


_WEEKDAY = "จันทร์|อังคาร|พุธ|พฤหัสบดี|ศุกร์|เสาร์|อาทิตย์"
_ORDINAL_THI = re.compile(rf"(?<![\u0e01-\u0e4e])ที(?=\s?\d)|(?<=วัน)ที(?=[\s\d])|(?<=คณะ)ที(?=\s)"
                          rf"|(?<=วัน)(?P<weekday>{_WEEKDAY})ที(?=[\s\d])")


def restore_ordinal_thi(text: str) -> tuple[str, Offsets]:
    """``ที่`` before a number (ที่ 3, วันที่ 11, วันจันทร์ที่ 31) read without its mai ek.

    >>> restore_ordinal_thi("คณะที 3 วันที 11 วันจันทร์ที 31")[0]
    'คณะที่ 3 วันที่ 11 วันจันทร์ที่ 31'
    """
    return substitute(text, _ORDINAL_THI, lambda m: (m.group("weekday") or "") + "ที่")


# The labels that open the lines of a letter's head or an agreement's title. "เรือง" is a word of its
# own (to glow), so the dictionary repair leaves it alone; at the start of a line before a space it is
# the label. A label opens its line (or is the line), so one letter misread or dropped there
# ("ะหว่าง") is read as the label; labels this long are a letter away from no other line opener.
LETTER_LABELS = ("เรื่อง", "อ้างถึง", "สิ่งที่ส่งมาด้วย", "ระหว่าง", "ส่วนราชการ", "บันทึกข้อความ", "ขอแสดงความนับถือ",
                 "เรียน")
_LINE_OPENER = re.compile(r"(?m)^([\u0e01-\u0e4e]{5,16})(?=[ \t]|$)")
# Each label with its spelling when every mark Tesseract drops is dropped.
def without_dropped_marks(word: str) -> str:
    """The word with every mark Tesseract drops (tone marks, thanthakhat) dropped.

    >>> without_dropped_marks("เรื่อง"), without_dropped_marks("ศักดิ์")
    ('เรือง', 'ศักดิ')
    """
    return "".join(ch for ch in word if ch not in DROPPED_MARKS)


_LABEL_SPELLINGS = tuple((label, without_dropped_marks(label)) for label in LETTER_LABELS)


_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _skeleton(word: str) -> str:
    """The word without its vowel and tone marks (the letters on the line)."""
    return _MARKS.sub("", word)


@lru_cache(maxsize=None)
def _alone_in_its_skeleton(label: str) -> bool:
    """Whether no other dictionary word has the label's letters (เรียน: yes; เรื่อง: เรือง has them)."""
    return [w for w in vocabulary() if _skeleton(w) == _skeleton(label)] == [label]


def label_read_as(word: str) -> str | None:
    """The label a line-opening word stands for: itself, without its tone marks, or a letter off
    (tone marks aside).

    >>> label_read_as("เรือง"), label_read_as("ะหว่าง"), label_read_as("ระหวาง"), label_read_as("เครื่อง")
    ('เรื่อง', 'ระหว่าง', 'ระหว่าง', None)
    >>> label_read_as("สิ่งทิส่งมาด้วย"), label_read_as("บนทกข้อความ"), label_read_as("สงทสงมาดวย")
    ('สิ่งที่ส่งมาด้วย', 'บันทึกข้อความ', 'สิ่งที่ส่งมาด้วย')
    >>> label_read_as("เรย์น"), label_read_as("เรือน")
    ('เรียน', None)
    """
    word_bare = without_dropped_marks(word)
    for label, bare in _LABEL_SPELLINGS:
        if word in (label, bare):
            return label
        # A label keeps its consonants when a bold heading loses its small marks (บนทกข้อความ), or
        # when OCR takes a vowel for another mark (เรย์น): the label if no other word has them.
        if _skeleton(word) == _skeleton(label) and (len(label) >= 8 or _alone_in_its_skeleton(label)):
            return label
        # A word of its own a letter off a label (เครื่อง, เรื่อง) is that word.
        if len(label) >= 6 and word not in vocabulary() and (levenshtein_at_most_one(word, label)
                                                              or levenshtein_at_most_one(word_bare, bare)):
            return label
    return None


def levenshtein_at_most_one(a: str, b: str) -> bool:
    """Whether one insertion, deletion or substitution (or none) turns ``a`` into ``b``.

    >>> levenshtein_at_most_one("จันวาคม", "ธันวาคม"), levenshtein_at_most_one("ระหวาง", "ระหว่าง")
    (True, True)
    >>> levenshtein_at_most_one("จันวาคน", "ธันวาคม")
    False
    """
    if abs(len(a) - len(b)) > 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return a[i + 1:] == b[i + 1:] or a[i:] == b[i + 1:] or a[i + 1:] == b[i:]


def restore_letter_labels(text: str) -> tuple[str, Offsets]:
    """A line-opening label read without its tone marks or with one letter off.

    >>> restore_letter_labels("เรือง ขอความร่วมมือ\\nอางถึง หนังสือ\\nะหว่าง")[0]
    'เรื่อง ขอความร่วมมือ\\nอ้างถึง หนังสือ\\nระหว่าง'
    """
    return substitute(text, _LINE_OPENER, lambda m: label_read_as(m.group(1)) or m.group(1))


# A line of one- to three-character tokens: where OCR reads the Garuda emblem, a dotted rule or a
# signature's strokes as letters ("vw ww", "ะ a vw a a wy ew", "ณญ่ 0 อ").
_SHORT_TOKEN_LINE = re.compile(r"(?m)^[^\S\n]*(?:\S{1,3}[^\S\n]+)*\S{1,3}[^\S\n]*$")
_ACRONYM = re.compile(r"[A-Z]{2,3}")
_BRACKETED_LABEL = re.compile(r"\(\w{1,2}\)")


_LATIN_FRAGMENT = re.compile(r"[a-z]{1,2}")


def _mostly_latin_fragments(tokens: list[str]) -> bool:
    """Four or more tokens, half of them one or two lower-case Latin letters: strokes read as Latin,
    whatever digits are among them ("4 a ev a oe 6 a 77 yw")."""
    return len(tokens) >= 4 and 2 * sum(1 for t in tokens if _LATIN_FRAGMENT.fullmatch(t)) >= len(tokens)


def _is_noise(line: str) -> bool:
    tokens = line.split()
    if ((any(ch.isdigit() for ch in line) and not _mostly_latin_fragments(tokens)) or _BRACKETED_LABEL.search(line)
            or (len(tokens) == 1 and _ACRONYM.fullmatch(tokens[0]))):
        return False  # a page number, a clause label, an agency's acronym
    return not any(token.strip("()[].,:;-/") in vocabulary() for token in tokens)


# A line of longer tokens that are no words either: a letter repeated (a dotted rule read as รรรรรร)
# or Thai and Latin letters run together, with at most short Latin fragments beside them.
_REPEATED_LETTER = re.compile(r"(\S)\1{3}")
_THAI_AND_LATIN = re.compile(r"[\u0e01-\u0e4e][A-Za-z]|[A-Za-z][\u0e01-\u0e4e]")
_LATIN_WORDLET = re.compile(r"[a-z]{1,4}")
_ANY_LINE = re.compile(r"(?m)^[^\S\n]*\S[^\n]*$")


_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")


def _is_garbled(line: str) -> bool:
    """A line of garbled tokens, or of Latin fragments with no Thai and no digit (a stamp or an
    emblem read as "a lewd ww» a a a").

    >>> _is_garbled("พรรรรรรรรรรรรรัอนrent tars"), _is_garbled("นักวิชาการพัสดุ"), _is_garbled("Bike for MOM")
    (True, False, False)
    >>> _is_garbled("a lewd ww» a a a"), _is_garbled("Memorandum of Understanding on a")
    (True, False)
    """
    tokens = line.split()
    if (not _THAI_LETTER.search(line) and not any(ch.isdigit() for ch in line) and len(tokens) >= 4
            and 3 * sum(1 for t in tokens if _LATIN_FRAGMENT.fullmatch(t)) >= 2 * len(tokens)):
        return True  # two tokens in three are fragments: English prose has longer words between its "of"s
    garbled = [t for t in tokens if _REPEATED_LETTER.search(t) or _THAI_AND_LATIN.search(t)]
    return bool(garbled) and all(t in garbled or _LATIN_WORDLET.fullmatch(t) for t in tokens)


def blank_noise_lines(text: str) -> tuple[str, Offsets]:
    """Lines of OCR noise are blanked: no token in them is a word, a number or an acronym.

    >>> blank_noise_lines("vw ww\\n\\nคำสั่งจังหวัดพัทลุง\\nที่ 9 /2565\\nบ via\\nเรื่อง แต่งตั้ง\\nณ ที่ นี้\\n(ก)\\nTOR")[0]
    '\\n\\nคำสั่งจังหวัดพัทลุง\\nที่ 9 /2565\\n\\nเรื่อง แต่งตั้ง\\nณ ที่ นี้\\n(ก)\\nTOR'
    >>> blank_noise_lines("4 a ev a oe 6 a 77 yw\\n- 2 -\\n1 2 3")[0]
    '\\n- 2 -\\n1 2 3'
    """
    return substitute(text, _SHORT_TOKEN_LINE, lambda m: "" if _is_noise(m.group()) else m.group())


def blank_garbled_lines(text: str) -> tuple[str, Offsets]:
    """Lines whose every token is garbled are blanked.

    >>> blank_garbled_lines("นักวิชาการพัสดุ\\nพรรรรรรรรรรรรรัอนrent tars\\nจังหวัดพัทลุง")[0]
    'นักวิชาการพัสดุ\\n\\nจังหวัดพัทลุง'
    """
    return substitute(text, _ANY_LINE, lambda m: "" if _is_garbled(m.group()) else m.group())


# The honorifics most signers carry; OCR misreads one letter of them ("ผาย" for นาย, "นางสำว").
COMMON_HONORIFICS = ("นางสาว", "นาย", "นาง")
_BRACKETED_NAME_HEAD = re.compile(r"(?<=\()[\u0e01-\u0e4e]{4,}")


def honorific_read_as(word: str) -> str | None:
    """The bracketed name's first word with its honorific put right, where OCR misread one letter
    of นาย, นาง or นางสาว; None where the word opens with an honorific of its own or is a name.

    >>> honorific_read_as("ผายวีนัย"), honorific_read_as("นางสำวสุดารัตน์"), honorific_read_as("นายแพทย์วรพจน์")
    ('นายวีนัย', 'นางสาวสุดารัตน์', None)
    >>> honorific_read_as("พายุ"), honorific_read_as("นางสุดา")
    (None, None)
    """
    if word in person_names():
        return None
    own = [h for h in honorifics() if word.startswith(h)]
    for honorific in COMMON_HONORIFICS:
        head, rest = word[:len(honorific)], word[len(honorific):]
        if any(not honorific.startswith(h) or h == honorific for h in own):
            continue  # นายแพทย์…, and a right นาย…; นาง… may still be a misread นางสาว…
        # What follows must open a name: a consonant or a leading vowel, not a mark (พายุ, พายัพ).
        if (len(rest) >= 2 and re.match(r"[\u0e01-\u0e2e\u0e40-\u0e44]", rest)
                and sum(a != b for a, b in zip(head, honorific)) == 1):
            return honorific + rest
    return None


def restore_honorifics(text: str) -> tuple[str, Offsets]:
    """
    >>> restore_honorifics("(ผายวีนัย บัวประดิษฐ์)\\n(นายสมชาย ใจดี)")[0]
    '(นายวีนัย บัวประดิษฐ์)\\n(นายสมชาย ใจดี)'
    """
    return substitute(text, _BRACKETED_NAME_HEAD, lambda m: honorific_read_as(m.group()) or m.group())


# One or two stray marks before a line's first Thai letter: dust or a rule's end read as punctuation.
_STRAY_LINE_OPENER = re.compile(r"(?m)^([^\S\n]*)[.,'`‘’:;]{1,2}[^\S\n]?(?=[\u0e01-\u0e2e\u0e40-\u0e44])")


def drop_stray_line_openers(text: str) -> tuple[str, Offsets]:
    """
    >>> drop_stray_line_openers(".เรื่อง ขออนุญาต\\n  ,ด้วย\\n: เรียน อธิการบดี\\n...ต่อ\\n1.ขอ")[0]
    'เรื่อง ขออนุญาต\\n  ด้วย\\nเรียน อธิการบดี\\n...ต่อ\\n1.ขอ'
    """
    return substitute(text, _STRAY_LINE_OPENER, lambda m: m.group(1))


OCR_RULES = (
    ("blank_noise_lines", blank_noise_lines),
    ("drop_stray_line_openers", drop_stray_line_openers),
    ("restore_honorifics", restore_honorifics),
    ("blank_garbled_lines", blank_garbled_lines),
    ("restore_dropped_tone_marks", restore_dropped_tone_marks),
    ("restore_ordinal_thi", restore_ordinal_thi),
    ("restore_letter_labels", restore_letter_labels),
)
