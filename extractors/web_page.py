"""Title and publisher of a news page: past the menus, share bars and breadcrumbs."""
from __future__ import annotations

import re

from extractors.base import HEADING_MARK, Candidate, blocks, flat
from extractors.organisations import find_organisations
from models.options import Options
from pipeline.document import Document, Line

NAV_WORDS = re.compile(r"^(?:share|แชร์|พิมพ์|print|หน้าหลัก|home|logo|skip|menu|เมนู|ค้นหา|search)\b", re.I)
COPYRIGHT = re.compile(r"(?:(?:สงวน)?ลิขสิทธิ[์]?(?:\s*โดย)?|©|copyright)\s*(?P<owner>[^\n|]{4,80})", re.I)
MAX_TITLE_LINE = 150


def is_navigation(line: Line) -> bool:
    text = line.text
    return (text.count("|") >= 2 or bool(NAV_WORDS.match(text)) or text.count(" / ") >= 2
            or bool(re.match(r"^(?:https?://|www\.)", text)))


def breadcrumb_tail(lines: list[Line]) -> str | None:
    for line in lines:
        if line.text.count(" / ") >= 2:
            return line.text.split(" / ")[-1].strip()
    return None


def title(doc: Document, options: Options) -> list[Candidate]:
    """The first block of short lines that is not navigation; confirmed if the breadcrumb ends with it.

    A block that opens with a navigation line is navigation throughout (a breadcrumb wraps). Scans
    split a title's lines into blocks of their own: single short lines after the first block join
    the title until the lead paragraph starts.
    """
    crumb = breadcrumb_tail(doc.lines[:80])
    taken: list[Line] = []
    for block in blocks(doc.lines[:80]):
        if not taken:
            if is_navigation(block[0]):
                continue
            for line in block[:4]:
                if len(line.text) > MAX_TITLE_LINE or find_date_lead(line.text):
                    break
                taken.append(line)
            if taken and len(taken) < len(block):
                break  # the lead paragraph follows the title in the same block
            continue
        lone_short_line = len(block) == 1 and len(block[0].text) <= 100 and not find_date_lead(block[0].text)
        if not lone_short_line or sum(len(line.text) for line in taken) > 200:
            break
        taken.append(block[0])
    if not taken:
        return []
    heading = HEADING_MARK.match(taken[0].text)
    start = taken[0].start + (heading.end() if heading else 0)
    value = flat(" ".join(line.text for line in taken)[heading.end() if heading else 0:])
    confirmed = crumb is not None and flat(crumb) == value
    return [Candidate(value, start, taken[-1].end, "subject.web_title", 0.9 if confirmed else 0.75)]


DATELINE = re.compile(r"^(?:(?:เมื่อ)?วันที่\s*\d|เผย\S?แพร่|โพสต์|ปรับปรุง|posted|published)", re.I)


def find_date_lead(text: str) -> bool:
    """A dateline or publication line: the title is over."""
    return bool(DATELINE.match(text))


def publisher(doc: Document, options: Options) -> list[Candidate]:
    """The copyright holder, else the first organisation named in the lead paragraph."""
    out = []
    for m in COPYRIGHT.finditer(doc.text):
        orgs = find_organisations(m.group("owner"))
        if orgs:
            org = orgs[0]
            s = m.start("owner") + org.start
            out.append(Candidate(org.name, s, s + len(org.name), "issuer.web_copyright", 0.85))
    for line in doc.lines[:80]:
        if len(line.text) > MAX_TITLE_LINE and not is_navigation(line):
            orgs = find_organisations(line.text)
            if orgs:
                org = orgs[0]
                out.append(Candidate(org.name, line.start + org.start, line.start + org.end,
                                     "issuer.web_lead_organisation", 0.6))
            break
    return out
