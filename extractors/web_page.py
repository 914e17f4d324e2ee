"""Title and publisher of a news page: past the menus, share bars and breadcrumbs."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from extractors.base import HEADING_MARK, Candidate, blocks, flat, unspaced
from extractors.organisations import find_organisations
from models.options import Options
from pipeline.document import Document, Line

NAV_WORDS = re.compile(r"^(?:share|แชร์|พิมพ์|print|หน้าหลัก|home|logo|skip|menu|เมนู|ค้นหา|search)\b", re.I)
COPYRIGHT = re.compile(r"(?:(?:สงวน)?ลิขสิทธิ[์]?(?:\s*โดย)?|©|copyright)\s*(?P<owner>[^\n|]{4,80})", re.I)
MAX_TITLE_LINE = 150


def is_navigation(line: Line) -> bool:
    text = line.text
    return (text.count("|") >= 2 or bool(NAV_WORDS.match(text)) or text.count(" / ") >= 2
            or bool(re.match(r"^(?:https?://|www\.|(?:แหล่ง)?ที่มา\s*:|source\s*:)", text, re.I)))


def breadcrumb_tail(lines: list[Line]) -> str | None:
    for line in lines:
        if line.text.count(" / ") >= 2:
            return line.text.split(" / ")[-1].strip()
    return None


UI_WORD = re.compile(r"^(?:พิมพ์|แชร์|share|print|tweet|like|อ่านต่อ|กลับ|back|\d{1,7}|[-_=*.•|]+)$", re.I)
CRUMB_SEPARATOR = re.compile(r"\s?[-/>|»]\s?$")


def _echoed(lines: list[Line], line: Line) -> bool:
    """The headline is echoed: it ends an earlier breadcrumb line or is printed twice."""
    text = line.text.strip()
    for other in lines:
        if other.index == line.index:
            continue
        if other.text.strip() == text and other.index > line.index:
            return True
        if other.index < line.index and other.text.endswith(text) and len(other.text) > len(text):
            if CRUMB_SEPARATOR.search(other.text[:-len(text)]):
                return True
    return False


def _compact(lines: list[Line]) -> str:
    return "".join(unspaced(line.text) for line in lines)


def echoed_headline(top: list[Line]) -> list[Line] | None:
    """A headline wrapped over lines and printed twice — first after the site's name ("รัฐบาลไทย-
    ข่าวทำเนียบรัฐบาล-…"), then alone — where the two copies wrap at different places: the second
    copy's lines. OCR may misread a letter in either copy, so they need only nearly agree."""
    first = []
    for line in top:
        if first and (line.blank or is_date_only(line.text) or find_date_lead(line.text)):
            break
        if not line.blank and not is_navigation(line):
            first.append(line)
        if len(first) == 4:
            break
    if not first:
        return None
    printed_first = _compact(first)
    # The headline starts the first copy, or follows a separator after the site's name.
    starts = [0] + [m.end() for m in re.finditer(r"[-/>|»]", printed_first[:80])]
    lines = [line for line in top if not line.blank and line.index > first[-1].index
             and not is_date_only(line.text) and not find_date_lead(line.text)]
    best, best_agreement = None, 0.9
    for k in range(len(lines)):
        for length in range(1, 5):
            run = lines[k:k + length]
            copy = _compact(run)
            if len(copy) < 20:
                continue
            matcher = None  # the copy's index is built once, for all the starts that could agree
            for start in starts:
                printed = printed_first[start:start + len(copy) + 10]
                if 2 * min(len(printed), len(copy)) <= best_agreement * (len(printed) + len(copy)):
                    continue  # SequenceMatcher.real_quick_ratio: the lengths alone rule it out
                if matcher is None:
                    matcher = SequenceMatcher(None, b=copy, autojunk=False)
                matcher.set_seq1(printed)
                if matcher.quick_ratio() > best_agreement and matcher.ratio() > best_agreement:
                    best, best_agreement = run, matcher.ratio()
    return best


def title(doc: Document, options: Options) -> list[Candidate]:
    """The headline: past navigation, breadcrumbs, datelines and buttons, the first block of short lines.

    A headline echoed by the breadcrumb or printed twice is certain; otherwise it is a fair guess.
    Scans split a headline's lines into blocks of their own: single short lines after the first
    block join it until the lead paragraph starts.
    """
    head = doc.lines[:80]
    crumb = breadcrumb_tail(head)
    top = [line for line in head if not line.blank][:12]
    echo = echoed_headline(head[:40])
    if echo:
        return [Candidate(flat(doc.text[echo[0].start:echo[-1].end]), echo[0].start, echo[-1].end,
                          "subject.web_title_echoed", 0.9)]
    for line in top:
        text = line.text.strip()
        if (len(text) <= 2 * MAX_TITLE_LINE and not is_navigation(line) and not UI_WORD.match(text)
                and not find_date_lead(text) and not is_date_only(text) and _echoed(top, line)):
            start = line.start + line.text.index(text)
            return [Candidate(flat(text), start, start + len(text), "subject.web_title_echoed", 0.9)]
    taken: list[Line] = []
    for block in blocks(head):
        block = [line for line in block if not UI_WORD.match(line.text.strip()) and not is_date_only(line.text)]
        if not block:
            continue
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


def is_date_only(text: str) -> bool:
    from extractors.dates import find_dates

    found = find_dates(text)
    return bool(found) and not (text[:found[0].start] + text[found[0].end:]).strip(" ,.()")


DATELINE = re.compile(r"^(?:(?:เมื่อ)?วันที่\s*\d|เผย\S?แพร่|โพสต์|ปรับปรุง|posted|published)", re.I)


def find_date_lead(text: str) -> bool:
    """A dateline or publication line: the title is over."""
    return bool(DATELINE.match(text))


SEPARATOR_LINE = re.compile(r"^[-_=*~]{5,}$")
SOURCE_LINE = re.compile(r"^(?:(?:แหล่ง)?ที่มา|source)\s*:", re.I)


def publisher(doc: Document, options: Options) -> list[Candidate]:
    """The credit line under the story, the copyright holder, else the first organisation of the lead."""
    out = []
    tail = doc.lines[-12:]
    for n, line in enumerate(tail):
        if SEPARATOR_LINE.match(line.text):
            credit = next((x for x in tail[n + 1:] if not x.blank), None)
            if credit and len(credit.text) <= 100 and find_organisations(credit.text):
                out.append(Candidate(flat(credit.text), credit.start, credit.end, "issuer.web_credit_line", 0.8))
        elif SOURCE_LINE.match(line.text):
            # A scan loses the rule above the credit line; the credit still stands over the source.
            credit = next((x for x in reversed(tail[:n]) if not x.blank), None)
            if credit and len(credit.text) <= 60 and find_organisations(credit.text):
                out.append(Candidate(flat(credit.text), credit.start, credit.end, "issuer.web_credit_over_source", 0.75))
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
