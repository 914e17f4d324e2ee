"""The document's own number (เลขที่หนังสือ): ``ที่ มท 0808.2/ว 5232``, ``ที่ 123/2564``."""
from __future__ import annotations

import re

from extractors.base import Candidate
from models.catalog import agency_codes
from models.options import Options
from pipeline.document import Document

# Letter code, office digits (dots and a bracketed sub-office allowed), /, optional ว, running number.
NUMBER_BODY = (r"(?P<code>[ก-ฮ]{1,4})\.?\s*(?P<office>\d[\d.()\s]*?)\s*/\s*"
               r"(?P<circular>ว(?![\u0e01-\u0e4e])\s*\.?)?\s*(?P<seq>\d+(?:\s*-\s*\d+)?)?(?![\d.])")
# On a scan ที่ may be read as a bare ท, kept only before a number with its code and slash.
LETTER_NUMBER = re.compile(r"^(?:ที่|ที|ท(?=\s)|เลขที่)\s*" + NUMBER_BODY)
# A scan may lose the ที่ label altogether: a line of the head opening with a known agency's letter
# code, its office number and the slash is still the number line.
UNLABELLED_NUMBER = re.compile("^" + NUMBER_BODY)
UNLABELLED_NUMBER_LINES = 12
# The label alone on its line, the number on the next (templates print fields on lines of their own).
NUMBER_LABEL_ALONE = re.compile(r"^(?:ที่|ที|เลขที่)$")
ORDER_NUMBER = re.compile(r"^(?:คำสั่ง\S*\s+)?ที่?\s*(?P<seq>\d{1,5})\s*/\s*(?P<year>(?:25|19|20)\d{2})(?!\d)")


def normalise_number(code: str | None, office: str, circular: bool, seq: str) -> str:
    """The canonical spelling of a letter number.

    >>> normalise_number("มท", "0808.2 ", True, "5232")
    'มท 0808.2/ว 5232'
    """
    office = re.sub(r"\s+", "", office)
    seq = re.sub(r"\s+", "", seq)
    head = f"{code} {office}" if code else office
    return f"{head}/{'ว ' if circular else ''}{seq}"


def extract(doc: Document, options: Options) -> list[Candidate]:
    """Number lines in the head of the document: the first 40 lines, before เรื่อง / เรียน.

    A number whose running part is left blank for the registry to stamp (``ที่ มท 0808.2/ว``) is
    kept as printed, less certain.

    >>> doc = Document.from_text("ที่ อว ๐๖๐๓(๔)/ว ๕๖")
    >>> extract(doc, Options())[0].value["value"]
    'อว 0603(4)/ว 56'
    """
    out = []
    for line in doc.lines[:40]:
        text = line.text.strip()
        if text.startswith(("เรื่อง", "เรียน")):
            break
        offset = line.start + line.text.index(text) if text else line.start
        following = next((x for x in doc.lines[line.index + 1:line.index + 3] if not x.blank), None)
        if NUMBER_LABEL_ALONE.match(text) and following is not None:
            label = text
            text = f"{label} {following.text.strip()}"
            offset = following.start + following.text.index(following.text.strip()) - len(label) - 1
        m = LETTER_NUMBER.match(text)
        unlabelled = m is None and line.index < UNLABELLED_NUMBER_LINES
        if unlabelled:
            m = UNLABELLED_NUMBER.match(text)
            if m and m.group("code") not in agency_codes():
                m = None
        if m:
            code = m.group("code")
            known = code in agency_codes()
            seq = m.group("seq") or ""
            value = {
                "value": normalise_number(code, m.group("office"), bool(m.group("circular")), seq).rstrip(),
                "agency_code": code,
                "agency": agency_codes().get(code),
                "circular": bool(m.group("circular")),
            }
            start = offset + m.start("code")
            rule, confidence = ("number.letter", 0.97) if known else ("number.unknown_code", 0.7)
            if not seq:
                rule, confidence = "number.without_running_number", min(confidence, 0.7)
            if unlabelled:
                rule, confidence = "number.unlabelled", min(confidence, 0.75)
            out.append(Candidate(value, start, offset + m.end(), rule, confidence))
            continue
        m = ORDER_NUMBER.match(text)
        if m:
            value = {"value": f"{m.group('seq')}/{m.group('year')}", "agency_code": None, "agency": None,
                     "circular": False}
            out.append(Candidate(value, offset + m.start("seq"), offset + m.end(), "number.order", 0.9))
    return out


