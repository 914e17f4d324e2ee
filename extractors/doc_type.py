"""Document type (ชนิดของหนังสือ) from the signals each type shows, rules in ``rules/doc_type.jsonl``.

A rule holds when its pattern matches (in the head or anywhere), its ``needs`` pattern matches
somewhere and its ``unless`` pattern matches nowhere.
"""
from __future__ import annotations

import re

from extractors.base import Candidate, load_rules
from models.options import Options
from pipeline.document import Document

HEAD_LINES = 12


def extract(doc: Document, options: Options) -> list[Candidate]:
    """Every rule that holds, in rule order.

    >>> doc = Document.from_text("\\nบันทึกข้อความ\\nส่วนราชการ สำนักงาน\\nที่ พร 0077.3/ว 510")
    >>> extract(doc, Options())[0].value
    'memo'
    """
    head_lines = [line for line in doc.lines if not line.blank][:HEAD_LINES]
    head_end = head_lines[-1].end if head_lines else 0
    out = []
    for rule in load_rules("doc_type"):
        where = rule.data["where"]
        first_end = head_lines[0].end if head_lines else 0
        scope_end = {"first": first_end, "head": head_end}.get(where, len(doc.text))
        matches = list(rule.pattern.finditer(doc.text, 0, scope_end))
        if len(matches) < int(rule.data.get("min_count", 1)):
            continue
        needs = rule.data.get("needs")
        if needs and not re.search(needs, doc.text, re.M):
            continue
        unless = rule.data.get("unless")
        if unless and re.search(unless, doc.text, re.M):
            continue
        m = matches[0]
        out.append(Candidate(rule.data["doc_type"], m.start(), m.end(), rule.id, rule.confidence))
    return out
