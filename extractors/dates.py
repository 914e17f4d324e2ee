"""Dates: Thai dates in every form letters use (BE → CE), and the document's own date by its role."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from pythainlp.util.date import thai_abbr_months, thai_full_months

from extractors.base import Candidate, is_scan_debris, load_rules
from models.options import Options
from pipeline.document import Document
from pipeline.ocr_repair import levenshtein_at_most_one, without_dropped_marks

ENGLISH_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december"]


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for number, (full, abbr) in enumerate(zip(thai_full_months, thai_abbr_months), start=1):
        table[full] = number
        table[abbr] = number                      # ม.ค.
        table[abbr.replace(".", "")] = number     # มค
        table[abbr.replace(".", ". ").strip()] = number  # ม. ค.
    for number, name in enumerate(ENGLISH_MONTHS, start=1):
        table[name] = number
        table[name[:3]] = number
    table["ก.พ"] = 2  # abbreviations missing their last dot
    return table


MONTHS = _month_table()
_MONTH_ALTERNATION = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
_DAY_NAME = r"(?:วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)\s*)"
# เดือน before the month's name, as printed or as a scan misreads it (ดีอน, เดอน, เตือน).
_MONTH_WORD = "(?:เดือน|เ?[ดต][ีืิ]?อน)"
THAI_DATE = re.compile(
    rf"(?:{_DAY_NAME}?(?:ที่|วันที่)\s*)?"
    r"(?<!\d)(?P<day>[0-3]?\d)(?:\s*[-–]\s*(?P<day_end>[0-3]?\d))?\s*"
    rf"(?:{_MONTH_WORD}\s*)?(?P<month>{_MONTH_ALTERNATION})\.?\s*,?\s*"
    r"(?:(?P<era>พ\s?\.\s?ศ\s?\.|พุทธศักราช|ค\s?\.\s?ศ\s?\.|คริสต์ศักราช)\s*)?"
    r"(?P<year>\d{4}|\d{2})(?!\d|[.:]\d)",
    re.IGNORECASE,
)
ENGLISH_DATE = re.compile(
    rf"(?P<month>{'|'.join(ENGLISH_MONTHS)}|{'|'.join(m[:3] for m in ENGLISH_MONTHS)})\.?\s+"
    r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})", re.IGNORECASE)


# A month name garbled by OCR ("จันวาคม") between a day and a four-digit year.
LOOSE_DATE = re.compile(r"(?P<day>[0-3]?\d)\s+(?P<month>[ก-๙]{4,12})\s+(?:(?P<era>พ\s?\.\s?ศ\s?\.)\s*)?"
                        r"(?P<year>25\d\d)(?!\d)")


@dataclass(frozen=True)
class FoundDate:
    iso: str
    start: int
    end: int
    range_end: str | None = None
    fuzzy: bool = False


# An abbreviated month misread by OCR ("กุพ." for ก.พ.) between a day and a year: its consonants.
LOOSE_ABBREVIATED_DATE = re.compile(r"(?<!\d)(?P<day>[0-3]?\d)\s+(?P<month>[ก-ฮ][ก-๙.]{1,4}\.)\s*"
                                    r"(?P<year>25\d\d|\d\d)(?!\d)")


def closest_month(word: str) -> int | None:
    """The full Thai month a misread word stands for, if only one letter is off once tone marks,
    which OCR adds and drops, are set aside.

    >>> closest_month("จันวาคม"), closest_month("จันว่าคม"), closest_month("จันว่าคน")
    (12, 12, None)
    """
    bare = without_dropped_marks(word)
    hits = {number for name, number in MONTHS.items()
            if len(name) >= 6 and levenshtein_at_most_one(bare, without_dropped_marks(name))}
    return hits.pop() if len(hits) == 1 else None


def _consonants(text: str) -> str:
    return "".join(ch for ch in text if "ก" <= ch <= "ฮ")


@lru_cache(maxsize=1)
def _abbreviations_by_consonants() -> dict[str, int]:
    """ก.พ. → กพ; months whose abbreviations share their consonants (ม.ค./มี.ค., เม.ย./มิ.ย.) are left out."""
    by_consonants: dict[str, list[int]] = {}
    for number, abbreviation in enumerate(thai_abbr_months, start=1):
        by_consonants.setdefault(_consonants(abbreviation), []).append(number)
    return {key: numbers[0] for key, numbers in by_consonants.items() if len(numbers) == 1}


def closest_abbreviated_month(word: str) -> int | None:
    """The abbreviated month a misread word stands for, by its consonants.

    >>> closest_abbreviated_month("กุพ."), closest_abbreviated_month("มิค.")
    (2, None)
    """
    return _abbreviations_by_consonants().get(_consonants(word))


def year_to_ce(year: int, era: str | None = None) -> int | None:
    """A year as printed → Gregorian: BE minus 543, two-digit BE years in the 2500s.

    >>> year_to_ce(2555), year_to_ce(55), year_to_ce(2010, "ค.ศ."), year_to_ce(1999)
    (2012, 2012, 2010, 1999)
    """
    era = (era or "").replace(" ", "")
    if year < 100:
        return None if era.startswith(("ค.ศ", "คริสต์")) else 2500 + year - 543
    if era.startswith(("ค.ศ", "คริสต์")) or 1800 <= year <= 2200:
        return year
    if 2300 <= year <= 2700:
        return year - 543
    return None


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _is_thai_abbreviation(month: str) -> bool:
    return month.replace(" ", "") in {a for a in thai_abbr_months} | {a.replace(".", "") for a in thai_abbr_months}


def find_dates(text: str) -> list[FoundDate]:
    """Every date in normalised text (Arabic digits), with its span.

    >>> [d.iso for d in find_dates("วันอังคารที่ 11 เดือนกันยายน พุทธศักราช 2555 และ 11 ต.ค. 55")]
    ['2012-09-11', '2012-10-11']
    >>> find_dates("ในวันที่ 18 - 19 มกราคม 2553")[0].range_end
    '2010-01-19'
    >>> find_dates("ประกาศ ณ วันที่ 28ดีอน กันยายน พ.ศ. 2543")[0].iso
    '2000-09-28'
    """
    found = []
    for m in THAI_DATE.finditer(text):
        month_key = m.group("month").lower()
        if len(m.group("year")) == 2 and not (m.group("era") or _is_thai_abbreviation(m.group("month"))):
            continue  # "12 มีนาคม 13.30 น.": two digits after a full month name are not a year
        month = MONTHS.get(month_key) or MONTHS.get(month_key.replace(" ", ""))
        year = year_to_ce(int(m.group("year")), m.group("era"))
        iso = _iso(year, month, int(m.group("day"))) if month else None
        if iso:
            end_iso = _iso(year, month, int(m.group("day_end"))) if m.group("day_end") else None
            found.append(FoundDate(iso, m.start(), m.end(), end_iso))
    # Month names OCR garbled, each form where no exact date was found: full names, then abbreviations.
    for pattern, closest in ((LOOSE_DATE, closest_month), (LOOSE_ABBREVIATED_DATE, closest_abbreviated_month)):
        taken = [(d.start, d.end) for d in found]
        for m in pattern.finditer(text):
            if m.group("month").rstrip(".") in MONTHS or any(s < m.end() and m.start() < e for s, e in taken):
                continue
            month = closest(m.group("month"))
            iso = _iso(year_to_ce(int(m.group("year"))), month, int(m.group("day"))) if month else None
            if iso:
                found.append(FoundDate(iso, m.start(), m.end(), fuzzy=True))
    for m in ENGLISH_DATE.finditer(text):
        iso = _iso(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
        if iso:
            found.append(FoundDate(iso, m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


# A day and a month with a year too long to be one ("BE 99999"): found only to be named as dropped.
LONG_YEAR_DATE = re.compile(
    rf"(?<!\d)(?P<day>[0-3]?\d)\s*(?:เดือน\s*)?(?P<month>{_MONTH_ALTERNATION})\.?\s*,?\s*"
    r"(?:(?P<era>พ\s?\.\s?ศ\s?\.|พุทธศักราช|ค\s?\.\s?ศ\s?\.|คริสต์ศักราช)\s*)?(?P<year>\d{5,})", re.IGNORECASE)


def impossible_dates(text: str) -> list[str]:
    """Warnings naming the dates written in the text that no calendar has, which are dropped.

    >>> impossible_dates("ลงวันที่ 31 กุมภาพันธ์ 2566 และ 5 มีนาคม พ.ศ. 99999")
    ["date 'วันที่ 31 กุมภาพันธ์ 2566' dropped: February 2023 has no day 31", "date '5 มีนาคม พ.ศ. 99999' dropped: year 99999 is not a year"]
    """
    warnings = []
    for m in sorted([*THAI_DATE.finditer(text), *LONG_YEAR_DATE.finditer(text)], key=lambda m: m.start()):
        month_key = m.group("month").lower()
        month = MONTHS.get(month_key) or MONTHS.get(month_key.replace(" ", ""))
        if not month or (len(m.group("year")) == 2 and not m.group("era")):
            continue
        written = " ".join(m.group(0).split())
        year = year_to_ce(int(m.group("year")), m.group("era")) if len(m.group("year")) <= 4 else None
        if year is None:
            warnings.append(f"date {written!r} dropped: year {m.group('year')} is not a year")
            continue
        for day in (m.group("day"), m.group("day_end")):
            if day and _iso(year, month, int(day)) is None:
                warnings.append(f"date {written!r} dropped: {dt.date(year, month, 1):%B %Y} has no day {int(day)}")
    return warnings


def parse_thai_date(text: str) -> str | None:
    """The first date in a piece of text, as ISO 8601.

    >>> parse_thai_date("๗ ธันวาคม ๒๕๕๖")
    '2013-12-07'
    >>> parse_thai_date("12 มกราคม 2553"), parse_thai_date("January 12, 2010")
    ('2010-01-12', '2010-01-12')
    """
    from pipeline.normalise import normalise_value

    dates = find_dates(normalise_value(text))
    return dates[0].iso if dates else None


def date_line_candidates(doc: Document, first_line: int, last_line: int, rule: str,
                         confidence: float) -> list[Candidate]:
    """Lines in a range that hold nothing but a date (the date line of a letter or an MOU)."""
    out = []
    for line in doc.lines[first_line:last_line]:
        stripped = line.text.strip()
        for d in find_dates(stripped):
            rest = (stripped[:d.start] + stripped[d.end:]).strip(" ,.")
            if (not rest or re.fullmatch(r"(?:ทำ\s*ณ|ลงวันที่|วันที่|ณ)", rest)
                    or (not doc.blank_lines_reliable and is_scan_debris(rest))):
                offset = line.start + line.text.index(stripped)
                out.append(Candidate(d.iso, offset + d.start, offset + d.end, rule,
                                     confidence * (0.7 if d.fuzzy else 1.0)))
    return out


STAMPED_FOOT_LINES = 20


def extract(doc: Document, options: Options) -> list[Candidate]:
    """The document's own date, chosen by the role of the line it stands on.

    >>> doc = Document.from_text("บันทึกข้อความ\\nที่ พร 0077.3/ว 510\\nวันที่ ๑๑ ตุลาคม ๒๕๕๕\\nเรื่อง ก")
    >>> best = max(extract(doc, Options()), key=lambda c: c.confidence)
    >>> best.value, best.rule
    ('2012-10-11', 'date.memo_date_line')
    """
    candidates = []
    for rule in load_rules("document_date"):
        max_line = rule.data.get("max_line")
        scope_end = doc.lines[min(max_line, len(doc.lines) - 1)].end if max_line else len(doc.text)
        for m in rule.pattern.finditer(doc.text, 0, scope_end):
            dates = find_dates(doc.text[m.end():m.end() + 60])
            if dates and dates[0].start <= 3:
                d = dates[0]
                candidates.append(Candidate(d.iso, m.end() + d.start, m.end() + d.end, rule.id,
                                            rule.confidence * (0.7 if d.fuzzy else 1.0)))
    # A letter's date line stands alone between the address block and เรื่อง.
    subject_line = next((line.index for line in doc.lines[:60] if line.text.startswith("เรื่อง")), None)
    if subject_line is not None:
        candidates += date_line_candidates(doc, 0, subject_line, "date.letter_date_line", 0.93)
    else:
        # Web pages and press releases print their date alone on a line above the headline.
        head = [line.index for line in doc.lines if not line.blank][:8]
        if head:
            candidates += date_line_candidates(doc, 0, head[-1] + 1, "date.head_date_line", 0.85)[:1]
    # A stamped letter (หนังสือประทับตรา: ถึง instead of เรียน) is dated at its foot, under the office.
    # The unit's contact lines may follow, with the blank lines a scan puts between them.
    if any(line.text.startswith("ถึง ") for line in doc.lines[:30]):
        last = len(doc.lines)
        candidates += date_line_candidates(doc, max(0, last - STAMPED_FOOT_LINES), last, "date.stamped_letter_foot",
                                           0.85)
    return candidates
