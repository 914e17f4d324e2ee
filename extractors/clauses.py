"""Numbered clauses (ข้อ 1, ข้อ ๑., 1., (1), ๑), 1.1) of an agreement or of a regulation, order or announcement.

Among the numbering schemes present, the clauses are the one whose labels run 1, 2, 3 … longest.
A clause runs from its label across paragraphs (scans break paragraphs where the text does not)
until the next clause or a paragraph that closes the list (``rules/clause_end.jsonl``).
"""
from __future__ import annotations

import re

from extractors.base import Candidate, blocks, flat, load_rules
from models.options import Options
from pipeline.document import Document

# The same schemes with the number unreadable (a scan turned "(4)" into "(@)") or a bracket lost
# ("9)"): accepted only as the next clause inside a run already started, labelled by their place in it.
GARBLED = {
    "clause.kho": re.compile(r"^ข้อ\s+\S{1,3}?\.?\s+"),
    "clause.bracketed": re.compile(r"^(?:\([^()\s]{1,2}\)?|\d{1,2}\))\s+"),
}
SCHEMES = {
    "clause.kho": re.compile(r"^ข้อ\s*(?P<label>\d{1,3}(?:\.\d{1,2})?)\.?(?:\s+|(?=[ก-๙]))"),
    "clause.bracketed": re.compile(r"^\((?P<label>\d{1,3})\)\s*"),
    "clause.half_bracket": re.compile(r"^(?P<label>\d{1,3})\)\s*"),
    "clause.dotted": re.compile(r"^(?P<label>\d{1,3})\.(?!\d)\s*"),
    "clause.nested": re.compile(r"^(?P<label>\d{1,3}\.\d{1,2})(?:\.|\s)\s*"),
}


def _closes_clauses(text: str) -> bool:
    return any(rule.pattern.match(text) for rule in load_rules("clause_end"))


def _longest_run(labels: list[str]) -> int:
    best, expected = 0, 1
    for label in labels:
        if label == str(expected):
            best = max(best, expected)
            expected += 1
    return best


def extract(doc: Document, options: Options, first_line: int = 0, last_line: int | None = None,
            schemes: tuple[str, ...] | None = None) -> list[Candidate]:
    """Clauses between two lines of the document, numbered by one of ``schemes`` (default: any).

    >>> doc = Document.from_text("ข้อ ๑ ให้ดำเนินการ\\n\\nต่อเนื่อง\\n\\nข้อ ๒ มหาวิทยาลัยตกลง\\n\\nบันทึกนี้จัดทำขึ้นสองฉบับ")
    >>> [(c.value["label"], c.value["text"]) for c in extract(doc, Options())]
    [('1', 'ให้ดำเนินการ ต่อเนื่อง'), ('2', 'มหาวิทยาลัยตกลง')]
    """
    paragraphs = _paragraphs(doc, first_line, last_line)
    best_rule, best_hits, best_run = None, [], 0
    for rule_id, pattern in SCHEMES.items():
        if schemes is not None and rule_id not in schemes:
            continue
        hits = [(i, pattern.match(p[0].text)) for i, p in enumerate(paragraphs)]
        hits = [(i, m) for i, m in hits if m]
        run = _longest_run([m.group("label") for _, m in hits])
        if run > best_run:
            best_rule, best_hits, best_run = rule_id, hits, run
    if best_run < 2:
        return []
    starts = _sequence(paragraphs, best_rule, dict(best_hits), scanned=not doc.blank_lines_reliable)
    clause_starts = {i for i, _, _, _ in starts}
    out = []
    for i, label, label_end, confidence in starts:
        end_paragraph = i
        for j in range(i + 1, len(paragraphs)):
            if j in clause_starts or _closes_clauses(paragraphs[j][0].text):
                break
            end_paragraph = j
        start = paragraphs[i][0].start + label_end
        end = paragraphs[end_paragraph][-1].end
        rule = best_rule if confidence >= 0.9 else f"{best_rule}.by_position"
        out.append(Candidate({"label": label, "text": flat(doc.text[start:end])}, start, end, rule, confidence))
    return out


def _paragraphs(doc: Document, first_line: int, last_line: int | None) -> list[list]:
    """Blocks of lines, where a line that opens with a clause label or closes the list starts a block
    of its own too: regulations, orders and most MOUs set ข้อ ๑, ข้อ ๒ … and the given-on line one
    under the other with no blank line, and OCR loses the blank lines that were there."""
    paragraphs = blocks(doc.lines[first_line:last_line])
    split = []
    for paragraph in paragraphs:
        current = [paragraph[0]]
        for line in paragraph[1:]:
            if any(pattern.match(line.text) for pattern in SCHEMES.values()) or _closes_clauses(line.text):
                split.append(current)
                current = []
            current.append(line)
        split.append(current)
    return split


def _sequence(paragraphs, rule_id: str, hits: dict, scanned: bool) -> list[tuple[int, str, int, float]]:
    """(paragraph, label, label end, confidence) of each clause in numbering order 1, 2, 3 …

    In a scan, a label of the running scheme whose number was misread ("(๖)" read as "(๒)") is
    the next clause, numbered by its place.
    """
    garbled = GARBLED.get(rule_id) if scanned else None
    out, expected = [], 1
    for i, paragraph in enumerate(paragraphs):
        m = hits.get(i)
        if m and m.group("label") == str(expected):
            out.append((i, str(expected), m.end(), 0.9))
            expected += 1
        elif expected > 1 and garbled:
            g = m or garbled.match(paragraph[0].text)
            if g:
                out.append((i, str(expected), g.end(), 0.6))
                expected += 1
    return out
