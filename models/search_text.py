"""Text as the search index holds it: Thai words segmented, digits in one script, and a folded
shadow that forgives lost tone marks and letters OCR confuses.

Segmentation is longest matching over PyThaiNLP's word list (``thai_words``), never splitting a
Thai character cluster. It is run on every stored document and on every query the same way, so a
query's words line up with the document's. newmm (PyThaiNLP's default) reads better but costs
about 70 ms for a 7,000-character letter here against about 6 ms for this pass, and the store must
keep the ingest rate (benchmarks/search.py measures both).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pythainlp.corpus import thai_words

from models.catalog import honorifics

if TYPE_CHECKING:
    from models.record import Record

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_THAI_DIGIT = re.compile(f"[{THAI_DIGITS}]")
# Marks that sit on a consonant, and vowels written after it: neither can begin a word.
_COMBINING = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_FOLLOWING = _COMBINING | frozenset("\u0e30\u0e32\u0e33\u0e45")
_LEADING = frozenset("เแโใไ")
_THAI_RUN = re.compile(r"[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]+|[^\s\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]+")
_PUNCT = re.compile(r"[^\w\u0e00-\u0e7f]+")

# Tone marks, the short-vowel sign, the silent-letter mark and a lone nikhahit: OCR drops them
# and people type names without them.
_DROPPED = dict.fromkeys(map(ord, "\u0e48\u0e49\u0e4a\u0e4b\u0e47\u0e4c\u0e4d\u0e4e"))
# Letters and vowels Tesseract's Thai model confuses (a tail or a stroke apart), folded to one.
_OCR_PAIRS = {"ต": "ด", "ป": "บ", "ฏ": "ฎ", "ภ": "ถ", "ฟ": "พ", "ฝ": "ผ", "ซ": "ช", "ฃ": "ข", "ฅ": "ค",
              "ี": "ิ", "ื": "ึ", "ู": "ุ", "ฦ": "ฤ"}
_FOLD = str.maketrans({**_DROPPED, **{ord(k): v for k, v in _OCR_PAIRS.items()}})


def arabic_digits(text: str) -> str:
    """Thai digits as Arabic ones.

    >>> arabic_digits("มท ๐๘๙๑.๓/ว ๒๕๕๖")
    'มท 0891.3/ว 2556'
    """
    return text.translate(_TO_ARABIC) if _THAI_DIGIT.search(text) else text  # translate is slow on Thai text


def squash(text: str | None) -> str:
    """No white space (Thai wraps anywhere), one digit script, case folded.

    >>> squash("มท ๐๘๙๑.๓/ว ๒๕๕๖")
    'มท0891.3/ว2556'
    """
    return "".join(arabic_digits(unicodedata.normalize("NFC", text or "")).split()).casefold()


def fold(text: str | None) -> str:
    """The tolerant shadow: squashed, tone marks dropped, OCR-confusable letters made one.

    >>> fold("เอี่ยมแสง") == fold("เอียมแสง") == fold("เอี่ยมเเสง".replace("เเ", "แ"))
    True
    >>> fold("ประเทศไทย") == fold("ปรเทศไทย")
    False
    """
    return squash(text).replace("\u0e4d\u0e32", "\u0e33").translate(_FOLD)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], dict[str, list[str]]]:
    """Thai words, and for each three-letter head the rest of the words that start with it."""
    words = frozenset(w for w in thai_words() if len(w) > 1 and not any(c.isspace() for c in w))
    heads: dict[str, list[str]] = {}
    for word in words:
        if len(word) > 2:
            heads.setdefault(word[:3], []).append(word[3:])
    return words, heads


_NOT_AFTER_WORD = "".join(sorted(_FOLLOWING))


@lru_cache(maxsize=None)
def _head_pattern(head: str) -> re.Pattern | None:
    """The words starting with a three-letter head as one pattern, longest first, none ending inside
    a character cluster; compiled when the head is first met (all at once would take ~10 s)."""
    rests = _lexicon()[1].get(head)
    if not rests:
        return None
    alternatives = "|".join(re.escape(r) for r in sorted(rests, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})(?![{_NOT_AFTER_WORD}])")


def _word_end(run: str, i: int, n: int) -> int | None:
    """The end of the longest dictionary word at i that does not split a character cluster."""
    pattern = _head_pattern(run[i:i + 3])
    if pattern is not None:
        found = pattern.match(run, i + 3)
        if found:
            return found.end()
    end = i + 2
    if end <= n and (end == n or run[end] not in _FOLLOWING) and run[i:end] in _lexicon()[0]:
        return end
    return None


def _thai_words(run: str) -> list[str]:
    out: list[str] = []
    unknown_from = None
    i, n = 0, len(run)
    while i < n:
        end = _word_end(run, i, n)
        if end is None:  # one character cluster, joined to the unknown letters before it
            end = i + 1 + (run[i] in _LEADING and i + 1 < n)
            while end < n and run[end] in _FOLLOWING:
                end += 1
            if unknown_from is None:
                unknown_from = i
            i = end
            continue
        if unknown_from is not None:
            out.append(run[unknown_from:i])
            unknown_from = None
        out.append(run[i:end])
        i = end
    if unknown_from is not None:
        out.append(run[unknown_from:])
    return out


def words(text: str | None) -> list[str]:
    """Words of a text: Thai segmented, other runs split at punctuation, digits Arabic.

    >>> words("ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖ กรมส่งเสริมการปกครองท้องถิ่น")
    ['ที่', 'มท', '0891', '3', 'ว', '2556', 'กรม', 'ส่งเสริม', 'การปกครอง', 'ท้องถิ่น']
    """
    text = arabic_digits(unicodedata.normalize("NFC", text or "")).casefold()
    out: list[str] = []
    for run in _THAI_RUN.findall(text):
        if "\u0e01" <= run[0] <= "\u0e4e":
            out.extend(_thai_words(run))
        else:
            out.extend(piece for piece in _PUNCT.split(run) if piece)
    return out


def segmented(text: str | None) -> str:
    """Words joined by spaces, as the full-text index reads them."""
    return " ".join(words(text))


def person_key(name: str | None) -> str:
    """A signer's name without honorifics and ranks, folded: one key for OCR variants of one person.

    >>> person_key("ม.ล.ปนัดดา ดิศกุล") == person_key("ปนัดดา ดิสกุล".replace("ดิส", "ดิศ"))
    True
    >>> person_key("นายชาญนะ เอี่ยมแสง") == person_key("ชาญนะ เอียมแสง")
    True
    """
    rest = unicodedata.normalize("NFC", name or "").strip()
    titles = honorifics()
    changed = True
    while changed:
        changed = False
        for title in titles:
            if rest.startswith(title) and len(rest) > len(title):
                rest = rest[len(title):].lstrip(" .")
                changed = True
                break
    return fold(re.sub(r"\(.*?\)", "", rest))


def index_values(record: "Record", body: str) -> dict[str, list[str]]:
    """The values each kind of query reads: party names, signers, clause texts, the whole text."""
    people_ = [*record.signatories, *(p for a in record.agreements for p in (*a.signatories, *a.witnesses))]
    party_names = [n for a in record.agreements for name in a.parties for n in (name, *a.party_aliases.get(name, []))]
    return {
        "parties": party_names,
        "signers": [" ".join(v for v in (p.name, p.position, p.acting) if v) for p in people_],
        "clauses": [c.text for c in (*record.clauses, *(c for a in record.agreements for c in a.clauses))],
        "text": [v for v in (record.number.value if record.number else None, record.subject, record.issuer,
                             record.to, body) if v],
    }


@dataclass(frozen=True)
class IndexText:
    """A record's values as the search index holds them, per kind: words segmented (joined by spaces)
    and the folded shadow (values joined by ``|``). Worked out from the record and its text alone,
    so the extraction's worker process can make it and the store only inserts it."""

    words: dict[str, str]
    shadow: dict[str, str]

    @classmethod
    def of(cls, record: "Record", body: str) -> "IndexText":
        values = index_values(record, body)
        return cls({k: segmented("\n".join(v)) for k, v in values.items()},
                   {k: "|".join(fold(v) for v in vs) for k, vs in values.items()})
