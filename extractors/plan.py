"""Plans (แผนพัฒนาจังหวัด / กลุ่มจังหวัด / แผนปฏิบัติราชการ): vision, strategic issues with their
goals, indicators, strategies and projects (from lists, table rows and prose), period, fiscal year.

A strategic issue is a line ``ประเด็นยุทธศาสตร์ (ที่) N : title``; what follows it up to the next
issue or heading belongs to it. Projects are list items or table rows opening with โครงการ; a table
header names the owner (หน่วยงานรับผิดชอบ) and budget (งบประมาณ, in บาท or ล้านบาท) columns.
"""
from __future__ import annotations

import re

from extractors.base import HEADING_MARK, Candidate, flat
from extractors.dates import year_to_ce
from extractors.organisations import leading_organisation
from models.options import Options
from pipeline.document import Document, Line
from pipeline.layout import TABLE_CELL_GAP

# Headings, bullets, emphasis or the quote marks a scan makes of them may stand around the line.
# Plans name their issues ประเด็นยุทธศาสตร์ที่ N, ประเด็นการพัฒนา(จังหวัด)ที่ N or ยุทธศาสตร์ที่ N.
ISSUE_WORD = r"(?:ประเด็น(?:ยุทธศาสตร์|การพัฒนา)(?:จังหวัด|กลุ่มจังหวัด)?|ยุทธศาสตร์(?=\s*ที่))"
ISSUE = re.compile(rf"^[^\u0e01-\u0e4eA-Za-z0-9]*{ISSUE_WORD}\s*(?:ที่)?\s*(?P<label>\d{{1,2}})\s*[:：.\-–]?\s*"
                   r"(?P<title>[^*\s][^*]*?)[\s*\"”]*$")
# The line under an issue's heading that carries on its title, wrapped before a conjunction.
TITLE_GOES_ON = re.compile(r"^(?:และ|หรือ|ตลอดจน|รวมทั้ง|รวมถึง)\s?[\u0e01-\u0e2e]")
# The same label alone (a row of a project table that groups the rows under it by issue).
ISSUE_REFERENCE = re.compile(rf"^[\s|*]*{ISSUE_WORD}\s*(?:ที่)?\s*(?P<label>\d{{1,2}})[\s|*]*$")
SECTION = re.compile(r"^(?:#+\s*)?(?P<kind>เป้าประสงค์|ตัวชี้วัด(?:และค่าเป้าหมาย)?|กลยุทธ์|แนวทางการพัฒนา)"
                     r"(?:\s*(?:ที่)?\s*\d{1,2})?\s*[:：]?\s*(?P<rest>.*)$")
SECTION_FIELD = {"เป้าประสงค์": "goals", "ตัวชี้วัด": "indicators", "ตัวชี้วัดและค่าเป้าหมาย": "indicators",
                 "กลยุทธ์": "strategies", "แนวทางการพัฒนา": "strategies"}
LIST_ITEM = re.compile(r"^(?:[-•▪●○◦*]\s+|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+)(?P<text>.+)$")
VISION = re.compile(r"^(?:#+\s*)?วิสัยทัศน์\s*(?:\(Vision\))?\s*[:：]?\s*(?P<text>.*)$", re.I)
PLAN_TITLE = re.compile(r"^(?P<type>แผนพัฒนา(?:กลุ่มจังหวัด|จังหวัด)|แผนปฏิบัติราชการ(?:ประจำปี)?)"
                        r"(?P<area>(?:กลุ่มจังหวัด|จังหวัด)?[^\n(]{0,60}?)?(?:\s*(?:\d+|[ก-๙]+)\s*ปี)?\s*"
                        r"(?:\(?\s*(?:พ\.ศ\.|ปี)\s*(?P<y1>\d{4})(?:\s*[-–]\s*(?P<y2>\d{4}))?\s*\)?)?$")
FISCAL_YEAR = re.compile(r"ปีงบประมาณ\s*(?:พ\.ศ\.)?\s*(?P<year>\d{4})")
BUDGET = re.compile(r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>ล้านบาท|บาท)")
INLINE_BUDGET = re.compile(r"\s*(?:งบประมาณ|วงเงิน)\s*\d[\d,]*(?:\.\d+)?\s*(?:ล้านบาท|บาท)")
TRAILING_OWNER = re.compile(r"\s*\((?P<owner>[^()]{4,80})\)\s*$")


