"""Labelled header fields of letters and memos: เรื่อง, เรียน, อ้างถึง, สิ่งที่ส่งมาด้วย, ส่วนราชการ."""
from __future__ import annotations

import re

from extractors.base import Candidate, flat, load_rules
from extractors.dates import find_dates
from pipeline.normalise import PAGE_BREAK
from models.options import Options
from pipeline.document import Document, Line

HEAD_LINES = 80
# A body paragraph opens with one of these: the header is over. (Not a bare ตาม: subjects wrap
# before ตามแผน…, ตามมติ…; ตามที may have lost its tone mark on a scan.)
BODY_OPENER = re.compile(r"^(?:ด้วย|ตามที่?|ตามหนังสือ|เนื่องด้วย|เนื่องจาก|อนุสนธิ|สืบเนื่อง|จึงเรียน|ขอแสดงความนับถือ|"
                         r"โดยที่|อาศัยอำนาจ|เพื่อให้|มีพระบรมราชโองการ|มีพระราชโองการ)")
# A line this long is a paragraph run onto one line (web pages, some text layers), not a wrapped value.
MAX_VALUE_LINE_CHARS = 150
# On a scan a value line shorter than this was not wrapped (ขอขอบคุณ), so a blank line after it ends it.
WRAPPED_LINE_CHARS = 30
# ที่ opens a label only as the document's number line; a wrapped reference may start with it.
NUMBER_LINE = re.compile(r"^(?:ที่?|ท(?=\s))\s*[ก-ฮ]{1,4}\.?\s*\d[\d.()]*\s*/")  # a scan may read ที่ as ท
NUMBER_LABEL_LINE = re.compile(r"^ที่?\s+[ก-ฮ]{1,4}\.?\s*\S")
OTHER_LABEL = re.compile(r"^(?:วันที่\s|เรื่อง|เรียน|ถึง\s|อ้างถึง|สิ่งที่ส่งมาด้วย|ส่วนราชการ|โทร|บันทึกข้อความ)")
ITEM_START = re.compile(r"^\(?(\d{1,2})[.)]\s*")
# On a scan an item's number may lose its dot ("3 แบบรายงาน") or be read as Latin letters ("lo." for ๒.).
SCANNED_ITEM_START = re.compile(r"^(?:\(?\d{1,2}[.)]\s*|\d{1,2}\s+|[A-Za-z]{1,3}\.\s*)(?=[\u0e01-\u0e4e])")


BRACKETED_LINE = re.compile(r"^\([^()]{2,60}\)$")


def _value_lines(doc: Document, first: Line, label_end: int, max_lines: int,
                 number_line_ends: bool = True, wrapped_from_chars: int = 0) -> list[tuple[int, int]]:
    spans = [(label_end, first.end)]
    after_blank = False
    for line in doc.lines[first.index + 1:]:
        if len(spans) >= max_lines:
            break
        if spans[-1][1] - spans[-1][0] < wrapped_from_chars and not BRACKETED_LINE.match(line.text):
            break  # a short line did not wrap, but a line all in brackets qualifies it: เรียน … (หัวหน้าส่วนราชการ)
        if line.blank and not doc.blank_lines_reliable and line.text != PAGE_BREAK:
            after_blank = True
            continue
        # On a scan a blank line proves little, but one before ตาม… (ตามประกาศ…, ตามคำสั่ง…) opens the body.
        if after_blank and line.text.startswith("ตาม"):
            break
        # A short line did not wrap: what follows it across a blank line is another block.
        if after_blank and 0 < len(doc.text[slice(*spans[-1])].strip()) < WRAPPED_LINE_CHARS:
            break
        if (line.blank or OTHER_LABEL.match(line.text) or BODY_OPENER.match(line.text)
                or len(line.text) > MAX_VALUE_LINE_CHARS or (number_line_ends and NUMBER_LINE.match(line.text))):
            break
        spans.append((line.start, line.end))
    return spans


