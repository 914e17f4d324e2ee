"""Thai digits read again from the page image, glyph by glyph.

Tesseract's Thai model reads the Thai digits of TH Sarabun-style type badly while reporting high
confidence: on rendered office-quality scans 3 of 36 lines of numbers came out right (๘ → ๕,
๙ → ๕/๓, ๖ → ๒, ๗ → ๓). A document number or a date is worthless with one digit wrong, and a
person reads these glyphs without effort: each Thai digit is one connected stroke with a distinct
shape. So every run of Thai digits Tesseract reports is cut from the page again, split into its
connected components, and each glyph is compared with templates of ๐–๙ rendered from the Thai
fonts installed on the machine (TLWG's Laksaman is TH Sarabun's free twin). The run is replaced
only when every glyph of the word is a confident digit (or the dot or slash between digits).
"""
from __future__ import annotations

import glob
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.pages import WordBox, splice

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
TEMPLATE_SYMBOLS = THAI_DIGITS + "/"  # the slash of มท ๐๘๙๑.๓/ว often touches the digit before it
GLYPH_SIZE = 24
# A glyph at least this similar to some digit's template is that digit (digits measured 0.86–0.98,
# letters and touching pairs 0.45–0.65); below it the run is left as Tesseract read it.
MIN_SIMILARITY = 0.78
# Difference to the second-best digit under which a reading is less sure (๔/๕ differ by a hook).
CLEAR_MARGIN = 0.08
# Pixels at 300 dpi (pages are prepared to it): smaller specks are noise; the dot of ๐๘๙๑.๓ is ~30.
MIN_COMPONENT_AREA = 6
# At most this many digit heights of touching glyphs are cut apart (each cutting is read).
MAX_TOUCHING_DIGITS = 8
# Ink at the end of a blob of touching glyphs under this share of it is dirt, not a glyph.
SPECK_SHARE = 0.1
# An unreadable glyph wider than this times the digit height may be several printed into one another
# (in TH Sarabun's twin the widest digits, ๐ ๑ ๓, are 0.8 of the median digit height wide).
MAX_DIGIT_ASPECT = 1.3
FONT_GLOBS = ("/usr/share/fonts/truetype/tlwg/*.ttf", "/usr/share/fonts/opentype/tlwg/*.otf")


@dataclass(frozen=True)
class Glyph:
    left: int
    right: int
    top: int
    bottom: int
    ink: np.ndarray  # boolean, cropped to the glyph

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left


def thai_font_files() -> list[str]:
    """Font files that cover Thai: fontconfig's list, or TLWG's folders where fc-list is missing."""
    if shutil.which("fc-list"):
        listing = subprocess.run(["fc-list", ":lang=th", "file"], capture_output=True, text=True, check=False)
        files = {line.split(":")[0].strip() for line in listing.stdout.splitlines() if line.strip()}
        if files:
            return sorted(files)
    return sorted(path for pattern in FONT_GLOBS for path in glob.glob(pattern))


def ink_box(ink: np.ndarray) -> np.ndarray | None:
    rows, cols = np.nonzero(ink)
    if rows.size == 0:
        return None
    return ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def glyph_features(ink: np.ndarray) -> np.ndarray:
    """A glyph as a unit vector: centred in a square (aspect kept), shrunk to 24×24, softened."""
    height, width = ink.shape
    side = max(height, width)
    square = np.zeros((side, side), np.float32)
    top, left = (side - height) // 2, (side - width) // 2
    square[top:top + height, left:left + width] = ink
    small = cv2.GaussianBlur(cv2.resize(square, (GLYPH_SIZE, GLYPH_SIZE), interpolation=cv2.INTER_AREA), (3, 3), 0)
    small -= small.mean()
    norm = np.linalg.norm(small)
    return (small / norm if norm else small).ravel()


@dataclass(frozen=True)
class Templates:
    features: np.ndarray  # one row per template
    labels: tuple[str, ...]
    aspects: np.ndarray   # width / height


def render_templates(fonts: list[str]) -> Templates:
    """๐–๙ and / from each font, as printed and one pixel bolder (toner spreads)."""
    features, labels, aspects = [], [], []
    for path in fonts:
        try:
            font = ImageFont.truetype(path, 64)
        except OSError:
            continue
        for digit in TEMPLATE_SYMBOLS:
            canvas = Image.new("L", (128, 128), 255)
            ImageDraw.Draw(canvas).text((24, 12), digit, font=font, fill=0)
            ink = np.asarray(canvas) < 128
            for variant in (ink, cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)):
                glyph = ink_box(variant)
                if glyph is None:
                    continue
                features.append(glyph_features(glyph))
                labels.append(digit)
                aspects.append(glyph.shape[1] / glyph.shape[0])
    return Templates(np.array(features, np.float32), tuple(labels), np.array(aspects))


