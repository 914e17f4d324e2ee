"""Royal Gazette (ราชกิจจานุเบกษา) publication data: volume, section, page and date from the running
header that normalisation sets aside as page furniture (pipeline/gazette_header.py).

The header is not in the normalised text, so its evidence points at the raw text it was read from
and at the empty normalised span where it stood. The document's own date is not this one: an Act's
is its ให้ไว้ ณ date, an announcement's its ประกาศ ณ วันที่ (extractors/dates.py).
"""
from __future__ import annotations

import bisect

from extractors.base import Candidate
from extractors.dates import parse_thai_date
from models.options import Options
from models.record import Evidence
from pipeline.document import Document
from pipeline.gazette_header import find_headers
from pipeline.normalise import normalise_value

RULE = "gazette.running_header"
CONFIDENCE = 0.95


def extract(doc: Document, options: Options) -> list[Candidate]:
    """One candidate per page header, in page order; the first page's is the document's.

    >>> from pipeline.document import Document
    >>> doc = Document.from_text("เล่ม ๑๔๒ ตอนที่ ๖๑ ก หน้า ๑ ราชกิจจานุเบกษา ๑๘ กันยายน ๒๕๖๘\\nพระราชบัญญัติ")
    >>> extract(doc, None)[0].value
    {'volume': 142, 'section': '61 ก', 'page': 1, 'published': '2025-09-18', 'published_raw': '๑๘ กันยายน ๒๕๖๘'}
    """
    candidates = []
    for header in find_headers(doc.raw_text):
        at = bisect.bisect_left(doc.normalised.to_raw, header.start)
        value = {"volume": int(normalise_value(header.volume)), "section": normalise_value(header.section),
                 "page": int(normalise_value(header.page)) if header.page else None,
                 "published": parse_thai_date(header.date) if header.date else None,
                 "published_raw": header.date}
        candidates.append(Candidate(value, at, at, RULE, CONFIDENCE,
                                    parts={"raw": Candidate((header.start, header.end), at, at, RULE, CONFIDENCE)}))
    return candidates


def evidence(doc: Document, candidate: Candidate) -> Evidence:
    """Evidence of a header: its raw span and text as printed; its normalised span is empty (removed)."""
    raw_start, raw_end = candidate.parts["raw"].value
    text = doc.raw_text[raw_start:raw_end].rstrip()
    return Evidence(page=doc.page_of(candidate.start), start=candidate.start, end=candidate.end,
                    raw_start=raw_start, raw_end=raw_start + len(text), text=text, rule=candidate.rule,
                    confidence=candidate.confidence)


def warnings(candidates: list[Candidate]) -> list[str]:
    """Pages whose header names another volume or section than the first page's."""
    if not candidates:
        return []
    first = candidates[0].value
    return [f"/gazette: page header {c.value['volume']} {c.value['section']} differs from the first page's "
            f"{first['volume']} {first['section']}" for c in candidates[1:]
            if (c.value["volume"], c.value["section"]) != (first["volume"], first["section"])]
