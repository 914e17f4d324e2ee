"""What the readers hand on: the text of each physical page and how it was obtained."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

PageMethod = Literal["text", "pdf_text", "ocr"]


@dataclass(frozen=True)
class WordBox:
    """One OCR word: its span in the page text, its box in pixels and its confidence 0..1, from
    Tesseract or, for Thai digits read again glyph by glyph, from the digit reader."""

    start: int
    end: int
    left: int
    top: int
    width: int
    height: int
    confidence: float
    reader: Literal["tesseract", "digits"] = "tesseract"
    language: str = ""  # the Tesseract model that read it ("tha", "eng")


def splice(text: str, words: list[WordBox], start: int, end: int, replacement: str,
           box: WordBox) -> tuple[str, list[WordBox]]:
    """``text[start:end]`` replaced, read again: the words under it give way to ``box`` (which spans
    the replacement) and the words after it move with the text.

    >>> text, words = splice("ที มท 2556", [WordBox(0, 2, 0, 0, 9, 9, 0.9), WordBox(6, 10, 50, 0, 9, 9, 0.9)],
    ...                      0, 2, "ที่", WordBox(0, 0, 0, 0, 9, 9, 0.8))
    >>> text, [(w.start, w.end) for w in words]
    ('ที่ มท 2556', [(0, 3), (7, 11)])
    """
    shift = len(replacement) - (end - start)
    spliced = replace(box, start=start, end=start + len(replacement))
    return (text[:start] + replacement + text[end:],
            [w for w in words if w.end <= start] + [spliced]
            + [replace(w, start=w.start + shift, end=w.end + shift) for w in words if w.start >= end])


def rearrange(text: str, words: list[WordBox], start: int, end: int,
              pieces: list[tuple[int, int] | str]) -> tuple[str, list[WordBox]]:
    """``text[start:end]`` rebuilt from ``pieces``: spans of it, taken with their words, in a new
    order, and glue strings between them. Words in no piece are dropped; words after ``end`` move
    with the text.

    >>> text, words = rearrange("ก  ข\\nค  ง", [WordBox(i, i + 1, 0, 0, 9, 9, 0.9) for i in (0, 3, 5, 8)],
    ...                         0, 9, [(0, 1), "\\n", (5, 6), "\\n\\n", (3, 4), "\\n", (8, 9)])
    >>> text, [text[w.start:w.end] for w in words]
    ('ก\\nค\\n\\nข\\nง', ['ก', 'ค', 'ข', 'ง'])
    """
    out, moved, position = [], [], start
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            position += len(piece)
            continue
        piece_start, piece_end = piece
        out.append(text[piece_start:piece_end])
        moved += [replace(w, start=w.start - piece_start + position, end=w.end - piece_start + position)
                  for w in words if piece_start <= w.start and w.end <= piece_end]
        position += piece_end - piece_start
    shift = position - end
    return (text[:start] + "".join(out) + text[end:],
            [w for w in words if w.end <= start] + moved
            + [replace(w, start=w.start + shift, end=w.end + shift) for w in words if w.start >= end])


@dataclass(frozen=True)
class PageDecision:
    """What was done with a PDF page's text layer (pipeline/text_layer_judge.py): ``used`` as it is,
    ``repaired``, or ``ocr`` (the page read from its pixels); its readability 0..1 and why."""

    page: int
    decision: Literal["used", "repaired", "ocr"]
    score: float
    reason: str


@dataclass(frozen=True)
class PageText:
    text: str
    method: PageMethod
    ocr_confidence: float | None = None
    words: tuple[WordBox, ...] = ()
    notes: tuple[str, ...] = ()
    decision: PageDecision | None = None


@dataclass(frozen=True)
class RawDocument:
    path: str
    sha256: str
    media_type: str
    pages: list[PageText] = field(default_factory=list)

    @property
    def text_method(self) -> str:
        methods = {p.method for p in self.pages} or {"text"}
        return methods.pop() if len(methods) == 1 else "mixed"

    @property
    def ocr_confidence(self) -> float | None:
        """Mean word confidence over every OCR'd word of the document."""
        confidences = [w.confidence for p in self.pages if p.method == "ocr" for w in p.words]
        return round(sum(confidences) / len(confidences), 4) if confidences else None


def reading_to_json(raw: RawDocument) -> dict:
    """The pages as read, for storage: read once (OCR included), extracted again as rules change.

    >>> raw = RawDocument("a.txt", "ab", "text/plain", [PageText("ที่ มท", "ocr", 0.9, (WordBox(0, 3, 1, 2, 3, 4, 0.9),))])
    >>> reading_from_json(reading_to_json(raw)) == raw
    True
    """
    return {"path": raw.path, "sha256": raw.sha256, "media_type": raw.media_type,
            "pages": [{"text": p.text, "method": p.method, "ocr_confidence": p.ocr_confidence,
                       "words": [[w.start, w.end, w.left, w.top, w.width, w.height, w.confidence, w.reader,
                                  w.language] for w in p.words],
                       "notes": list(p.notes)} for p in raw.pages]}


def reading_from_json(data: dict) -> RawDocument:
    return RawDocument(data["path"], data["sha256"], data["media_type"], [
        PageText(p["text"], p["method"], p["ocr_confidence"], tuple(WordBox(*w) for w in p["words"]),
                 tuple(p["notes"])) for p in data["pages"]])