def _template_cache(fonts: list[str]) -> Path:
    """Where the templates of exactly these font files are kept between runs."""
    stamp = [(path, os.stat(path).st_mtime_ns, os.stat(path).st_size) for path in fonts if os.path.exists(path)]
    key = hashlib.sha256(repr((stamp, TEMPLATE_SYMBOLS, GLYPH_SIZE)).encode()).hexdigest()[:16]
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "saraban" / f"digit-templates-{key}.npz"


_templates_lock = threading.Lock()


@lru_cache(maxsize=1)
def digit_templates() -> Templates:
    """The templates of every installed Thai font. Rendering them takes ~0.4 s, paid once per
    process, so they are kept in the user's cache folder, keyed by the font files themselves."""
    with _templates_lock:  # the first OCR threads of a process ask at once: one of them makes them
        return _load_or_render_templates()


def _load_or_render_templates() -> Templates:
    fonts = thai_font_files()
    cache = _template_cache(fonts)
    try:
        with np.load(cache) as kept:
            return Templates(kept["features"], tuple(kept["labels"].tolist()), kept["aspects"])
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 — a damaged cache file (cut short, not a zip) is rendered again
        cache.unlink(missing_ok=True)
    templates = render_templates(fonts)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=cache.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, features=templates.features, labels=np.array(templates.labels), aspects=templates.aspects)
        os.replace(partial, cache)  # whole or not at all: another process may write it at once
    except OSError:
        pass  # no writable cache folder: render again next time
    return templates


def classify_glyph(ink: np.ndarray) -> tuple[str, float, float] | None:
    """(digit, similarity, margin over the next digit) of one glyph; None without templates.

    Similarity is the best template's correlation, less a penalty for a different aspect ratio.
    """
    templates = digit_templates()
    glyph = ink_box(ink)
    if glyph is None or not templates.labels:
        return None
    aspect = glyph.shape[1] / glyph.shape[0]
    scores = templates.features @ glyph_features(glyph) - 0.3 * np.abs(np.log(templates.aspects / aspect))
    best: dict[str, float] = {}
    for label, score in zip(templates.labels, scores):
        best[label] = max(best.get(label, -1.0), float(score))
    (digit, first), (_, second) = sorted(best.items(), key=lambda item: -item[1])[:2]
    return digit, first, first - second


def glyph_confidence(similarity: float, margin: float) -> float:
    return round(min(1.0, similarity) * min(1.0, 0.5 + 0.5 * margin / CLEAR_MARGIN), 4)


def band_glyphs(grey: np.ndarray, left: int, top: int, right: int, bottom: int) -> list[Glyph]:
    """Connected components in a horizontal band around a run, merged where they share columns
    (a stroke broken by noise), in reading order. Coordinates are the page's."""
    height = bottom - top
    y0, y1 = max(0, top - height // 2), min(grey.shape[0], bottom + height // 2)
    x0, x1 = max(0, left - 10 * height), min(grey.shape[1], right + 10 * height)
    crop = grey[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    _, dark = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    parts = sorted((int(stats[i, 0]), i) for i in range(1, count)
                   if stats[i, 4] >= MIN_COMPONENT_AREA and y0 + stats[i, 1] < bottom and y0 + stats[i, 1] + stats[i, 3] > top)
    merged: list[list[int]] = []  # [x0, x1, y0, y1, label, label, ...]
    for x, i in parts:
        w, y, h = int(stats[i, 2]), int(stats[i, 1]), int(stats[i, 3])
        if merged and x < merged[-1][1] - 0.5 * min(w, merged[-1][1] - merged[-1][0]):
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], x + w), min(last[2], y), max(last[3], y + h)
            last.append(i)
        else:
            merged.append([x, x + w, y, y + h, i])
    return [Glyph(x0 + gx0, x0 + gx1, y0 + gy0, y0 + gy1, np.isin(labels[gy0:gy1, gx0:gx1], ids))
            for gx0, gx1, gy0, gy1, *ids in merged]


def word_around(glyphs: list[Glyph], left: int, right: int, digit_height: int) -> list[Glyph]:
    """The glyphs of the printed word (no gap wider than a space inside) that overlaps most of
    [left, right): Tesseract's letter boxes are approximate, the gaps between words are not."""
    words: list[list[Glyph]] = []
    for glyph in glyphs:
        if words and glyph.left - words[-1][-1].right <= 0.3 * digit_height:
            words[-1].append(glyph)
        else:
            words.append([glyph])
    overlap = [min(right, w[-1].right) - max(left, w[0].left) for w in words]
    if not words or max(overlap) <= 0:
        return []
    return words[overlap.index(max(overlap))]


