"""Lines of print that Tesseract's page layout left out, found on the image and read one by one.

Tesseract's layout analysis (page segmentation mode 3) takes the Garuda emblem or a round stamp for
a picture and may drop the text lines beside it as part of that picture: on a letter the number
line (ที่ มท ๐๒๑๒.๒/ว …) stands at the emblem's height, and the date under a stamp. Such a line is
still on the image: a row of letter-sized marks that no word Tesseract read covers. It is cut out
with only its own marks (the emblem's and the stamp's strokes left white), read as one line
(mode 7, by ``pipeline.ocr``) and put into the page text where it stands.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.pages import WordBox
from pipeline.tesseract import Box, Reading

# Darker than this is ink on a prepared (flattened, stretched) page.
INK_LEVEL = 140
# A mark taller than this many text heights is a picture, a stamp's ring or a rule, not a letter.
MAX_MARK_HEIGHTS = 2
# A line of print (พยาน alone): this many marks at least, this many text heights wide, gaps under
# three heights. One shorter than a line of its own (six marks, four heights) only ends a line read.
MIN_MARKS = 4
MIN_WIDTH_HEIGHTS = 2
MIN_LINE_MARKS = 6
MIN_LINE_WIDTH_HEIGHTS = 4
MAX_GAP_HEIGHTS = 3
# What a line read again must be to be kept: Thai letters or digits, read with this mean confidence.
MIN_THAI_LETTERS = 3
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Segment:
    left: int
    top: int
    right: int
    bottom: int
    labels: tuple[int, ...]  # the connected components that make it
    short: bool = False  # too short to be a line of its own: it can only end a line read


def text_height(words: list[WordBox]) -> int:
    """The median height of the words read: the size of the page's print."""
    heights = sorted(w.height for w in words)
    return heights[len(heights) // 2] if heights else 0


def covered_mask(shape: tuple[int, int], boxes: list[Box | WordBox], pad: int) -> np.ndarray:
    covered = np.zeros(shape, bool)
    for b in boxes:
        covered[max(0, b.top - pad):b.top + b.height + pad, max(0, b.left - pad):b.left + b.width + pad] = True
    return covered


def uncovered_segments(grey: np.ndarray, words: list[WordBox], pictures: list[Box]) -> tuple[list[Segment], np.ndarray]:
    """Rows of letter-sized marks under no word read and in no picture Tesseract set aside; and the
    component labels of the page (to cut each segment out with its own marks only)."""
    height = text_height(words)
    if height == 0:
        return [], np.zeros(grey.shape, np.int32)
    count, labels, stats, centres = cv2.connectedComponentsWithStats((grey < INK_LEVEL).astype(np.uint8), 8)
    covered = covered_mask(grey.shape, words, height // 3) | covered_mask(grey.shape, pictures, 0)
    marks = [i for i in range(1, count)
             if stats[i, cv2.CC_STAT_HEIGHT] <= MAX_MARK_HEIGHTS * height
             and stats[i, cv2.CC_STAT_WIDTH] <= 3 * MAX_MARK_HEIGHTS * height and stats[i, cv2.CC_STAT_AREA] >= 4
             and not covered[int(centres[i][1]), int(centres[i][0])]]
    segments = []
    for row in _rows(marks, stats, height):
        for run in _runs(row, stats, height):
            left = min(stats[i, cv2.CC_STAT_LEFT] for i in run)
            right = max(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in run)
            top = min(stats[i, cv2.CC_STAT_TOP] for i in run)
            bottom = max(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in run)
            if len(run) >= MIN_MARKS and right - left >= MIN_WIDTH_HEIGHTS * height and bottom - top <= 3 * height:
                short = len(run) < MIN_LINE_MARKS or right - left < MIN_LINE_WIDTH_HEIGHTS * height
                segments.append(Segment(int(left), int(top), int(right), int(bottom), tuple(run), short))
    return segments, labels


def _rows(marks: list[int], stats: np.ndarray, height: int) -> list[list[int]]:
    """Marks whose heights overlap, top to bottom; a vowel or tone mark above or below its letter,
    a little apart from it, joins the letter's row."""
    rows: list[list[int]] = []
    bottoms: list[int] = []
    for i in sorted(marks, key=lambda i: stats[i, cv2.CC_STAT_TOP]):
        top, bottom = stats[i, cv2.CC_STAT_TOP], stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]
        if bottoms and top < bottoms[-1] + height // 3:
            bottoms[-1] = max(bottoms[-1], bottom)
            rows[-1].append(i)
        else:
            bottoms.append(bottom)
            rows.append([i])
    return rows


def _runs(row: list[int], stats: np.ndarray, height: int) -> list[list[int]]:
    """A row's marks, left to right, cut where the gap between two is a word gap or wider."""
    row = sorted(row, key=lambda i: stats[i, cv2.CC_STAT_LEFT])
    runs: list[list[int]] = [[row[0]]]
    right = stats[row[0], cv2.CC_STAT_LEFT] + stats[row[0], cv2.CC_STAT_WIDTH]
    for i in row[1:]:
        if stats[i, cv2.CC_STAT_LEFT] - right < MAX_GAP_HEIGHTS * height:
            runs[-1].append(i)
        else:
            runs.append([i])
            right = 0
        right = max(right, stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH])
    return runs