def _items(doc: Document, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Numbered items (1. … 2. …) as separate spans; unnumbered text is one item."""
    item_start = ITEM_START if doc.blank_lines_reliable else SCANNED_ITEM_START
    starts = [i for i, (s, _e) in enumerate(spans) if item_start.match(doc.text[s:].lstrip())]
    if len(starts) < 2 or not any(ITEM_START.match(doc.text[spans[i][0]:].lstrip()) for i in starts):
        return [(spans[0][0], spans[-1][1])]
    # Text before the first number ("ดังนี้") introduces the list; it is not an item.
    groups = [spans[a:b] for a, b in zip(starts, starts[1:] + [len(spans)])]
    items = []
    for group in groups:
        start = group[0][0]
        start += len(doc.text[start:group[0][1]]) - len(doc.text[start:group[0][1]].lstrip())
        m = item_start.match(doc.text[start:])
        items.append((start + (m.end() if m else 0), group[-1][1]))
    return items


def extract(doc: Document, options: Options) -> dict[str, list[Candidate]]:
    """Candidates per field: ``subject``, ``to``, ``references``, ``enclosures``, ``office``.

    >>> doc = Document.from_text("เรื่อง ขอความร่วมมือ\\nประชาสัมพันธ์\\n\\nเรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด")
    >>> found = extract(doc, Options())
    >>> found["subject"][0].value, found["to"][0].value
    ('ขอความร่วมมือ ประชาสัมพันธ์', 'ผู้ว่าราชการจังหวัด ทุกจังหวัด')
    >>> extract(Document.from_text("เรียน คณะกรรมการจังหวัดพังงา\\n(หัวหน้าส่วนราชการ)\\nอ้างถึง หนังสือ"), Options())["to"][0].value
    'คณะกรรมการจังหวัดพังงา (หัวหน้าส่วนราชการ)'
    """
    found: dict[str, list[Candidate]] = {}
    for rule in load_rules("header_fields"):
        field = rule.data["field"]
        for line in doc.lines[:HEAD_LINES]:
            m = rule.pattern.match(line.text)
            if not m or field in found:
                continue
            first, value_start = line, line.start + m.end()
            if not doc.text[value_start:line.end].strip():
                # The label alone on its line (a template's field left its value on the next one).
                first = next((x for x in doc.lines[line.index + 1:line.index + 3] if not x.blank), line)
                if OTHER_LABEL.match(first.text) or BODY_OPENER.match(first.text):
                    continue
                value_start = first.start
            spans = _value_lines(doc, first, value_start, int(rule.data.get("max_lines", 1)),
                                 number_line_ends=field not in ("references", "enclosures"),
                                 wrapped_from_chars=int(rule.data.get("wrapped_from_chars", 0)))
            if field in ("references", "enclosures"):
                items = _items(doc, spans)
            else:
                items = [(spans[0][0], spans[-1][1])]
            candidates = [Candidate(flat(doc.text[s:e]), s, e, rule.id, rule.confidence)
                          for s, e in items if flat(doc.text[s:e])]
            if candidates:
                found[field] = candidates
    if "subject" not in found and "to" in found:
        found["subject"] = _subject_above_addressee(doc, found["to"][0].start)
    return found


# The heading of a regulation, Act, order or announcement names its kind and its subject at once.
TITLE_HEADING = re.compile(r"^(?:พระราชบัญญัติ|พระราชกฤษฎีกา|พระราชกำหนด|กฎกระทรวง|ประมวลกฎหมาย|ระเบียบ|ข้อบังคับ|"
                           r"ประกาศ|คำสั่ง|แถลงการณ์)")
# Lines that continue such a heading: ว่าด้วย …, (ฉบับที่ N), the year line.
TITLE_CONTINUES = re.compile(r"^(?:ว่าด้วย|\(?ฉบับที่|พ\.ศ\.|พุทธศักราช|\(.*\)$)")
YEAR_LINE = re.compile(r"(?:พ\.ศ\.|พุทธศักราช)\s*\d{4}\s*$")
YEAR_ALONE = re.compile(r"^(?:พ\.ศ\.|พุทธศักราช)\s*\d{4}$")
MAX_TITLE_LINE_CHARS = 150
# "คำสั่งสำนักงาน… ที่ 103/2563 เรื่อง การระงับ…" on one line: an order's or announcement's heading
# with its เรื่อง label, as its own lines would give it (the label's line is the subject there).
SUBJECT_IN_HEADING = re.compile(r"^(?:ประกาศ|คำสั่ง|แถลงการณ์)\S.*?\sเรื่อง\s*(?P<subject>[\u0e01-\u0e4e\w(].*)$")
# The same heading wrapped right after its label: the subject is the next line.
LABEL_ENDS_HEADING = re.compile(r"^(?:ประกาศ|คำสั่ง|แถลงการณ์)\S.*?\sเรื่อง$")


def title_block(doc: Document, options: Options) -> list[Candidate]:
    """The title of a regulation, Act, order or announcement: its heading line and the lines that
    continue it (ว่าด้วย …, ฉบับที่ …) down to the year line (the Gazette's running head is already out of the text).

    >>> doc = Document.from_text("ระเบียบกระทรวงศึกษาธิการ\\nว่าด้วยการชักธงชาติในสถานศึกษา (ฉบับที่ ๒)\\nพ.ศ. ๒๕๖๑\\n\\nโดยที่เป็นการสมควร")
    >>> title_block(doc, Options())[0].value
    'ระเบียบกระทรวงศึกษาธิการ ว่าด้วยการชักธงชาติในสถานศึกษา (ฉบับที่ 2) พ.ศ. 2561'
    >>> title_block(Document.from_text("คำสั่งจังหวัดพัทลุง ที่ 12/2564 เรื่อง แต่งตั้งคณะทำงาน\\n\\nด้วย"), Options())[0].value
    'แต่งตั้งคณะทำงาน'
    >>> title_block(Document.from_text("คำสั่งจังหวัดพัทลุง ที่ 12/2564 เรื่อง\\nแต่งตั้งคณะทำงาน\\nด้วยจังหวัด"), Options())[0].value
    'แต่งตั้งคณะทำงาน'
    """
    head = [line for line in doc.lines[:40] if not line.blank][:8]
    if len(head) > 1 and head[0].text == head[1].text:
        head = head[1:]  # a category header printed over the title repeats its first line (พระราชบัญญัติ)
    if not head or not TITLE_HEADING.match(head[0].text) or len(head[0].text) > MAX_TITLE_LINE_CHARS:
        return []
    labelled = SUBJECT_IN_HEADING.match(head[0].text)
    if labelled:  # a web page or an export ran the heading's lines into one: the เรื่อง part is the subject
        start, end = head[0].start + labelled.start("subject"), head[0].end
        return [Candidate(flat(doc.text[start:end]), start, end, "subject.title_block", 0.85)]
    if LABEL_ENDS_HEADING.match(head[0].text) and len(head) > 1 and doc.text[head[0].end:head[1].start] == "\n":
        return [Candidate(flat(head[1].text), head[1].start, head[1].end, "subject.title_block", 0.85)]
    year = next((n for n, line in enumerate(head[:6]) if YEAR_ALONE.match(line.text)), None)
    if year is not None and all(len(line.text) <= MAX_TITLE_LINE_CHARS for line in head[:year]):
        # An Act's or decree's title runs over several lines down to its year line, whatever they say.
        value = flat(doc.text[head[0].start:head[year].end])
        return [Candidate(value, head[0].start, head[year].end, "subject.title_block", 0.85)]
    title = [head[0]]
    for line in head[1:6]:
        if YEAR_LINE.search(title[-1].text) or doc.text[title[-1].end:line.start].count("\n") > 1:
            break  # the year line closes the title; so does a blank or rule line
        if not (TITLE_CONTINUES.match(line.text) or YEAR_LINE.search(line.text)):
            break
        title.append(line)
    value = flat(doc.text[title[0].start:title[-1].end])
    return [Candidate(value, title[0].start, title[-1].end, "subject.title_block", 0.85)]


LEADING_GARBLE = re.compile(r"^[^\u0e01-\u0e4e\s]{1,5}\s+(?=[\u0e01-\u0e4e])")


def _subject_above_addressee(doc: Document, addressee_start: int) -> list[Candidate]:
    """Where the เรื่อง label was not read (scans garble it), the subject is the block right above เรียน."""
    to_line = doc.line_at(addressee_start)
    above = [line for line in doc.lines[max(0, to_line.index - 6):to_line.index]]
    block: list[Line] = []
    for line in reversed(above):
        if line.blank:
            if block:
                break
            continue
        block.insert(0, line)
    # A stamped letter has no subject: right above its ถึง stands the number and address block.
    if (not block or OTHER_LABEL.match(block[0].text) or find_dates(block[0].text)
            or any(NUMBER_LINE.match(line.text) or NUMBER_LABEL_LINE.match(line.text) for line in block)):
        return []
    garble = LEADING_GARBLE.match(block[0].text)
    start = block[0].start + (garble.end() if garble else 0)
    value = flat(doc.text[start:block[-1].end])
    return [Candidate(value, start, block[-1].end, "subject.above_addressee", 0.6)] if value else []
