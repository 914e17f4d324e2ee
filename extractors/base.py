"""What every extractor returns: candidates with their evidence, and the helpers they share."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from models.record import Evidence
from pipeline.document import Document, Line
from pipeline.normalise import PAGE_BREAK


@dataclass(frozen=True)
class Candidate:
    """A value an extractor found, where it found it and how sure the rule is.

    ``parts`` carries evidence for values inside a structured value, keyed by JSON pointer
    relative to it (``/date``, ``/parties/0``).
    """

    value: Any
    start: int
    end: int
    rule: str
    confidence: float
    parts: dict[str, "Candidate"] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern
    confidence: float
    data: dict


def _rule_items(name: str) -> list[dict]:
    text = resources.files("extractors").joinpath(f"rules/{name}.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("//")]


@lru_cache(maxsize=1)
def fragments() -> dict[str, str]:
    """Shared pieces of patterns (``rules/fragments.jsonl``), named in a rule's pattern as ``{{id}}``."""
    return {item["id"]: item["pattern"] for item in _rule_items("fragments")}


FRAGMENT = re.compile(r"\{\{(\w+)\}\}")


def _expand(pattern: str, rule_id: str) -> str:
    def piece(m: re.Match) -> str:
        if m.group(1) not in fragments():
            raise ValueError(f"rule {rule_id}: no fragment {m.group(1)!r} in rules/fragments.jsonl")
        return f"(?:{fragments()[m.group(1)]})"
    return FRAGMENT.sub(piece, pattern)


@lru_cache(maxsize=None)
def load_rules(name: str) -> tuple[Rule, ...]:
    """Rules of one field from ``extractors/rules/<name>.jsonl``: each line has an id and a pattern,
    which may name shared fragments as ``{{id}}``; ``needs`` and ``unless`` patterns may too.

    >>> [r.pattern.pattern for r in load_rules("clause_end") if r.id == "clause_end.given_on"]
    ['^(?:(?:ประกาศ|สั่?ง|ให้?ไว้?)\\\\s*ณ\\\\s*วันที่?)']
    """
    rules = []
    for item in _rule_items(name):
        for key in ("needs", "unless"):
            if key in item:
                item[key] = _expand(item[key], item["id"])
        rules.append(Rule(item["id"], re.compile(_expand(item["pattern"], item["id"]), re.M),
                          float(item.get("confidence", 0.9)), item))
    return tuple(rules)


# Tesseract's Thai model confuses Thai digits (๘/๕, ๙/๓, ๖/๒) while reporting high confidence:
# on the rendered dev scans every OCR'd document number was wrong at word confidence > 0.9. Digits
# the digit reader confirmed carry its own confidence instead.
OCR_THAI_DIGITS_FACTOR = 0.7


def evidence(doc: Document, candidate: Candidate) -> Evidence:
    raw_start, raw_end = doc.raw_span(candidate.start, candidate.end)
    raw_text = doc.raw_text[raw_start:raw_end]
    confidence = candidate.confidence
    ocr = doc.ocr_confidence(candidate.start, candidate.end)
    if ocr is not None:
        confidence *= 0.5 + 0.5 * ocr
        if doc.has_unchecked_ocr_digits(candidate.start, candidate.end):
            confidence *= OCR_THAI_DIGITS_FACTOR
    return Evidence(page=doc.page_of(candidate.start), start=candidate.start, end=candidate.end,
                    raw_start=raw_start, raw_end=raw_end, text=raw_text,
                    rule=candidate.rule, confidence=round(confidence, 3))


def flat(text: str) -> str:
    """A value on one line with single spaces (line breaks and page breaks become spaces).

    >>> flat("ขีดความสามารถ\\nขององค์กร")
    'ขีดความสามารถ ขององค์กร'
    """
    return " ".join(text.replace(PAGE_BREAK, " ").split())


def blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive non-blank lines (paragraphs, title blocks, signature blocks)."""
    out: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                out.append(current)
            current = []
        else:
            current.append(line)
    if current:
        out.append(current)
    return out


HEADING_MARK = re.compile(r"^#{1,6}\s+")


def is_scan_debris(text: str) -> bool:
    """Nothing but stray marks a scan leaves between words: lone characters and punctuation.

    >>> is_scan_debris(" : ก | "), is_scan_debris("."), is_scan_debris("โดย")
    (True, True, False)
    """
    return all(len(token) == 1 or not any(ch.isalnum() for ch in token) for token in text.split())


def unspaced(text: str) -> str:
    """The text with all its white space taken out (Thai wraps and OCR spaces put it anywhere).

    >>> unspaced("กรมส่งเสริม\\nการปกครอง ท้องถิ่น")
    'กรมส่งเสริมการปกครองท้องถิ่น'
    """
    return "".join(text.split())
