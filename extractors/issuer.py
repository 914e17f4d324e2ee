"""The issuing office (ส่วนราชการเจ้าของหนังสือ) as each document type states it."""
from __future__ import annotations

import re

from extractors import document_number
from extractors.base import Candidate, flat
from extractors.organisations import find_organisations, leading_organisation
from models.options import Options
from pipeline.document import Document, Line

TITLED_HEADING = re.compile(r"^(?:คำสั่ง|ประกาศ|ระเบียบ|ข้อบังคับ|แถลงการณ์)\s*(?P<org>\S.{2,100})$")
# Where the issuing body's name ends in a heading line: ว่าด้วย, เรื่อง, ที่ and the edition follow it.
HEADING_NAME_END = re.compile(r"\s*(?:ว่าด้วย|เรื่อง|\sที่|ที่\s*\d|\(?ฉบับที่)")
THAI_NAME = re.compile(r"[\u0e01-\u0e4e]+(?: [\u0e01-\u0e4e]+)*")
MAX_HEADING_NAME_CHARS = 60
OFFICE_END = re.compile(r"\s*(?:\(|โทร|ที่\s)|\s(?:กลุ่มงาน|กลุ่ม|ฝ่าย|งาน|กอง|ส่วน|ศูนย์)")


def from_memo_office(office: Candidate) -> Candidate:
    """The office of a memo's ส่วนราชการ line, without its bracketed alias, sub-unit or phone.

    >>> from_memo_office(Candidate("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดแพร่ (สจจ.แพร่) กลุ่มงาน", 0, 60, "r", 0.9)).value
    'สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดแพร่'
    """
    m = OFFICE_END.search(office.value)
    name = office.value[:m.start()] if m and m.start() > 3 else office.value
    return Candidate(name, office.start, office.start + len(name), "issuer.memo_office", office.confidence)


def from_address_block(doc: Document, options: Options) -> list[Candidate]:
    """The first line of a letter's address block, right of or under the ที่ line.

    >>> doc = Document.from_text("ที่ มท ๐๘๐๘.๒/ว ๕๒๓๒          กรมส่งเสริมการปกครองท้องถิ่น\\n                  ถนนนครราชสีมา กทม. ๑๐๓๐๐")
    >>> from_address_block(doc, Options())[0].value
    'กรมส่งเสริมการปกครองท้องถิ่น'
    """
    numbers = [c for c in document_number.extract(doc, options) if c.rule.startswith("number.")]
    if numbers:
        line, number_end = doc.line_at(numbers[0].end), numbers[0].end
    else:
        # A number OCR could not read (handwritten): the ที่ line still opens the head.
        line = next((x for x in doc.lines[:HEAD_LINES_FOR_NUMBER] if NUMBER_LABEL.match(x.text)), None)
        if line is None:
            return []
        number_end = line.start + NUMBER_LABEL.match(line.text).end()
    same_line = _office_after_number(doc, number_end, line,
                                     MAX_DEBRIS_BEFORE_OFFICE if numbers else MAX_UNREAD_NUMBER_CHARS)
    if same_line:
        return same_line
    for following in doc.lines[line.index + 1:line.index + 8]:
        if following.blank:
            continue
        text = following.text.strip()
        if text.startswith(("เรื่อง", "เรียน")):
            break
        if leading_organisation(text) is None:
            break  # no address block under the number
        return [Candidate(flat(text), following.start, following.end, "issuer.address_block", 0.9)]
    return _address_block_above(doc, line.index)


NUMBER_LABEL = re.compile(r"^ที่?\s")
HEAD_LINES_FOR_NUMBER = 6
# What a number's handwritten or stamped digits leave before the office on its line ("930 9", "ท2ส่3").
MAX_DEBRIS_BEFORE_OFFICE = 12
# Where no number was read at all, the whole garbled number stands before the office.
MAX_UNREAD_NUMBER_CHARS = 40


def _office_after_number(doc: Document, number_end: int, line: Line, max_debris: int) -> list[Candidate]:
    """The office printed right of the number, after what OCR made of the number's hand-filled part.

    >>> doc = Document.from_text("ที่ พท 0031/ ว ท2ส่3 ศาลากลางจังหวัดพัทลุง")
    >>> [c.value for c in from_address_block(doc, Options())]
    ['ศาลากลางจังหวัดพัทลุง']
    """
    rest = doc.text[number_end:line.end]
    orgs = find_organisations(rest)
    if not orgs:
        return []
    cut = orgs[0].start if len(rest[:orgs[0].start].strip()) <= max_debris else 0
    value = rest[cut:].strip()
    start = number_end + rest.index(value, cut)
    return [Candidate(flat(value), start, start + len(value), "issuer.address_block_same_line", 0.8)]