def cut_out(grey: np.ndarray, labels: np.ndarray, segment: Segment, pad: int) -> tuple[np.ndarray, int, int]:
    """The segment on white paper with only its own marks, and the crop's origin on the page."""
    top, left = max(0, segment.top - pad), max(0, segment.left - pad)
    window = labels[top:segment.bottom + pad, left:segment.right + pad]
    crop = np.full(window.shape, 255, np.uint8)
    own = np.isin(window, segment.labels)
    crop[own] = grey[top:segment.bottom + pad, left:segment.right + pad][own]
    return crop, left, top


def is_print(reading: Reading) -> bool:
    """A reading of Thai print, not of a signature's or an emblem's strokes."""
    letters = sum(1 for ch in reading.text if "\u0e01" <= ch <= "\u0e2e" or "\u0e50" <= ch <= "\u0e59")
    confidence = sum(w.confidence for w in reading.words) / len(reading.words) if reading.words else 0.0
    return letters >= MIN_THAI_LETTERS and confidence >= MIN_CONFIDENCE


@dataclass(frozen=True)
class TextLine:
    start: int
    end: int
    top: int
    bottom: int
    right: int


def text_lines(text: str, words: list[WordBox]) -> list[TextLine]:
    """Each line of the page text that has words, with where its words stand on the page."""
    lines: dict[int, TextLine] = {}
    for w in words:
        start = text.rfind("\n", 0, w.start) + 1
        end = text.find("\n", w.start)
        end = len(text) if end < 0 else end
        line = lines.get(start)
        lines[start] = TextLine(start, end, min(w.top, line.top) if line else w.top,
                                max(w.top + w.height, line.bottom) if line else w.top + w.height,
                                max(w.left + w.width, line.right) if line else w.left + w.width)
    return sorted(lines.values(), key=lambda line: line.start)


def insert_line(text: str, words: list[WordBox], line: str, line_words: list[WordBox],
                segment: Segment) -> tuple[str, list[WordBox]]:
    """``line`` put into the page text where it stands: at the end of the line it continues on the
    right (``(ลงชื่อ) …`` and its ``พยาน``), else before the first line that stands lower (unless
    it is too short to be a line of its own).

    >>> words = [WordBox(0, 3, 0, 100, 90, 30, 0.9), WordBox(6, 14, 0, 200, 90, 30, 0.9)]
    >>> text, placed = insert_line("ถึง ก\\n(ลงชื่อ)", words, "ที่ มท", [WordBox(0, 3, 0, 50, 9, 9, 0.8)],
    ...                            Segment(0, 50, 90, 80, ()))
    >>> text, [(text[w.start:w.end], w.top) for w in placed]
    ('ที่ มท\\nถึง ก\\n(ลงชื่อ)', [('ที่', 50), ('ถึง', 100), ('(ลงชื่อ)', 200)])
    >>> insert_line("ถึง ก\\n(ลงชื่อ)", words, "พยาน", [], Segment(300, 195, 400, 230, ()))[0]
    'ถึง ก\\n(ลงชื่อ) พยาน'
    """
    lines = text_lines(text, words)
    middle = (segment.top + segment.bottom) / 2
    beside = next((x for x in lines if x.top <= middle <= x.bottom and x.right < segment.left), None)
    if beside is not None:
        at, piece, offset = beside.end, " " + line, beside.end + 1
    elif segment.short:
        return text, words
    else:
        at = next((x.start for x in lines if x.top >= segment.top), len(text))
        if at < len(text):
            piece, offset = line + "\n", at
        else:
            piece = ("\n" if text and not text.endswith("\n") else "") + line
            offset = at + len(piece) - len(line)
    shift = len(piece)
    placed = [replace(w, start=w.start + offset, end=w.end + offset) for w in line_words]
    return (text[:at] + piece + text[at:],
            [w for w in words if w.start < at] + placed
            + [replace(w, start=w.start + shift, end=w.end + shift) for w in words if w.start >= at])
