"""The Royal Gazette's (ราชกิจจานุเบกษา) running header: page furniture, found at the top of a page.

Every page of a Gazette issue opens with ``เล่ม ๑๔๒ ตอนที่ ๖๑ ก หน้า ๑ ราชกิจจานุเบกษา ๑๘ กันยายน ๒๕๖๘``
(volume, section, page, publication date), on one line or spread over two or three in whatever
order the PDF's text layer gives. It is not the document's text: normalisation takes it out (with
its offsets, like every rule) and ``extractors/gazette.py`` reads its parts from the raw text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# pipeline/normalise.py runs remove_gazette_headers as one of its rules, so nothing is imported from it.
PAGE_BREAK = "\f"

_D = "[0-9\u0e50-\u0e59]"
_MONTHS = ("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม")
# Text layers lose or misplace the marks of these words (ตอนที, เลม่, หนา้): each spelling counts.
_VOLUME_WORD, _SECTION_WORD, _PAGE_WORD = "เล(?:่ม|ม่|ม)", "ตอน(?:ที่|ท่ี|ที|พิเศษ)", "หน(?:้า|า้|า)"
VOLUME = re.compile(rf"{_VOLUME_WORD}\s*(?P<volume>{_D}{{1,4}})")
SECTION = re.compile(rf"(?P<kind>{_SECTION_WORD})\s*(?P<number>{_D}{{1,4}})"
                     r"(?:\s*(?P<letter>[กขคง])(?![\u0e01-\u0e4e]))?")
PAGE = re.compile(rf"{_PAGE_WORD}\s*(?P<page>{_D}{{1,4}})")
NAME = re.compile("ราชกิจจานุเบกษา")
DATE = re.compile(rf"(?P<date>{_D}{{1,2}}\s*(?:{_MONTHS})\s*(?:พ\.\s?ศ\.\s*)?{_D}{{4}})")
# A line made of header parts and nothing else.
_COMPONENT = (rf"(?:{_VOLUME_WORD}\s*{_D}{{1,4}}|{_SECTION_WORD}\s*{_D}{{1,4}}(?:\s*[กขคง](?![\u0e01-\u0e4e]))?"
              rf"|{_PAGE_WORD}\s*{_D}{{1,4}}|ราชกิจจานุเบกษา|{_D}{{1,2}}\s*(?:{_MONTHS})\s*(?:พ\.\s?ศ\.\s*)?{_D}{{4}}"
              r"|(?<=\s)[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])")  # a mark the layer put at the line's end
HEADER_LINE = re.compile(rf"[ \t]*(?:{_COMPONENT}[ \t]*)+\r?")
MAX_HEADER_LINES = 4


@dataclass(frozen=True)
class GazetteHeader:
    """One page's running header: where it is (half-open) and what it says, digits as printed."""

    start: int
    end: int
    volume: str
    section: str          # ``61 ก``, ``215 ง`` (ตอนพิเศษ: ``พิเศษ 215 ง``)
    page: str | None
    date: str | None


def _header_at(text: str, start: int) -> GazetteHeader | None:
    """The header whose first line starts at ``start`` (blank lines before it skipped), or None."""
    pos = start
    while True:  # blank lines before the header
        line_end = text.find("\n", pos)
        if line_end < 0 or text[pos:line_end].strip():
            break
        pos = line_end + 1
    first, end, lines = pos, pos, 0
    while lines < MAX_HEADER_LINES:
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if line_end == end or not HEADER_LINE.fullmatch(text, end, line_end):
            break
        end, lines = line_end, lines + 1
        if end < len(text):
            end += 1
        if end >= len(text):
            break
    block = text[first:end]
    volume, section = VOLUME.search(block), SECTION.search(block)
    if not lines or not volume or not section or not NAME.search(block):
        return None
    page, date = PAGE.search(block), DATE.search(block)
    kind = "พิเศษ " if section["kind"].endswith("พิเศษ") else ""
    letter = f" {section['letter']}" if section["letter"] else ""
    return GazetteHeader(first, end, volume["volume"], f"{kind}{section['number']}{letter}",
                         page["page"] if page else None, " ".join(date["date"].split()) if date else None)


def find_headers(text: str) -> list[GazetteHeader]:
    """The running header of each page: at the text's start and after each page-break line.

    >>> [(h.volume, h.section, h.page, h.date) for h in find_headers(
    ...     "เล่ม ๑๔๒ ตอนที่ ๖๑ ก หน้า ๑ ราชกิจจานุเบกษา ๑๘ กันยายน ๒๕๖๘\\nพระราชบัญญัติ\\n\\f\\n"
    ...     "หน้า ๒\\nเล่ม ๑๔๒ ตอนที่ ๖๑ ก ราชกิจจานุเบกษา\\n๑๘ กันยายน ๒๕๖๘\\nมาตรา ๑")]
    [('๑๔๒', '๖๑ ก', '๑', '๑๘ กันยายน ๒๕๖๘'), ('๑๔๒', '๖๑ ก', '๒', '๑๘ กันยายน ๒๕๖๘')]
    """
    starts = [0] + [m.end() for m in re.finditer(f"(?m)^{PAGE_BREAK}[ \t]*\n", text)]
    return [h for h in (_header_at(text, s) for s in starts) if h is not None]


def remove_gazette_headers(text: str) -> tuple[str, list[int]]:
    """The Gazette's running header at a page's top is page furniture: it goes, offsets kept.

    >>> remove_gazette_headers("เล่ม 142 ตอนที่ 61 ก หน้า 1 ราชกิจจานุเบกษา 18 กันยายน 2568\\nพระราชบัญญัติ")[0]
    'พระราชบัญญัติ'
    >>> remove_gazette_headers("ประกาศในราชกิจจานุเบกษา เล่ม 142 ตอนที่ 61 ก")[0]
    'ประกาศในราชกิจจานุเบกษา เล่ม 142 ตอนที่ 61 ก'
    """
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for header in find_headers(text):
        out.append(text[last:header.start])
        offsets.extend(range(last, header.start))
        last = header.end
    out.append(text[last:])
    offsets.extend(range(last, len(text) + 1))
    return "".join(out), offsets
