"""The word boxes of one page as the review desk draws evidence on it (read in pipeline/page_images.py,
kept by models/review.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageLayout:
    """One page: how it was read, where its text starts in the document's raw text, the size of
    its picture and its words as [start, end, left, top, width, height, confidence] (page-local)."""

    page: int
    method: str
    raw_start: int
    text_length: int
    width: int
    height: int
    words: list