def budget_baht(text: str, unit_hint: str = "") -> float | None:
    """A budget in baht; ล้านบาท counts millions.

    >>> budget_baht("งบประมาณ 2.5 ล้านบาท"), budget_baht("12,500,000"), budget_baht("3.2", "ล้านบาท")
    (2500000.0, 12500000.0, 3200000.0)
    """
    m = BUDGET.search(text)
    if m:
        amount, unit = float(m.group("amount").replace(",", "")), m.group("unit")
    else:
        bare = re.fullmatch(r"\s*(\d[\d,]*(?:\.\d+)?)\s*", text)
        if not bare:
            return None
        amount, unit = float(bare.group(1).replace(",", "")), unit_hint
    return amount * 1_000_000 if "ล้าน" in unit else amount


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _project_from_item(text: str) -> dict:
    """``โครงการ… งบประมาณ 1.5 ล้านบาท (สำนักงาน…)``: name, budget and owner apart."""
    owner = None
    m = TRAILING_OWNER.search(text)
    if m:
        org = leading_organisation(m.group("owner"))
        if org and len(org.name) >= len(m.group("owner")) - 2:
            owner, text = org.name, text[:m.start()]
    budget = budget_baht(text) if INLINE_BUDGET.search(text) else None
    name = flat(INLINE_BUDGET.sub("", text))
    return {"name": name, "owner": owner, "budget_baht": budget}


class _TableColumns:
    def __init__(self, header: list[str]):
        def find(*words: str) -> int | None:
            return next((i for i, c in enumerate(header) if any(w in c for w in words)), None)

        self.project = find("โครงการ")
        self.owner = find("หน่วยงาน", "หน่วยดำเนินการ", "รับผิดชอบ")
        self.budget = find("งบประมาณ", "วงเงิน")
        self.unit = "ล้านบาท" if self.budget is not None and "ล้าน" in header[self.budget] else "บาท"

    def project_of(self, cells: list[str]) -> dict | None:
        if self.project is None or self.project >= len(cells) or not cells[self.project].startswith("โครงการ"):
            return None
        owner = cells[self.owner] if self.owner is not None and self.owner < len(cells) else None
        budget = cells[self.budget] if self.budget is not None and self.budget < len(cells) else ""
        return {"name": flat(cells[self.project]), "owner": flat(owner) if owner else None,
                "budget_baht": budget_baht(budget, self.unit)}


def _table_cells(doc: Document, line: Line) -> list[str] | None:
    """A row of a table printed as text: a Markdown row's cells, or the stretches of a typed line set
    apart by wide gaps (read from the raw line: normalising folds the gaps)."""
    if line.text.startswith("|"):
        return _cells(line.text)
    cells = [flat(doc.text[s:e]) for s, e in doc.cells(line, TABLE_CELL_GAP)]
    return cells if len(cells) >= 2 else None


HEADER_WORDS = ("หน่วย", "รับผิดชอบ", "งบประมาณ", "วงเงิน", "ลำดับ")


def _is_project_header(cells: list[str]) -> bool:
    """A header row names the project column and another (owner, budget, order) and holds no amount."""
    return (any("โครงการ" in c for c in cells) and any(w in c for c in cells for w in HEADER_WORDS)
            and not any(BUDGET.search(c) or re.fullmatch(r"[\d,.]+", c) for c in cells))


def _table_rows(doc: Document, lines: list[Line]) -> dict[int, list[str]]:
    """The cells of every line that reads as a table row, by line index (read once per document)."""
    return {line.index: cells for line in lines if not line.blank and (cells := _table_cells(doc, line))}


def _table_headers(lines: list[Line], rows: dict[int, list[str]]) -> dict[int, _TableColumns]:
    """For each line, the project table header above it that is in force (a header row names โครงการ)."""
    out, columns = {}, None
    for line in lines:
        cells = rows.get(line.index)
        if cells and _is_project_header(cells):
            columns = _TableColumns(cells)
        elif columns is not None:
            out[line.index] = columns
    return out