EDITION = re.compile(r"\(?\s*ฉบับที่\s*(?P<seq>\d{1,3})\s*\)?")
EDITION_HEAD_LINES = 6
EDITION_TITLE_LINE_CHARS = 150  # a title's line is short; a paragraph run into one line is not


def edition(doc: Document, options: Options) -> list[Candidate]:
    """The edition a numbered announcement gives in its title (``(ฉบับที่ ๒)``): its number where it
    has no ที่ line.

    >>> doc = Document.from_text("ประกาศสำนักงานการบินพลเรือนแห่งประเทศไทย\\nเรื่อง ห้ามอากาศยานทำการบิน (ฉบับที่ ๒)")
    >>> edition(doc, Options())[0].value["value"]
    '2'
    >>> cited = "ประกาศกระทรวงศึกษาธิการ\\nเรื่อง ปิดเรียน\\nอาศัยอำนาจตามระเบียบ" + "ก" * 150 + " (ฉบับที่ ๒) พ.ศ. ๒๕๕๘"
    >>> edition(Document.from_text(cited), Options())
    []
    """
    for line in [x for x in doc.lines[:20] if not x.blank][:EDITION_HEAD_LINES]:
        if len(line.text) > EDITION_TITLE_LINE_CHARS:
            break  # the body has begun: an edition there is another instrument's, cited
        m = EDITION.search(line.text)
        if m:
            value = {"value": m.group("seq"), "agency_code": None, "agency": None, "circular": False}
            return [Candidate(value, line.start + m.start("seq"), line.start + m.end("seq"), "number.edition", 0.75)]
    return []


# A running number written by hand is read with low confidence, and often wrong: on the tune scans
# the digits of five handwritten numbers were read at 0.02–0.70 (all wrong), those of three printed
# ones at 0.82–0.87. A wrong number is worse than none (it files the letter under another's
# number), so such a number is left out and said.
DIGIT_DOUBT = 0.75
# What stands where a handwritten running number was misread: letters and digits run together, or
# Latin letters on a Thai line.
_GARBLED_RUNNING_NUMBER = re.compile(r"[^\S\n]*(?:(?=\S*\d)(?=\S*[\u0e01-\u0e2eA-Za-z])\S+|[A-Za-z]\S*)")


def unreadable(doc: Document, candidate: Candidate) -> str | None:
    """Why a number read from a scan cannot be trusted, or None.

    >>> from pipeline.pages import PageText, RawDocument, WordBox
    >>> text = "ที่ พท ๐๐๓๑/ว ท๒ส่๓"
    >>> doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr", words=(
    ...     WordBox(0, len(text), 0, 0, 9, 9, 0.9),))]))
    >>> unreadable(doc, extract(doc, Options())[0])
    "its running number is there but was misread ('ท2ส่3')"
    >>> doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText("ที มท ๐๒๑๒.๒/ว Geo", "ocr", words=(
    ...     WordBox(0, 18, 0, 0, 9, 9, 0.9),))]))
    >>> unreadable(doc, extract(doc, Options())[0])
    "its running number is there but was misread ('Geo')"
    """
    if doc.ocr_confidence(candidate.start, candidate.end) is None:
        return None  # a text layer says what it says
    sure = doc.least_sure_digits(candidate.start, candidate.end)
    if sure is not None and sure < DIGIT_DOUBT:
        return f"its digits were read with confidence {sure:.2f} (written by hand?)"
    if candidate.rule == "number.without_running_number":
        garbled = _GARBLED_RUNNING_NUMBER.match(doc.text, candidate.end)
        if garbled:
            return f"its running number is there but was misread ({garbled.group().strip()!r})"
    return None
