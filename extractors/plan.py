"""Plans (แผนพัฒนาจังหวัด / กลุ่มจังหวัด / แผนปฏิบัติราชการ): strategic issues and their projects.

A strategic issue is a line ``ประเด็นยุทธศาสตร์ (ที่) N : title``. Its projects are the list items
opening with โครงการ up to the next issue or the next heading.
"""
from __future__ import annotations

import re

from extractors.base import HEADING_MARK, LIST_MARK, Candidate, flat
from extractors.dates import year_to_ce
from models.options import Options
from pipeline.document import Document

ISSUE = re.compile(r"^(?:#+\s*)?(?:[-•]\s*)?ประเด็นยุทธศาสตร์\s*(?:ที่)?\s*(?P<label>\d{1,2})\s*[:：.\-–]?\s*(?P<title>\S.+)$")
NUMBERED_ITEM = re.compile(r"^(?:\d{1,2}[.)]|\(\d{1,2}\))\s+")
PROJECT = re.compile(r"^(?:[-•▪●○◦*]\s+|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+)(?P<name>โครงการ.+)$")
PLAN_TYPE = re.compile(r"(?P<type>แผนพัฒนากลุ่มจังหวัด|แผนพัฒนาจังหวัด|แผนปฏิบัติราชการ(?:ประจำปี)?)"
                       r"(?P<area>(?:กลุ่มจังหวัด|จังหวัด)?[^\n(]{0,60}?)?\s*"
                       r"(?:\(?\s*(?:พ\.ศ\.|ปี)\s*(?P<y1>\d{4})\s*[-–]\s*(?P<y2>\d{4})\s*\)?)?$")
FISCAL_YEAR = re.compile(r"ปีงบประมาณ\s*(?:พ\.ศ\.)?\s*(?P<year>\d{4})")
BUDGET = re.compile(r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>ล้านบาท|บาท)")


def budget_baht(text: str) -> float | None:
    """A budget in baht; ล้านบาท counts millions.

    >>> budget_baht("งบประมาณ 2.5 ล้านบาท")
    2500000.0
    """
    m = BUDGET.search(text)
    if not m:
        return None
    amount = float(m.group("amount").replace(",", ""))
    return amount * 1_000_000 if m.group("unit") == "ล้านบาท" else amount


def extract(doc: Document, options: Options) -> list[Candidate]:
    """A plan candidate when the document sets out strategic issues; its value is the plan dict."""
    lines = doc.lines
    issue_lines = [(line, ISSUE.match(line.text)) for line in lines]
    issue_lines = [(line, m) for line, m in issue_lines if m]
    if not issue_lines:
        return []
    issues, parts = [], {}
    for n, (line, m) in enumerate(issue_lines):
        end_index = issue_lines[n + 1][0].index if n + 1 < len(issue_lines) else len(lines)
        projects = []
        for following in lines[line.index + 1:end_index]:
            if HEADING_MARK.match(following.text):
                break
            p = PROJECT.match(following.text)
            if p:
                name = flat(p.group("name"))
                projects.append({"name": name, "owner": None, "budget_baht": budget_baht(name)})
                parts[f"/strategic_issues/{n}/projects/{len(projects) - 1}"] = Candidate(
                    name, following.start + p.start("name"), following.end, "plan.project_list_item", 0.85)
        title = flat(m.group("title"))
        parts[f"/strategic_issues/{n}"] = Candidate(title, line.start + m.start("title"), line.end,
                                                    "plan.strategic_issue_heading", 0.9)
        issues.append({"label": m.group("label"), "title": title, "goals": [], "indicators": [],
                       "strategies": [], "projects": projects})
    plan = {"plan_type": None, "area": None, "period": None, "fiscal_year": None, "vision": None,
            "strategic_issues": issues}
    for line in lines[:15]:
        m = PLAN_TYPE.search(HEADING_MARK.sub("", line.text))
        if m and line.text.lstrip("# ").startswith(m.group("type")):
            plan["plan_type"] = m.group("type")
            plan["area"] = flat(m.group("area") or "") or None
            if m.group("y1"):
                plan["period"] = {"start_year": year_to_ce(int(m.group("y1"))),
                                  "end_year": year_to_ce(int(m.group("y2")))}
            break
    first = issue_lines[0][0]
    return [Candidate(plan, first.start, lines[-1].end, "plan.strategic_issues", 0.85, parts)]