def _address_block_above(doc: Document, number_line: int) -> list[Candidate]:
    """Some letters print the address block above the ที่ line: its first line that opens with an
    office, among the lines before the number.

    >>> doc = Document.from_text("สำนักเลขาธิการคณะรัฐมนตรี\\nทำเนียบรัฐบาล กทม. 10300\\nที่ นร 0505/ว 71\\nเรื่อง ทดสอบ")
    >>> [c.value for c in from_address_block(doc, Options())]
    ['สำนักเลขาธิการคณะรัฐมนตรี']
    """
    for above in doc.lines[max(0, number_line - 8):number_line]:
        text = above.text.strip()
        if not above.blank and leading_organisation(text):
            start = above.start + above.text.index(text)
            return [Candidate(flat(text), start, start + len(text), "issuer.address_block_above", 0.8)]
    return []


def from_heading(doc: Document) -> list[Candidate]:
    """``คำสั่งกรม…``, ``ประกาศกระทรวง…``: the office in the title of an order or announcement; where
    the title names a body without an agency's prefix (ข้อบังคับคุรุสภา, คำสั่งหัวหน้าคณะรักษาความสงบแห่งชาติ),
    the rest of the heading line, less sure.

    >>> doc = Document.from_text("ข้อบังคับคุรุสภา\\nว่าด้วยการอุทธรณ์")
    >>> [(c.value, c.rule) for c in from_heading(doc)]
    [('คุรุสภา', 'issuer.titled_heading_name')]
    """
    for line in doc.lines[:15]:
        m = TITLED_HEADING.match(line.text)
        if not m:
            continue
        org = leading_organisation(m.group("org"))
        s = line.start + m.start("org")
        if org:
            return [Candidate(org.name, s, s + len(org.name), "issuer.titled_heading", 0.9)]
        name = HEADING_NAME_END.split(m.group("org"))[0].strip()
        if THAI_NAME.fullmatch(name) and len(name) <= MAX_HEADING_NAME_CHARS:
            return [Candidate(name, s, s + len(name), "issuer.titled_heading_name", 0.7)]
        return []
    return []


# A sender writing of itself opens a paragraph with its name and what it does (สำนักงาน… ขอแจ้ง…,
# กรม… พิจารณาแล้ว…): the issuer of a letter whose head gives none (a note without a heading, a scan
# that lost its top block).
SENDER_ACTS = re.compile(r"\s*(?:ขอ|ได้|จึง|พิจารณา|ตรวจสอบ|กำหนด|มีความ|ประสงค์|ขอแจ้ง|ขอส่ง|ขอเชิญ)")
MAX_BODY_LINES_FOR_SENDER = 40
# ด้วย opens a letter's first paragraph (a layer may drop its tone mark: ดวย).
BODY_BY = re.compile(r"^ด[้]?วย\s*")
# The sender's bracketed status and abbreviation (องค์การมหาชน) หรือ สพร. come between its name and its act.
ALIAS_AFTER_NAME = re.compile(r"^\s*(?:\([^)]{1,30}\)\s*)?(?:หรือ\s*\S{1,12}\s*)?")


def _after_alias(text: str) -> str:
    return text[ALIAS_AFTER_NAME.match(text).end():]


def from_body_opening(doc: Document) -> list[Candidate]:
    """The office a body line opens with, followed by what it does: a guess, kept less sure.

    >>> doc = Document.from_text("เรียน หัวหน้าส่วนราชการ\\nสำนักงานปศุสัตว์จังหวัดพัทลุง ขอแจ้งเปลี่ยนเวลา")
    >>> [(c.value, c.rule) for c in from_body_opening(doc)]
    [('สำนักงานปศุสัตว์จังหวัดพัทลุง', 'issuer.body_opening')]
    >>> doc = Document.from_text("เรียน ผู้ว่าราชการจังหวัด\\nด้วยสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) หรือ สพร. ได้ดำเนินการ")
    >>> [c.value for c in from_body_opening(doc)]
    ['สำนักงานพัฒนารัฐบาลดิจิทัล']
    """
    for line in doc.lines[:MAX_BODY_LINES_FOR_SENDER]:
        text = line.text.strip()
        if line.blank or text.startswith(("เรียน", "เรื่อง", "ถึง", "อ้างถึง", "สิ่งที่ส่งมาด้วย")):
            continue
        opener = BODY_BY.match(text)
        skip = opener.end() if opener else 0
        org = leading_organisation(text[skip:])
        if org and SENDER_ACTS.match(_after_alias(text[skip + org.end:])):
            start = line.start + line.text.index(text) + skip
            return [Candidate(org.name, start, start + len(org.name), "issuer.body_opening", 0.5)]
    return []
