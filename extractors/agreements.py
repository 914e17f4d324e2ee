"""Agreements (บันทึกข้อตกลง / บันทึกความเข้าใจ / MOU) inside a document: where each starts,
its title, date, parties, clauses, notice, term and signers."""
from __future__ import annotations

import re

from extractors import clauses, parties, signatories, termination
from extractors.base import Candidate, flat
from extractors.dates import date_line_candidates, find_dates
from models.options import Options
from pipeline.document import Document, Line

HEADING = re.compile(r"^(?:สำเนา\s*)?(?:บันทึก\s?(?:ข้อตกลง|ความเข้าใจ|ความร่วมมือ)|ข้อตกลงความร่วมมือ|"
                     r"สัญญาความร่วมมือ|memorandum\s+of\s+(?:understanding|agreement)|mou\b)", re.I)
SCAN_DEBRIS_HEAD = re.compile(r"^[^\u0e01-\u0e4eA-Za-z0-9]{1,4}")
NOT_HEADING = re.compile(r"^(?:บันทึก\S*นี้|.*\s(?:จัดทำขึ้น|ลงนาม))")
MAX_TITLE_LINES = 10
# "ทำขึ้น ณ <place> เมื่อวันที่ <date>": the place may wrap over lines of its paragraph.
SIGNED_ON = re.compile(r"(?:ทำ|ลงนาม|จัดทำ)\s*(?:ขึ้น)?\s*(?:ณ\s*วันที่|เมื่อ(?:วันที่)?|ณ(?:(?!\n\n)[^\f]){1,200}?เมื่อ(?:วันที่)?)\s*")
SIGNING_MENTION = re.compile(r"ลงนาม[^\f]{0,250}?(?:เมื่อ|ใน)วันที่\s*")


TITLE_JOINER = re.compile(r"(?:^|\s)(?:ระหว่าง|กับ|และ)$")
TITLE_CONTINUES = re.compile(r"^(?:ระหว่าง|กับ|และ|ใน|เพื่อ|ว่าด้วย|เรื่อง)")


# A title's party lines are names; a longer line after both sides are named is the body.
MAX_PARTY_LINE_CHARS = 75


def _sides_named(title: list[Line]) -> bool:
    """Whether the title so far says ระหว่าง … กับ … (or, three sides and more, ระหว่าง … และ …) and does
    not end on a joining word."""
    joined = " ".join(t.text for t in title)
    between = joined.find("ระหว่าง")
    # The joining word is often typed against the next name (และสภาอุตสาหกรรม…); the space before it
    # tells it from a และ inside a name (กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์).
    return (between >= 0 and re.search(r"\s(?:กับ|และ)", joined[between:]) is not None
            and not TITLE_JOINER.search(title[-1].text))


def _title_block(doc: Document, line: Line) -> list[Line]:
    """The heading and the lines after it up to the date line or body, which must name the sides.

    Titles are often typed (or OCR'd) with blank lines between their parts: a blank line ends the
    title only once both sides are named and nothing on either side of it says the title goes on.
    """
    title: list[Line] = []
    lines = doc.lines[line.index:line.index + 3 * MAX_TITLE_LINES]
    for i, candidate in enumerate(lines):
        if candidate.blank:
            following = next((x for x in lines[i + 1:] if not x.blank), None)
            if following is None or len(following.text) > 120 or find_dates(following.text):
                break
            if _sides_named(title) and not TITLE_CONTINUES.match(following.text):
                break
            continue
        if title and find_dates(candidate.text) and len(candidate.text) < 60:
            break
        # On a scan the blank line after the title may be lost: a paragraph line ends it too.
        if len(candidate.text) > MAX_PARTY_LINE_CHARS and _sides_named(title) and not TITLE_CONTINUES.match(candidate.text):
            break
        title.append(candidate)
        if len(title) == MAX_TITLE_LINES:
            break
    return title


def agreement_starts(doc: Document) -> list[list[Line]]:
    """Title blocks of each agreement, in order."""
    starts = []
    for line in doc.lines:
        # On a scan, debris (a quote mark, a speck read as a dot) may stand before the heading.
        text = SCAN_DEBRIS_HEAD.sub("", line.text) if not doc.blank_lines_reliable else line.text
        if not HEADING.match(text) or NOT_HEADING.match(text) or len(text) > 160:
            continue
        if starts and line.index < starts[-1][-1].index + 1:
            continue
        title = _title_block(doc, line)
        if any("ระหว่าง" in t.text for t in title):
            starts.append(title)
    return starts


