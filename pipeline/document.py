"""The normalised document every extractor reads: text, lines, pages and a way back to the raw text."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from pipeline.normalise import PAGE_BREAK, RULES, Normalised, normalise, with_plain_spaces
from pipeline.ocr_repair import OCR_RULES
from pipeline.pages import RawDocument
from pipeline.text_layer_judge import join_broken_words

# Text from PDFs (a layer read as it is, or a .txt dumped from one) carries spaces inside words.
DOCUMENT_RULES = RULES + (("join_broken_words", join_broken_words),)

PAGE_SEPARATOR = f"\n{PAGE_BREAK}\n"


@dataclass(frozen=True)
class Line:
    """One line of the normalised text, ``text == document.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip() or self.text == PAGE_BREAK


class Document:
    def __init__(self, raw: RawDocument):
        self.raw = raw
        # A page break is a line of its own, so no line runs from one page into the next.
        self.raw_text = PAGE_SEPARATOR.join(page.text for page in raw.pages)
        scanned = any(page.method == "ocr" for page in raw.pages)
        starts, pos = [], 0
        for page in raw.pages:
            starts.append(pos)
            pos += len(page.text) + len(PAGE_SEPARATOR)
        self._raw_page_starts = starts
        self.normalised: Normalised = normalise(self.raw_text, DOCUMENT_RULES).refined(OCR_RULES, self._ocr_spans())
        self.text = self.normalised.text
        # OCR puts blank lines inside paragraphs: a blank line there does not end a value.
        self.blank_lines_reliable = not scanned
        self._words = [(starts[n] + w.start, starts[n] + w.end, w.confidence, w.reader)
                       for n, page in enumerate(raw.pages) for w in page.words]

    def _ocr_spans(self) -> list[tuple[int, int]]:
        """Raw spans of the pages read by OCR, neighbouring OCR pages as one span."""
        spans: list[tuple[int, int]] = []
        for page, start in zip(self.raw.pages, self._raw_page_starts):
            if page.method != "ocr":
                continue
            end = start + len(page.text)
            if spans and spans[-1][1] + len(PAGE_SEPARATOR) == start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        return spans

    @classmethod
    def from_text(cls, text: str, path: str = "<text>", media_type: str = "text/plain") -> "Document":
        """A document straight from a string (tests, doctests).

        >>> Document.from_text("ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖").lines[0].text
        'ที่ มท 0891.3/ว 2556'
        """
        from pipeline.pages import PageText

        return cls(RawDocument(path=path, sha256="", media_type=media_type,
                               pages=[PageText(page, "text") for page in text.split(PAGE_BREAK)]))

    @cached_property
    def lines(self) -> list[Line]:
        lines, pos = [], 0
        for index, text in enumerate(self.text.split("\n")):
            lines.append(Line(index, pos, pos + len(text), text))
            pos += len(text) + 1
        return lines

    @cached_property
    def _page_breaks(self) -> list[int]:
        return [i for i, ch in enumerate(self.text) if ch == PAGE_BREAK]

    @property
    def page_count(self) -> int:
        if len(self.raw.pages) > 1:
            return len(self.raw.pages)
        return len(self._page_breaks) + 1

    def page_of(self, offset: int) -> int:
        """1-based page of a normalised offset: physical page, or catchword-marked page in plain text."""
        if len(self.raw.pages) > 1:
            raw_offset = self.normalised.to_raw[min(offset, len(self.text))]
            return bisect.bisect_right(self._raw_page_starts, raw_offset)
        return bisect.bisect_right(self._page_breaks, offset) + 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.normalised.raw_span(start, end)

    def ocr_confidence(self, start: int, end: int) -> float | None:
        """Mean OCR confidence of the words under a normalised span; None where no OCR was used."""
        if not self._words:
            return None
        hits = [c for _, _, c, _ in self._words_under(start, end)]
        return sum(hits) / len(hits) if hits else None

    def least_sure_digits(self, start: int, end: int) -> float | None:
        """The lowest OCR confidence among the words with digits under a normalised span; None where
        no OCR word there has a digit."""
        sure = [c for s, e, c, _ in self._words_under(start, end) if any(ch.isdigit() for ch in self.raw_text[s:e])]
        return min(sure, default=None)

    def has_unchecked_ocr_digits(self, start: int, end: int) -> bool:
        """Whether Thai digits under a normalised span come from Tesseract alone, not confirmed by
        the digit reader (pipeline/thai_digits.py)."""
        return any(reader == "tesseract" and any("๐" <= ch <= "๙" for ch in self.raw_text[s:e])
                   for s, e, _, reader in self._words_under(start, end))

    def _words_under(self, start: int, end: int) -> list[tuple[int, int, float, str]]:
        """OCR words (raw start, raw end, confidence, reader) overlapping a normalised span."""
        raw_start, raw_end = self.raw_span(start, end)
        return [word for word in self._words if word[0] < raw_end and word[1] > raw_start]

    def indent(self, line: Line) -> int:
        """How far the raw line stands in from the margin (typed and ``pdftotext -layout`` text keep
        it: signature blocks are set right, contact blocks at the margin); 0 for a blank line.

        >>> doc = Document.from_text("ก\\n        (นายก ใจดี)")
        >>> doc.indent(doc.lines[1])
        8
        """
        if line.blank:
            return 0
        raw_start = self.raw_span(line.start, line.end)[0]
        line_start = self.raw_text.rfind("\n", 0, raw_start) + 1
        return len(self.raw_text[line_start:raw_start].expandtabs(8))

    def cells(self, line: Line, gap: re.Pattern) -> list[tuple[int, int]]:
        """Normalised spans of the stretches of a line set apart by ``gap`` as the raw text prints
        them (normalising folds the wide gaps of a typed table into single spaces).

        >>> doc = Document.from_text("โครงการ ก        สำนักงาน ข     ๕,๔๐๐")
        >>> [doc.text[s:e] for s, e in doc.cells(doc.lines[0], re.compile(" {3,}"))]
        ['โครงการ ก', 'สำนักงาน ข', '5,400']
        """
        raw_start, raw_end = self.raw_span(line.start, line.end)
        to_raw, raw = self.normalised.to_raw, self._raw_plain_spaces
        spans, position = [], raw_start
        for gap_match in [*gap.finditer(raw, raw_start, raw_end), None]:
            cell_end = gap_match.start() if gap_match else raw_end
            if raw[position:cell_end].strip():
                spans.append((bisect.bisect_left(to_raw, position, line.start, line.end),
                               bisect.bisect_left(to_raw, cell_end, line.start, line.end)))
            position = gap_match.end() if gap_match else raw_end
        return spans

    @cached_property
    def _raw_plain_spaces(self) -> str:
        """The raw text with its no-break and fixed-width spaces as plain ones (same length): a web
        page's table is set apart by runs of U+00A0."""
        return with_plain_spaces(self.raw_text)

    def line_at(self, offset: int) -> Line:
        starts = [line.start for line in self.lines]
        return self.lines[bisect.bisect_right(starts, offset) - 1]
