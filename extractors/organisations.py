"""Organisation names in running Thai text: known agencies first, then agency-shaped phrases.

Thai puts no space inside a name and usually one after it, so an unknown name runs from its
prefix (กรม, สำนักงาน, มหาวิทยาลัย …) to the next space; a bracketed abbreviation after it is
an alias, and a ministry right after a department names its parent, not another organisation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.base import unspaced
from models.agencies import TOP_LEVEL, agency_parents
from models.catalog import agency_names, provinces
from pipeline.normalise import PAGE_BREAK

PREFIXES = ("กระทรวง", "ทบวง", "กรม", "สำนักงาน", "สำนัก", "มหาวิทยาลัย", "องค์การบริหารส่วน", "องค์การ",
            "สถาบัน", "ธนาคาร", "บริษัท", "เทศบาล", "โรงพยาบาล", "สภา", "กองทุน", "มูลนิธิ", "สมาคม",
            "ศาล", "กองบัญชาการ", "กองทัพ", "สหกรณ์", "หอการค้า", "สหพันธ์", "สมาพันธ์", "วิทยาลัย",
            "โรงเรียน")
ALIAS = re.compile(r"^\s*\(([^()]{1,20}\.?)\)")
_ABBREVIATION = r"[ก-ฮ]{1,4}\.(?:[ก-ฮ]{1,4}\.)*(?:[ก-ฮ]{1,4})?"


@dataclass(frozen=True)
class Org:
    name: str
    start: int
    end: int            # end of the name, alias excluded
    alias: str | None = None
    collective: bool = False  # "จังหวัดและกลุ่มจังหวัดภาคเหนือตอนบน 1 และ 2": a group, not one body
    known: bool = False


@lru_cache(maxsize=1)
def _known_names() -> dict[str, str]:
    """Each known agency as listed, by its spelling without white space."""
    return {unspaced(name): name for name in agency_names()}


@lru_cache(maxsize=1)
def _known_pattern() -> re.Pattern:
    """Known agencies and provinces, spelled without white space: they are looked for in the text
    with its white space taken out, so that a line wrap or a space OCR put inside a name
    (กรมส่งเสริม⏎การปกครองท้องถิ่น) does not hide it."""
    names = sorted(_known_names(), key=len, reverse=True)
    provinces_alternation = "|".join(re.escape(p) for p in provinces())
    return re.compile(rf"(?:{'|'.join(map(re.escape, names))}|จังหวัด(?:{provinces_alternation}))")


def _known_mentions(text: str) -> list[Org]:
    """Known names within each page, looked for with its white space taken out: a name runs over
    a line wrap (and the blank line OCR may put in one), never over a page break."""
    found, start = [], 0
    for end in [m.start() for m in re.finditer(PAGE_BREAK, text)] + [len(text)]:
        kept = [i for i in range(start, end) if not text[i].isspace()]
        compact = "".join(text[i] for i in kept)
        for m in _known_pattern().finditer(compact):
            found.append(Org(_known_names().get(m.group(), m.group()), kept[m.start()], kept[m.end() - 1] + 1,
                             known=True))
        start = end
    return found


# A bounded, lazy gap to the group's number keeps this linear on long unspaced Thai runs; a line
# may wrap inside the group's name (ภาคเหนือตอน⏎บน 1 และ 2), but a blank line ends it.
COLLECTIVE = re.compile(r"(?:จังหวัด\s*(?:และ|/)\s*)?กลุ่มจังหวัด(?:(?:[^\d\n]|\n(?!\n)){0,40}?\d+(?:\s*(?:และ|,)\s*\d+)*"
                        r"|\s*ภาค[ก-๙]+)")
_PREFIXED = re.compile(rf"(?:{'|'.join(PREFIXES)})(?:\s(?={_ABBREVIATION})(?:{_ABBREVIATION})|[ก-๙]+)")
_OUTSIDE_NAME = re.compile(r"(?:ได้|ซึ่ง|โดย|และ|กับ|ตกลง|จะ|เป็น|ที่|ใน|เพื่อ|ร่วม|มี|ให้|ตั้งอยู่|อยู่)")
# What is left of "สำนักงานใหญ่ตั้งอยู่เลขที่ …" (an address) once its verb is cut: a head word, no name.
_GENERIC_OFFICE = re.compile(rf"(?:{'|'.join(PREFIXES)})(?:ใหญ่)?")


def _trim_unknown(name: str) -> str:
    """An unknown name stops at the first word (PyThaiNLP token) that is a verb or connective:
    ``มหาวิทยาลัยเชียงใหม่ตกลง`` → ``มหาวิทยาลัยเชียงใหม่``, while ``สำนักงานที่ดิน…`` keeps its ที่ดิน.

    >>> _trim_unknown("สำนักงานพัฒนาวิทยาศาสตร์และเทคโนโลยีแห่งชาติ"), _trim_unknown("กรมอนามัยและกรมควบคุมโรค")
    ('สำนักงานพัฒนาวิทยาศาสตร์และเทคโนโลยีแห่งชาติ', 'กรมอนามัย')
    """
    from pipeline.segment import words

    pos = 0
    for token in words(name):
        if pos >= 5 and _OUTSIDE_NAME.fullmatch(token):
            rest = name[pos + len(token):]
            # และ inside one name (สำนักงานพัฒนาวิทยาศาสตร์และเทคโนโลยีแห่งชาติ) joins words, not bodies;
            # before another agency's prefix it joins two organisations.
            if token != "และ" or not rest or rest.startswith((*PREFIXES, "จังหวัด")):
                return name[:pos]
        pos += len(token)
    return name


def find_organisations(text: str) -> list[Org]:
    """Organisation mentions, left to right, without overlaps.

    >>> [o.name for o in find_organisations("ระหว่าง กรมส่งเสริมการปกครองท้องถิ่น กระทรวงมหาดไทย กับ สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.)")]
    ['กรมส่งเสริมการปกครองท้องถิ่น', 'กระทรวงมหาดไทย', 'สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ']
    >>> [o.name for o in find_organisations("จังหวัดลำพูน จังหวัด แม่ฮ่องสอน กรมส่งเสริม\\nการปกครองท้องถิ่น")]
    ['จังหวัดลำพูน', 'จังหวัดแม่ฮ่องสอน', 'กรมส่งเสริมการปกครองท้องถิ่น']
    >>> [o.name for o in find_organisations("ส่งถึงกรมส่งเสริม\\n\\f\\nการปกครองท้องถิ่นของจังหวัด")]  # not over a page break
    ['กรมส่งเสริม']
    >>> [o.name for o in find_organisations("การไฟฟ้าส่วนภูมิภาค สำนักงานใหญ่ตั้งอยู่เลขที่ 200 ถนนงามวงศ์วาน")]  # an address
    ['การไฟฟ้าส่วนภูมิภาค']
    """
    found: list[Org] = []
    for m in COLLECTIVE.finditer(text):
        if re.search(r"\d|ภาค", m.group()):
            found.append(Org(" ".join(m.group().split()), m.start(), m.end(), collective=True))
    found += _known_mentions(text)
    for m in _PREFIXED.finditer(text):
        name = _trim_unknown(m.group()) if " " not in m.group() else m.group()
        if len(name) > len(m.group().split()[0][:4]) + 2 and not _GENERIC_OFFICE.fullmatch(name):
            found.append(Org(name, m.start(), m.start() + len(name)))
    # Where mentions overlap the longest wins ("องค์การบริหารส่วนจังหวัดอุดรธานี" over "จังหวัดอุดรธานี"),
    # a known name before an unknown one of the same length.
    chosen: list[Org] = []
    for org in sorted(found, key=lambda o: (-(o.end - o.start), not o.known, o.start)):
        if all(org.end <= c.start or org.start >= c.end for c in chosen):
            chosen.append(org)
    found = chosen
    result = []
    for org in sorted(found, key=lambda o: o.start):
        alias = ALIAS.match(text[org.end:])
        result.append(Org(org.name, org.start, org.end, alias.group(1).strip() if alias else None,
                          org.collective, org.known))
    return result


def leading_organisation(text: str) -> Org | None:
    """The organisation ``text`` opens with, if it opens with one.

    >>> leading_organisation("สำนักงานปศุสัตว์จังหวัดพัทลุง ขอแจ้ง").name, leading_organisation("เรียน กรมอนามัย")
    ('สำนักงานปศุสัตว์จังหวัดพัทลุง', None)
    """
    orgs = find_organisations(text)
    return orgs[0] if orgs and orgs[0].start == 0 else None


MAX_AGENCY_DEPTH = 5


def is_parent_ministry(previous: Org, org: Org, between: str) -> bool:
    """``กรม… กระทรวง…``: the ministry qualifies the department before it, unless the agency table
    places that department elsewhere (a list of parties, one a line, names the police and then a
    ministry of its own).

    >>> police, ministry = find_organisations("สำนักงานตำรวจแห่งชาติ กระทรวงแรงงาน")
    >>> is_parent_ministry(police, ministry, " ")
    False
    >>> dla, interior = find_organisations("กรมส่งเสริมการปกครองท้องถิ่น กระทรวงมหาดไทย")
    >>> is_parent_ministry(dla, interior, " ")
    True
    >>> office, interior = find_organisations("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด กระทรวงมหาดไทย")
    >>> is_parent_ministry(office, interior, " ")
    True
    """
    if not (org.name.startswith("กระทรวง") and not previous.name.startswith("กระทรวง")
            and not previous.collective and not between.strip()):
        return False
    parents, above = agency_parents(), previous.name
    for _ in range(MAX_AGENCY_DEPTH):  # up the table: a provincial office, its department, its ministry
        above = parents.get(above)
        if above is None:
            return True  # its place is not known: the usual reading
        if above == org.name:
            return True
        if above == TOP_LEVEL or above.startswith("กระทรวง"):
            return False  # placed under no ministry, or another one
    return True
