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
from extractors.organisations import find_organisations
from models.options import Options
from pipeline.document import Document, Line

# Headings, bullets, emphasis or the quote marks a scan makes of them may stand around the line.
ISSUE = re.compile(r"^[^\u0e01-\u0e4eA-Za-z0-9]*ประเด็นยุทธศาสตร์\s*(?:ที่)?\s*(?P<label>\d{1,2})\s*[:：.\-–]?\s*"
                   r"(?P<title>[^*\s][^*]*?)[\s*\"”]*$")
SECTION = re.compile(r"^(?:#+\s*)?(?P<kind>เป้าประสงค์|ตัวชี้วัด|กลยุทธ์)(?:\s*(?:ที่)?\s*\d{1,2})?\s*[:：]?\s*(?P<rest>.*)$")
SECTION_FIELD = {"เป้าประสงค์": "goals", "ตัวชี้วัด": "indicators", "กลยุทธ์": "strategies"}
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
        orgs = find_organisations(m.group("owner"))
        if orgs and orgs[0].start == 0 and len(orgs[0].name) >= len(m.group("owner")) - 2:
            owner, text = orgs[0].name, text[:m.start()]
    budget = budget_baht(text) if INLINE_BUDGET.search(text) else None
    name = flat(INLINE_BUDGET.sub("", text))
    return {"name": name, "owner": owner, "budget_baht": budget}


class _TableColumns:
    def __init__(self, header: list[str]):
        def find(*words: str) -> int | None:
            return next((i for i, c in enumerate(header) if any(w in c for w in words)), None)

        self.project = find("โครงการ")
        self.owner = find("หน่วยงาน", "รับผิดชอบ")
        self.budget = find("งบประมาณ", "วงเงิน")
        self.unit = "ล้านบาท" if self.budget is not None and "ล้าน" in header[self.budget] else "บาท"

    def project_of(self, cells: list[str]) -> dict | None:
        if self.project is None or self.project >= len(cells) or not cells[self.project].startswith("โครงการ"):
            return None
        owner = cells[self.owner] if self.owner is not None and self.owner < len(cells) else None
        budget = cells[self.budget] if self.budget is not None and self.budget < len(cells) else ""
        return {"name": flat(cells[self.project]), "owner": flat(owner) if owner else None,
                "budget_baht": budget_baht(budget, self.unit)}


def _issue(lines: list[Line], n: int, parts: dict) -> dict:
    """Goals, indicators, strategies and projects in the lines under one issue heading."""
    issue = {"goals": [], "indicators": [], "strategies": [], "projects": []}
    section, columns = None, None
    for line in lines:
        text = line.text
        if text.startswith("|"):
            cells = _cells(text)
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            project = columns.project_of(cells) if columns else None
            if project:
                issue["projects"].append(project)
                parts[f"/strategic_issues/{n}/projects/{len(issue['projects']) - 1}"] = Candidate(
                    project["name"], line.start, line.end, "plan.project_table_row", 0.85)
            elif any("โครงการ" in c for c in cells):
                columns = _TableColumns(cells)
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


def extract(doc: Document, options: Options) -> list[Candidate]:
    """A plan candidate when the document sets out strategic issues; its value is the plan dict."""
    lines = doc.lines
    issue_lines = [(line, m) for line in lines for m in [ISSUE.match(line.text)] if m]
    if not issue_lines:
        return []
    issues, parts = [], {}
    for n, (line, m) in enumerate(issue_lines):
        end = issue_lines[n + 1][0].index if n + 1 < len(issue_lines) else len(lines)
        body = []
        for following in lines[line.index + 1:end]:
            if HEADING_MARK.match(following.text) and not SECTION.match(following.text):
                break
            body.append(following)
        title = flat(m.group("title"))
        parts[f"/strategic_issues/{n}"] = Candidate(title, line.start + m.start("title"), line.start + m.end("title"),
                                                    "plan.strategic_issue_heading", 0.9)
        issues.append({"label": m.group("label"), "title": title, **_issue(body, n, parts)})
    plan = {**_plan_header(lines), "strategic_issues": issues}
    first = issue_lines[0][0]
    return [Candidate(plan, first.start, lines[-1].end, "plan.strategic_issues", 0.85, parts)]