def _issue(lines: list[Line], n: int, parts: dict, rows: dict[int, list[str]],
           headers: dict[int, _TableColumns]) -> dict:
    """Goals, indicators, strategies and projects in the lines under one issue heading."""
    issue = {"goals": [], "indicators": [], "strategies": [], "projects": []}
    section = None
    for line in lines:
        text = line.text
        cells = rows.get(line.index)
        if cells:
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            columns = headers.get(line.index)
            project = columns.project_of(cells) if columns else None
            if project:
                issue["projects"].append(project)
                parts[f"/strategic_issues/{n}/projects/{len(issue['projects']) - 1}"] = Candidate(
                    project["name"], line.start, line.end, "plan.project_table_row", 0.85)
                continue
            if text.startswith("|"):
                continue
        s = SECTION.match(text)
        if s:
            section = SECTION_FIELD[s.group("kind")]
            if s.group("rest").strip():
                issue[section].append(flat(s.group("rest")))
            continue
        item = LIST_ITEM.match(text)
        if item and item.group("text").startswith("โครงการ"):
            project = _project_from_item(item.group("text"))
            issue["projects"].append(project)
            parts[f"/strategic_issues/{n}/projects/{len(issue['projects']) - 1}"] = Candidate(
                project["name"], line.start + item.start("text"), line.end, "plan.project_list_item", 0.85)
        elif item and section:
            issue[section].append(flat(item.group("text")))
        elif not line.blank and not item:
            section = None if len(text) > 120 else section
    return issue


def _plan_header(lines: list[Line]) -> dict:
    header = {"plan_type": None, "area": None, "period": None, "fiscal_year": None, "vision": None}
    for line in lines[:15]:
        text = HEADING_MARK.sub("", line.text).replace("*", "").strip()
        m = PLAN_TITLE.match(text)
        if m and header["plan_type"] is None:
            header["plan_type"] = m.group("type")
            area = flat(m.group("area") or "")
            if area and not area.startswith(("จังหวัด", "กลุ่มจังหวัด")):
                area = ("กลุ่มจังหวัด" if "กลุ่มจังหวัด" in m.group("type") else "จังหวัด") + area
            header["area"] = area or None
            if m.group("y1"):
                header["period"] = {"start_year": year_to_ce(int(m.group("y1"))),
                                    "end_year": year_to_ce(int(m.group("y2") or m.group("y1")))}
        fiscal = FISCAL_YEAR.search(text)
        if fiscal and header["fiscal_year"] is None:
            header["fiscal_year"] = year_to_ce(int(fiscal.group("year")))
    for i, line in enumerate(lines):
        m = VISION.match(line.text.replace("*", ""))
        if m:
            text = m.group("text") or next((x.text for x in lines[i + 1:i + 4] if not x.blank), "")
            header["vision"] = flat(text).strip("\"“”' ") or None
            break
    return header


def _issue_bodies(lines: list[Line]) -> list[tuple[Line, re.Match, list[Line]]]:
    """Each strategic issue's heading and the lines that belong to it: those under its heading, and
    those under a later row that names its label again (project tables grouped by issue)."""
    headings: dict[str, tuple[Line, re.Match]] = {}
    for line in lines:
        m = ISSUE.match(line.text)
        if m and m.group("label") not in headings and re.search(r"[\u0e01-\u0e2e]", m.group("title")):
            headings[m.group("label")] = (line, m)
    bodies: dict[str, list[Line]] = {label: [] for label in headings}
    current = None
    for line in lines:
        m = ISSUE.match(line.text) or ISSUE_REFERENCE.match(line.text)
        if m and m.group("label") in headings:
            current = m.group("label")
            continue
        if HEADING_MARK.match(line.text) and not SECTION.match(line.text):
            current = None
        if current is not None:
            bodies[current].append(line)
    return [(line, m, bodies[label]) for label, (line, m) in headings.items()]


def extract(doc: Document, options: Options) -> list[Candidate]:
    """A plan candidate when the document sets out strategic issues; its value is the plan dict."""
    lines = doc.lines
    found = _issue_bodies(lines)
    if not found:
        return []
    rows = _table_rows(doc, lines)
    headers = _table_headers(lines, rows)
    issues, parts = [], {}
    for n, (line, m, body) in enumerate(found):
        title, end = flat(m.group("title")), line.start + m.end("title")
        if body and body[0].index == line.index + 1 and TITLE_GOES_ON.match(body[0].text):
            title, end, body = flat(f"{title} {body[0].text}"), body[0].end, body[1:]
        parts[f"/strategic_issues/{n}"] = Candidate(title, line.start + m.start("title"), end,
                                                    "plan.strategic_issue_heading", 0.9)
        issues.append({"label": m.group("label"), "title": title, **_issue(body, n, parts, rows, headers)})
    plan = {**_plan_header(lines), "strategic_issues": issues}
    first = found[0][0]
    return [Candidate(plan, first.start, lines[-1].end, "plan.strategic_issues", 0.85, parts)]