def in_digit_row(word: list[Glyph], digit_height: int) -> list[Glyph]:
    """The glyphs without what a poor scan stuck to them: specks floating above the digits and
    anything outside the row the digits stand in (they share a baseline; their tails rise above)."""
    baseline = float(np.median([g.bottom for g in word]))
    top_line = float(np.median([g.top for g in word]))
    row_top, row_bottom = int(top_line - 0.4 * digit_height), int(baseline + 0.15 * digit_height)
    cleaned = []
    for glyph in word:
        ink = without_floating_specks(glyph, baseline - 0.3 * digit_height)
        top, bottom = max(glyph.top, row_top), min(glyph.bottom, row_bottom)
        ink = ink[top - glyph.top:bottom - glyph.top]
        if bottom > top and ink.any():
            cleaned.append(replace(glyph, top=top, bottom=bottom, ink=ink))
    return cleaned


def without_floating_specks(glyph: Glyph, lowest_speck_bottom: float) -> np.ndarray:
    """The glyph's ink less small pieces that end above the line (a dot of dust over a digit); a
    period or a broken stroke sits on the line and stays."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(glyph.ink.astype(np.uint8), connectivity=8)
    if count <= 2:
        return glyph.ink
    largest = int(stats[1:, cv2.CC_STAT_AREA].max())
    specks = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] < 0.15 * largest
              and glyph.top + stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] < lowest_speck_bottom]
    return glyph.ink & ~np.isin(labels, specks) if specks else glyph.ink


Reading = tuple[str | None, float]


def read_symbol(ink: np.ndarray, min_similarity: float = MIN_SIMILARITY) -> Reading:
    reading = classify_glyph(ink)
    if reading is None or reading[1] < min_similarity:
        return None, 0.0
    symbol, similarity, margin = reading
    return symbol, glyph_confidence(similarity, margin)


def split_touching(ink: np.ndarray, digit_height: int, min_similarity: float) -> list[Reading] | None:
    """Glyphs printed into one another ("๔/", or "๐๘๙" on a blurred scan): cut at the columns where the
    ink is thinnest into pieces that each read as a symbol; of all such cuttings, the one whose least
    sure piece is surest (dynamic programming over the cut points)."""
    width = ink.shape[1]
    if width > MAX_TOUCHING_DIGITS * digit_height:
        return None  # a rule or an underline run into the digits, not a number
    columns = np.convolve(ink.sum(axis=0).astype(float), np.ones(3) / 3, mode="same")
    cuts = [0] + [c for c in range(2, width - 2) if columns[c] <= columns[c - 1] and columns[c] <= columns[c + 1]] \
        + [width]
    narrowest, widest = 0.15 * digit_height, 1.2 * digit_height
    best: dict[int, tuple[float, list[Reading]]] = {0: (1.0, [])}  # cut index -> (least sure piece, pieces)
    for j in range(1, len(cuts)):
        for i in range(j):
            if i not in best or not narrowest <= cuts[j] - cuts[i] <= widest:
                continue
            symbol, confidence = read_symbol(ink[:, cuts[i]:cuts[j]], min_similarity)
            if symbol is None:
                continue
            score = min(best[i][0], confidence)
            if j not in best or score > best[j][0]:
                best[j] = (score, best[i][1] + [(symbol, confidence)])
    # The blob may end in a speck of dirt: ink too little to be a glyph is left out.
    ink_after = ink.sum() - np.cumsum(np.r_[0, ink.sum(axis=0)])
    ends = [j for j in best if ink_after[cuts[j]] <= SPECK_SHARE * ink.sum()]
    pieces = max((best[j] for j in ends), key=lambda found: (found[0], len(found[1])), default=(0.0, []))[1]
    return pieces if len(pieces) >= 2 else None


def read_glyph(glyph: Glyph, digit_height: int, min_similarity: float = MIN_SIMILARITY) -> list[Reading]:
    """A glyph as a digit, a dot or a slash (or several, where they touch), with a confidence;
    [(None, 0)] when it is none of them."""
    if glyph.height < 0.4 * digit_height and glyph.width < 0.5 * digit_height:
        return [(".", 1.0)]
    reading = read_symbol(glyph.ink, min_similarity)
    if glyph.width > MAX_DIGIT_ASPECT * digit_height:
        # Wide enough to be two glyphs: "๓/" also passes for a ๗; the surer reading wins.
        pieces = split_touching(glyph.ink, digit_height, min_similarity)
        if pieces and min(confidence for _, confidence in pieces) > reading[1]:
            return pieces
    return [reading]


@dataclass(frozen=True)
class RunReading:
    """A printed number read from the image: its text, its least sure digit, the printed word's
    extent, and whether every glyph of that word was read (no letter glued to the number)."""

    text: str
    confidence: float
    left: int
    top: int
    right: int
    bottom: int
    whole_word: bool
    slash_after: bool  # the digits are followed by a slash in print (มท ๐๘๙๑.๓/ว)


def glued_to_run(before: list[str | None], after: list[str | None]) -> bool:
    """Whether unreadable glyphs touch the digits directly: a letter glued to the number or a digit
    too broken to read. Beyond a dot or a slash they belong to the next token ("พ.ศ.", "/ว").

    >>> glued_to_run([None, ".", None, "."], ["/", None]), glued_to_run([None], [])
    (False, True)
    """
    def until_punctuation(symbols):
        return list(itertools.takewhile(lambda s: s not in (".", "/"), symbols))
    return None in until_punctuation(before[::-1]) + until_punctuation(after)


def digits_read(symbols: list[str | None], run: str) -> tuple[int, int, str] | None:
    """(first, last, text) of the digits among a printed word's symbols, when every glyph between the
    first digit and the last was read; with an unreadable glyph glued to them, only when as many
    digits were read as Tesseract saw."""
    digits_at = [i for i, symbol in enumerate(symbols) if symbol and symbol in THAI_DIGITS]
    if not digits_at:
        return None
    first, last = digits_at[0], digits_at[-1]
    core = symbols[first:last + 1]
    if None in core or (glued_to_run(symbols[:first], symbols[last + 1:]) and len(core) != len(run)):
        return None
    return first, last, "".join(core)


# A digit the glyph reader could not read and Tesseract's reading fills in is this sure.
TESSERACT_DIGIT_CONFIDENCE = 0.5


def digits_read_with_help(symbols: list[str | None], run: str) -> tuple[int, int, str] | None:
    """The printed word read glyph by glyph where it can be, Tesseract's digit where a glyph is
    unreadable (a blot, a speck stuck to it): only where the two readings line up one for one —
    digits against digits, the dot and the slash in the same places — and at most one glyph in four
    is Tesseract's.

    >>> digits_read_with_help([None, "๔", "๙", "๓", ".", "๔", "/", None], "๑๕๕๓.๕")
    (0, 5, '๑๔๙๓.๔')
    >>> digits_read_with_help([None, None, "๓"], "๑๕๓") is None
    True
    """
    def is_digit(symbol: str | None) -> bool:
        return symbol is not None and (symbol in THAI_DIGITS or symbol.isdigit())

    fits = []
    for first in range(len(symbols) - len(run) + 1):
        window, last = symbols[first:first + len(run)], first + len(run) - 1
        lined_up = all(s is None and is_digit(r) or is_digit(s) and is_digit(r) or s == r for s, r in zip(window, run))
        closed = not (first > 0 and is_digit(symbols[first - 1])) and not (last + 1 < len(symbols) and is_digit(symbols[last + 1]))
        unread = window.count(None)
        if lined_up and closed and 0 < unread <= len(run) // 4:
            fits.append((first, last, "".join(s or r for s, r in zip(window, run))))
    return fits[0] if len(fits) == 1 else None


def read_digit_run(grey: np.ndarray, boxes: list[WordBox], run: str, min_similarity: float) -> RunReading | None:
    """The printed word under a run of Thai digits, read glyph by glyph; None when unsure."""
    left, right = min(b.left for b in boxes), max(b.left + b.width for b in boxes)
    top, bottom = min(b.top for b in boxes), max(b.top + b.height for b in boxes)
    glyphs = band_glyphs(grey, left, top, right, bottom)
    if not glyphs:
        return None
    inside = [g.height for g in glyphs if g.right > left and g.left < right] or [bottom - top]
    digit_height = int(np.median(inside))
    word = word_around(glyphs, left, right, digit_height)
    if not word:
        return None
    word = in_digit_row(word, digit_height)
    readings = [r for g in word for r in read_glyph(g, digit_height, min_similarity)]
    symbols = [symbol for symbol, _ in readings]
    span = digits_read(symbols, run) or digits_read_with_help(symbols, run)
    if span is None:
        return None
    first, last, text = span
    confidences = [confidence if symbol else TESSERACT_DIGIT_CONFIDENCE
                   for symbol, confidence in readings[first:last + 1]]
    return RunReading(text, min(confidences),
                      word[0].left, min(g.top for g in word), word[-1].right, max(g.bottom for g in word),
                      whole_word=None not in symbols and symbols[0] in THAI_DIGITS and symbols[-1] in THAI_DIGITS,
                      slash_after=symbols[last + 1:last + 2] == ["/"])


# Runs Tesseract reports with at least one Thai digit (an Arabic digit may stand among them); short
# Latin words on Thai lines, as the English model claims Thai numbers too ("mo" for ๓๐, "ol)" for
# ๗); and a lone Thai consonant, which the Thai model makes of a lone digit ("ฆ ธันวาคม" for ๗).
NUMBER_RUN = re.compile(r"[๐-๙0-9](?:[๐-๙0-9./]*[๐-๙0-9])?")
LETTER_WORD = re.compile(r"(?<!\S)(?:(?=\S{0,3}[A-Za-z])[A-Za-z()|!.,'\[\]]{2,4}|[\u0e01-\u0e2e])(?!\S)")
THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
THAI_CONSONANT = re.compile(r"[\u0e01-\u0e2e]")
# Letters are replaced by digits only on this much stronger evidence.
MIN_SIMILARITY_FOR_LETTERS = 0.86


def number_runs(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, whether Tesseract read it as letters) of every span to read again, in text order."""
    runs = [(m.start(), m.end(), False) for m in NUMBER_RUN.finditer(text)
            if any("๐" <= ch <= "๙" for ch in m.group())]
    for line in re.finditer(r"[^\n]+", text):
        if THAI_LETTER.search(line.group()):
            runs += [(line.start() + m.start(), line.start() + m.end(), True)
                     for m in LETTER_WORD.finditer(line.group())]
    return sorted(runs)


