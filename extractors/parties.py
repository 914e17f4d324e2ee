"""Parties to an agreement: ``ระหว่าง X กับ Y`` in the title, or ``X … ฝ่ายหนึ่ง กับ Y … อีกฝ่ายหนึ่ง`` in the body.

Each side is a chain of organisation names joined only by connectives (และ, /, commas, ``รวม 8
จังหวัด ได้แก่``). A group followed by ได้แก่ and a list is replaced by the list's members.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.base import Candidate, is_scan_debris
from extractors.organisations import Org, find_organisations, is_parent_ministry
from models.catalog import honorific_alternation

CONNECTIVE = re.compile(r"^[\s,/]*(?:และ|กับ|รวมทั้ง|ตลอดจน)?[\s,/]*(?:รวม\s*\d+\s*[ก-๙]+)?\s*(?:ซึ่ง\s*)?"
                        r"(?:ได้แก่|ประกอบด้วย)?[\s,/:]*$")
# A group's members follow it after ได้แก่ / ประกอบด้วย, or in brackets: กลุ่มจังหวัด… (จังหวัดกระบี่ … และจังหวัดระนอง).
ENUMERATION = re.compile(r"ได้แก่|ประกอบด้วย|^\s*\(")
# "X โดย นาย… ตำแหน่ง … ซึ่งต่อไปในบันทึกข้อตกลงนี้เรียกว่า "…"" — the representative clause is not a name.
REPRESENTED_BY = re.compile(r"\s(?:โดย|ซึ่ง)\s?[^\n]*$")
SIDE_MARK = re.compile(r"(?P<other>อีก)?ฝ่าย\s*หนึ่ง")
SIDE_SEPARATOR = re.compile(r"\s+กับ\s+")


def _gap_ok(text: str, a: Org, b: Org) -> bool:
    gap = text[a.end:b.start]
    if a.alias:
        gap = re.sub(r"^\s*\([^()]*\)", "", gap)
    elif a.collective:
        gap = re.sub(r"^\s*\(", "", gap)  # the bracket that opens a group's list of members
    return bool(CONNECTIVE.match(gap))


def _members(text: str, chain: list[Org]) -> list[Org]:
    """Drop groups listed member by member, and ministries that only qualify a department."""
    out: list[Org] = []
    for i, org in enumerate(chain):
        nxt = chain[i + 1] if i + 1 < len(chain) else None
        if org.collective and nxt and ENUMERATION.search(text[org.end:nxt.start]):
            continue
        if out and is_parent_ministry(out[-1], org, re.sub(r"^\s*\([^()]*\)", "", text[out[-1].end:org.start])):
            continue
        out.append(org)
    return out


def chain_from_start(text: str) -> list[Org]:
    """Organisations at the start of ``text`` (scan debris before them aside) joined only by connectives."""
    orgs = find_organisations(text)
    if not orgs or not is_scan_debris(text[:orgs[0].start]):
        return []
    chain = [orgs[0]]
    for org in orgs[1:]:
        if not _gap_ok(text, chain[-1], org):
            break
        chain.append(org)
    return _members(text, chain)


def chain_to_end(text: str) -> list[Org]:
    """Organisations at the end of ``text`` joined only by connectives."""
    text = REPRESENTED_BY.sub("", text) if find_organisations(REPRESENTED_BY.sub("", text)) else text
    orgs = find_organisations(text)
    if not orgs:
        return []
    tail = text[orgs[-1].end:]
    if orgs[-1].alias:
        tail = re.sub(r"^\s*\([^()]*\)", "", tail)
    if tail.strip(" ,\t\n") or "\n\n" in tail:  # a wrapped line may end right after the party
        return []
    chain = [orgs[-1]]
    for org in reversed(orgs[:-1]):
        if not _gap_ok(text, org, chain[0]):
            break
        chain.insert(0, org)
    return _members(text, chain)


def from_between(text: str, offset: int) -> list[Candidate]:
    """Parties of ``ระหว่าง X กับ Y`` (X and Y may each be several organisations).

    >>> [c.value for c in from_between("บันทึกข้อตกลง ระหว่าง กรมส่งเสริมการปกครองท้องถิ่น กระทรวงมหาดไทย กับ มหาวิทยาลัยเชียงใหม่ ในการจัดตั้ง", 0)]
    ['กรมส่งเสริมการปกครองท้องถิ่น', 'มหาวิทยาลัยเชียงใหม่']
    """
    m = re.search(r"ระหว่าง\s*", text)
    if not m:
        return []
    found: list[Candidate] = []
    pos = m.end()
    while True:
        separator = SIDE_SEPARATOR.search(text, pos)
        chain = chain_from_start(text[pos:separator.start() if separator else len(text)])
        if not chain:
            break
        found += [_candidate(org, offset + pos, "parties.between") for org in chain]
        if not separator:
            break
        pos = separator.end()
    return found


def from_sides(text: str, offset: int) -> list[Candidate]:
    """Parties of ``X ฝ่ายหนึ่ง กับ Y อีกฝ่ายหนึ่ง`` (and three-sided forms).

    >>> [c.value for c in from_sides("ดังนั้น กระทรวงมหาดไทย และจังหวัด/กลุ่มจังหวัด ภาคเหนือตอนบน 1 และ 2 รวม 8 จังหวัด ได้แก่ จังหวัดเชียงใหม่ และจังหวัดน่าน ฝ่ายหนึ่ง และ มหาวิทยาลัยเชียงใหม่ อีกฝ่ายหนึ่ง", 0)]
    ['กระทรวงมหาดไทย', 'จังหวัดเชียงใหม่', 'จังหวัดน่าน', 'มหาวิทยาลัยเชียงใหม่']
    >>> [c.value for c in from_sides("องค์การบริหารส่วนจังหวัดสุรินทร์ ฝ่ายหนึ่ง กับ สำนักงานสาธารณสุขจังหวัดสุรินทร์ โดย นายแพทย์สมชาย ใจดี\\nนายแพทย์สาธารณสุขจังหวัดสุรินทร์ ซึ่งต่อไปเรียกว่า สสจ. อีกฝ่ายหนึ่ง", 0)]
    ['องค์การบริหารส่วนจังหวัดสุรินทร์', 'สำนักงานสาธารณสุขจังหวัดสุรินทร์']
    >>> [c.value for c in from_sides("บันทึกข้อตกลงนี้ทำขึ้นระหว่าง การไฟฟ้าส่วนภูมิภาค สำนักงานใหญ่ตั้งอยู่เลขที่ 200 เขตจตุจักร กรุงเทพมหานคร โดย นายปกรณ์ ใจดี\\nผู้อำนวยการเขต 2 ฝ่ายหนึ่ง กับ เทศบาลนครนครราชสีมา โดย นายสุรศักดิ์ ใจงาม\\nนายกเทศมนตรี อีกฝ่ายหนึ่ง", 0)]
    ['การไฟฟ้าส่วนภูมิภาค', 'เทศบาลนครนครราชสีมา']
    >>> [c.value for c in from_sides("และจังหวัดน่าน\\nฝ่ายหนึ่ง และ มหาวิทยาลัยเชียงใหม่\\nอีกฝ่ายหนึ่ง", 0)]
    ['จังหวัดน่าน', 'มหาวิทยาลัยเชียงใหม่']
    """
    marks = []
    for mk in SIDE_MARK.finditer(text):
        if text[max(0, mk.start() - 5):mk.start()].endswith(("ฝ่ายใด", "ใด")):
            continue  # "ฝ่ายใดฝ่ายหนึ่ง": either party, not a side being named
        marks.append(mk)
        if mk.group("other"):
            break
    if len(marks) < 2 or not marks[-1].group("other"):
        return []
    found: list[Candidate] = []
    previous_end = max(0, marks[0].start() - 600)
    for mk in marks:
        side_start = previous_end
        side, begin = text[side_start:mk.start()], 0
        if found:  # later sides open right after the previous mark, with และ / กับ
            side = re.sub(r"^\s*(?:และ|กับ|,)?\s*", lambda x: " " * len(x.group()), side)
            leading = chain_from_start(side)
            if leading and _represented_by_person(side):
                # "Y สำนักงานตั้งอยู่ … โดย นาย… <position> …": Y, not an office in the address or position
                chain = leading
            else:
                chain = chain_to_end(side) if leading else []
        else:
            begin, chain = _opening_represented_party(side)
            if not chain:
                begin, chain = 0, chain_to_end(side)
        found += [_candidate(org, offset + side_start + begin, "parties.sides") for org in chain]
        previous_end = mk.end()
    return found


@lru_cache(maxsize=1)
def _representative() -> re.Pattern:
    return re.compile(rf"\sโดย\s*(?:{honorific_alternation()})")


def _represented_by_person(side: str) -> bool:
    """The side names the person who signs for its party (โดย นาย…, โดย นายแพทย์…)."""
    return bool(_representative().search(side))


def _opening_represented_party(side: str) -> tuple[int, list[Org]]:
    """The first side's party where the side names its signer: the organisation that opens the
    paragraph holding ``โดย นาย…`` (or follows its ระหว่าง), before any address; where in ``side`` it
    begins. Without it the last office before ฝ่ายหนึ่ง would be read, which may be the signer's position
    (นายแพทย์สาธารณสุขจังหวัด… gives จังหวัด…) or the address (…กรุงเทพมหานคร โดย …)."""
    signer = _representative().search(side)
    if not signer:
        return 0, []
    paragraph = side.rfind("\n\n", 0, signer.start())
    begin = paragraph + 2 if paragraph >= 0 else 0
    between = side.rfind("ระหว่าง", begin, signer.start())
    if between >= 0:
        begin = between + len("ระหว่าง")
    return begin, chain_from_start(side[begin:signer.start()])


def _candidate(org: Org, offset: int, rule: str) -> Candidate:
    confidence = 0.9 if org.known else 0.75
    return Candidate(org.name, offset + org.start, offset + org.end, rule, confidence,
                     {"/alias": Candidate(org.alias, offset + org.end, offset + org.end, rule, confidence)}
                     if org.alias else {})