PLAN_HEADING = re.compile(r"^แผน[\u0e01-\u0e4e]")
# Lines that continue a plan's title: its period or year, or an edition or area in brackets.
TITLE_CONTINUATION = re.compile(r"^(?:\(.*\)|(?:พ\.ศ\.|ปี(?:งบประมาณ)?(?:\s*พ\.ศ\.)?)\s*\d{4}.*)$")
PREPARED_BY = re.compile(r"^(?:จัดทำโดย|โดย)\s*")
HEAD_LINES = 10


def _head(doc: Document) -> list[Line]:
    return [line for line in doc.lines[:60] if not line.blank][:HEAD_LINES]


def _bare(line: Line) -> str:
    return HEADING_MARK.sub("", line.text).replace("*", "").strip()


def title(doc: Document, options: Options) -> list[Candidate]:
    """A plan's title: its heading line with the period and edition lines set under it.

    >>> doc = Document.from_text("แผนพัฒนาจังหวัดกาญจนบุรี\\nพ.ศ. ๒๕๖๖ – ๒๕๗๐\\n\\nสำนักงานจังหวัดกาญจนบุรี")
    >>> title(doc, Options())[0].value
    'แผนพัฒนาจังหวัดกาญจนบุรี พ.ศ. 2566 – 2570'
    """
    head = _head(doc)
    for n, line in enumerate(head):
        if not PLAN_HEADING.match(_bare(line)):
            continue
        last = line
        for following in head[n + 1:n + 3]:
            if not TITLE_CONTINUATION.match(_bare(following)):
                break
            last = following
        value = flat(" ".join(_bare(x) for x in head[n:head.index(last) + 1]))
        return [Candidate(value, line.start, last.end, "subject.plan_title", 0.85)]
    return []


MAX_MAKER_CHARS = 120


def _names_its_maker(text: str) -> bool:
    """What follows จัดทำโดย is a name (a committee, a working group), not a sentence: short, no figures."""
    return 0 < len(text.strip()) <= MAX_MAKER_CHARS and not re.search(r"\d", text)


def issuer(doc: Document, options: Options) -> list[Candidate]:
    """The office a plan names under its title (an office line, or จัดทำโดย …), else the province or
    province group the plan is for.

    >>> doc = Document.from_text("แผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. ๒๕๖๔\\nมหาวิทยาลัยราชภัฏนครราชสีมา\\nกองนโยบายและแผน")
    >>> issuer(doc, Options())[0].value
    'มหาวิทยาลัยราชภัฏนครราชสีมา'
    >>> issuer(Document.from_text("แผนพัฒนากลุ่มจังหวัด พ.ศ. ๒๕๖๑\\nจัดทำโดย คณะทำงานจัดทำแผนกลุ่มจังหวัด"), Options())[0].value
    'คณะทำงานจัดทำแผนกลุ่มจังหวัด'
    """
    found = title(doc, options)
    if not found:
        return []
    head = _head(doc)
    after = [line for line in head if line.start >= found[0].end][:4]
    for line in after:
        prepared = PREPARED_BY.match(line.text)
        text = line.text[prepared.end():] if prepared else line.text
        org = leading_organisation(text)
        start = line.start + (prepared.end() if prepared else 0)
        if org:
            return [Candidate(org.name, start, start + len(org.name), "issuer.plan_office", 0.8)]
        # จัดทำโดย names the plan's maker, whether or not its name opens with a known head word
        if prepared and prepared.group().startswith("จัดทำ") and _names_its_maker(text):
            return [Candidate(flat(text), start, line.end, "issuer.plan_office", 0.75)]
    area = _plan_header(head).get("area")
    if area:
        at = doc.text.find(area, found[0].start, found[0].end)
        if at >= 0:
            return [Candidate(area, at, at + len(area), "issuer.plan_area", 0.7)]
    return []