def same_word(a: RunReading, b: RunReading) -> bool:
    return a.left == b.left and abs(a.top - b.top) < (a.bottom - a.top) / 2


def widen_to_word(text: str, start: int, end: int, words: list[WordBox], reading: RunReading) -> tuple[int, int]:
    """Take in the letters Tesseract put inside a printed number ("๕ส๕๓๒" for ๔๙๓๒) when the
    whole printed word is digits: neighbours with no space between whose boxes lie within it."""
    def inside(offset: int) -> bool:
        box = next((w for w in words if w.start <= offset < w.end), None)
        return box is not None and reading.left <= box.left + box.width / 2 <= reading.right
    while start > 0 and not text[start - 1].isspace() and inside(start - 1):
        start -= 1
    while end < len(text) and not text[end].isspace() and inside(end):
        end += 1
    return start, end


def reread_thai_digits(grey: np.ndarray, text: str, words: list[WordBox]) -> tuple[str, list[WordBox]]:
    """Every Thai number of a page read again from the image.

    Spans that land on the same printed word (Tesseract splits "๔๙๓๒" into "๕ส๕๓๒") are replaced
    together. Each replaced span gets one word box carrying the digit reader's confidence; spans
    are replaced from the end so that the offsets of earlier ones stay valid.
    """
    spans: list[tuple[int, int, RunReading]] = []
    for start, end, read_as_letters in number_runs(text):
        under = [w for w in words if w.start < end and w.end > start]
        min_similarity = MIN_SIMILARITY_FOR_LETTERS if read_as_letters else MIN_SIMILARITY
        reading = read_digit_run(grey, under, text[start:end], min_similarity) if under else None
        if reading is None or (read_as_letters and not reading.whole_word):
            continue
        if reading.whole_word:
            start, end = widen_to_word(text, start, end, words, reading)
        elif reading.slash_after:
            # What Tesseract wrote between these digits and its slash is a misread digit (".ญ/").
            junk = re.match(r"[^\s/]{1,3}(?=/)", text[end:])
            end += junk.end() if junk else 0
        if spans and start < spans[-1][1]:
            continue  # already taken in by the span before
        if spans and same_word(spans[-1][2], reading) and "\n" not in text[spans[-1][1]:start]:
            first_start, _, first = spans.pop()
            start, reading = first_start, max(first, reading, key=lambda r: r.right - r.left)
        spans.append((start, end, reading))
    words = list(words)
    for start, end, reading in reversed(spans):
        # Where Tesseract ran the digits into the letter after the slash ("๐๕๓๑.๓ว"), the slash
        # seen in print is put back.
        slash = "/" if reading.slash_after and THAI_CONSONANT.match(text[end:]) else ""
        box = WordBox(start, end, reading.left, reading.top, reading.right - reading.left,
                      reading.bottom - reading.top, reading.confidence, reader="digits")
        text, words = splice(text, words, start, end, reading.text + slash, box)
    return text, words
