"""Numbered clauses (ข้อ 1, ข้อ ๑., 1., (1), ๑), 1.1) of an agreement or of a regulation, order or announcement.

Among the numbering schemes present, the clauses are the one whose labels run 1, 2, 3 … longest.
A clause is its own paragraph plus the paragraphs after it that open with a sub-label (1.1, (1), ก.)
of a different scheme; anything else ends it.
"""
from __future__ import annotations

import re

from extractors.base import Candidate, blocks, flat
from models.options import Options
from pipeline.document import Document

SCHEMES = {
    "clause.kho": re.compile(r"^ข้อ\s*(?P<label>\d{1,3}(?:\.\d{1,2})?)\.?(?:\s+|(?=[ก-๙]))"),
    "clause.bracketed": re.compile(r"^\((?P<label>\d{1,3})\)\s*"),
    "clause.half_bracket": re.compile(r"^(?P<label>\d{1,3})\)\s*"),
    "clause.dotted": re.compile(r"^(?P<label>\d{1,3})\.(?!\d)\s*"),
    "clause.nested": re.compile(r"^(?P<label>\d{1,3}\.\d{1,2})(?:\.|\s)\s*"),
}
SUB_LABEL = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,2})+\)?|\(\d{1,3}\)|\d{1,3}\)|\(?[ก-ฮ][.)])\s*")


def _longest_run(labels: list[str]) -> int:
    best, expected = 0, 1
    for label in labels:
        if label == str(expected):
            best = max(best, expected)
            expected += 1
    return best


def extract(doc: Document, options: Options, first_line: int = 0, last_line: int | None = None) -> list[Candidate]:
    """Clauses between two lines of the document.

    >>> doc = Document.from_text("ข้อ ๑ ให้ดำเนินการ\\n\\nข้อ ๒ มหาวิทยาลัยตกลง\\n\\nบันทึกนี้จัดทำขึ้นสองฉบับ")
    >>> [(c.value["label"], c.value["text"]) for c in extract(doc, Options())]
    [('1', 'ให้ดำเนินการ'), ('2', 'มหาวิทยาลัยตกลง')]
    """
    paragraphs = blocks(doc.lines[first_line:last_line])
    best_rule, best_hits, best_run = None, [], 0
    for rule_id, pattern in SCHEMES.items():
        hits = [(i, pattern.match(p[0].text)) for i, p in enumerate(paragraphs)]
        hits = [(i, m) for i, m in hits if m]
        run = _longest_run([m.group("label") for _, m in hits])
        if run > best_run:
            best_rule, best_hits, best_run = rule_id, hits, run
    if best_run < 2:
        return []
    clause_starts = {i for i, _ in best_hits}
    out = []
    expected = 1
    for i, m in best_hits:
        if m.group("label") != str(expected):
            continue
        expected += 1
        end_paragraph = i
        for j in range(i + 1, len(paragraphs)):
            if j in clause_starts or not SUB_LABEL.match(paragraphs[j][0].text):
                break
            end_paragraph = j
        start = paragraphs[i][0].start + m.end()
        end = paragraphs[end_paragraph][-1].end
        out.append(Candidate({"label": m.group("label"), "text": flat(doc.text[start:end])}, start, end,
                             best_rule, 0.9))
    return out
