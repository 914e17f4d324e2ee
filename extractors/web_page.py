"""Title and publisher of a news page: past the menus, share bars and breadcrumbs."""
from __future__ import annotations

import re

from extractors.base import HEADING_MARK, Candidate, flat
from extractors.organisations import find_organisations
from models.options import Options
from pipeline.document import Document, Line

NAV_WORDS = re.compile(r"^(?:share|แชร์|พิมพ์|print|หน้าหลัก|home|logo|skip|menu|เมนู|ค้นหา|search)\b", re.I)
COPYRIGHT = re.compile(r"(?:สงวนลิขสิทธิ์(?:\s*โดย)?|ลิขสิทธิ์(?:\s*โดย)?|©|copyright)\s*(?P<owner>[^\n|]{4,80})", re.I)
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
    """The first block of short lines that is not navigation; confirmed if the breadcrumb ends with it."""
    head = doc.lines[:80]
    crumb = breadcrumb_tail(head)
    taken: list[Line] = []
    for line in head:
        if line.blank:
            if taken:
                break
            continue
        if is_navigation(line) or (not taken and len(line.text) > MAX_TITLE_LINE):
            if taken:
                break
            continue
        if len(line.text) > MAX_TITLE_LINE or find_date_lead(line.text):
            break
        taken.append(line)
        if len(taken) == 4:
            break
    if not taken:
        return []
    start = taken[0].start + len(HEADING_MARK.match(taken[0].text).group() if HEADING_MARK.match(taken[0].text) else "")
    value = flat(doc.text[start:taken[-1].end])
    confirmed = crumb is not None and flat(crumb) == value
    return [Candidate(value, start, taken[-1].end, "subject.web_title", 0.9 if confirmed else 0.75)]


def find_date_lead(text: str) -> bool:
    return bool(re.match(r"^(?:เมื่อ)?วันที่\s*\d", text))


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