# "ทำ ณ วันที่ ........ เดือน ......": a date line printed with dots for the signing day.
BLANK_DATE = re.compile(r"วันที่\s*(?:[.…_]\s*){3,}")


def _date(doc: Document, title: list[Line], last_line: int, letter_end: int) -> Candidate | None:
    after_title = title[-1].index + 1
    dated = date_line_candidates(doc, after_title, min(after_title + 4, last_line), "agreement.date_line", 0.92)
    if dated:
        return dated[0]
    region = doc.text[title[0].start:doc.lines[last_line - 1].end]
    for m in SIGNED_ON.finditer(region):
        d = find_dates(region[m.end():m.end() + 60])
        if d and d[0].start <= 3:
            s = title[0].start + m.end()
            return Candidate(d[0].iso, s + d[0].start, s + d[0].end, "agreement.signed_on", 0.9)
    if BLANK_DATE.search(region):
        return None  # a draft to be signed: its date is left to fill in, whatever the letter plans
    # The covering letter often gives the signing date the MOU copy leaves out.
    letter = doc.text[:doc.lines[letter_end].start] if letter_end < len(doc.lines) else ""
    for m in SIGNING_MENTION.finditer(letter):
        d = find_dates(letter[m.end() - 8:m.end() + 60])
        if d:
            s = m.end() - 8
            return Candidate(d[0].iso, s + d[0].start, s + d[0].end, "agreement.letter_signing_date", 0.8)
    return None


def _signature_start(doc: Document, first_line: int, last_line: int) -> int:
    sigs = signatories.signature_lines(doc, doc.lines[first_line:last_line])
    return sigs[0].line.index if sigs else last_line


def extract(doc: Document, options: Options) -> list[Candidate]:
    """One candidate per agreement; its value holds the agreement's fields, ``parts`` their evidence."""
    titles = agreement_starts(doc)
    found = []
    for n, title in enumerate(titles):
        first = title[0].index
        last = titles[n + 1][0].index if n + 1 < len(titles) else len(doc.lines)
        title_start, title_end = title[0].start, title[-1].end
        parts: dict[str, Candidate] = {}
        value: dict = {"title": flat(doc.text[title_start:title_end])}
        parts["/title"] = Candidate(value["title"], title_start, title_end, "agreement.title_block", 0.9)

        date = _date(doc, title, last, titles[0][0].index)
        value["date"] = date.value if date else None
        if date:
            parts["/date"] = date

        body_first = title[-1].index + 1
        signature_line = _signature_start(doc, body_first, last)
        body_start = doc.lines[body_first].start if body_first < len(doc.lines) else title_end
        body_end = doc.lines[signature_line - 1].end if signature_line > body_first else body_start
        party_candidates = parties.from_sides(doc.text[body_start:body_end], body_start)
        if len(party_candidates) < 2:
            party_candidates = parties.from_between(doc.text[title_start:title_end], title_start)
        names, aliases = [], {}
        for c in party_candidates:
            if c.value not in names:
                parts[f"/parties/{len(names)}"] = c
                names.append(c.value)
            if "/alias" in c.parts:
                aliases.setdefault(c.value, []).append(c.parts["/alias"].value)
        value["parties"], value["party_aliases"] = names, aliases

        clause_candidates = clauses.extract(doc, options, body_first, signature_line)
        value["clauses"] = [c.value for c in clause_candidates]
        for i, c in enumerate(clause_candidates):
            parts[f"/clauses/{i}"] = c

        periods = termination.extract(doc, options, body_start, body_end)
        for field in ("termination_notice", "duration", "renewal", "effective"):
            best = max(periods.get(field, []), key=lambda c: c.confidence, default=None)
            value[field] = best.value if best else None
            if best:
                parts[f"/{field}"] = best

        people = signatories.extract(doc, options, signature_line, last)
        if not doc.blank_lines_reliable and "พยาน" in doc.text[body_start:body_end]:
            people = signatories.trailing_witnesses(people, len(names))
        value["signatories"] = [p.value for p in people if not p.value["witness"]]
        value["witnesses"] = [p.value for p in people if p.value["witness"]]
        for i, p in enumerate(c for c in people if not c.value["witness"]):
            parts[f"/signatories/{i}"] = p
        found.append(Candidate(value, title_start, doc.lines[last - 1].end, "agreement.heading", 0.9, parts))
    return found
