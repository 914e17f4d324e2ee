"""Page images made easy for Tesseract: each step is a small function, kept only because it lowered
the character error rate on rendered scans (``benchmarks/image_prep.py`` prints the comparison).

Tesseract-only CER on the office / poor renders of the dev documents (23 pages each): grey page
1.85 % / 41.2 %; flatten background + stretch contrast + median on speckled pages ("clean") 1.55 /
2.83; clean + deskew 1.54 / 2.76; clean + Otsu 1.62 / 2.87 (Tesseract 12 % faster, not kept);
clean + Sauvola 1.55 / 3.89 (not kept); all kept steps 1.57 / 2.40; with a scanner frame drawn on
the page (dark edge bands, punch holes) clean 1.71 / 3.05, all kept steps 1.60 / 2.55.
Whitening dotted rules (``remove_dotted_rules``) leaves those renders' CER as it is (1.57 / 2.40:
they have no rules) at 0.08-0.13 s a page more; on a real บันทึกข้อความ scan it turns
``ท อุบ 013ต30101.05/32515 วนทุู 10 กันขายน 2520`` into ``ท อบ 0033.001.09/32914 วนท 10 กันขยายน 2567``
(``benchmarks/image_prep.py --variants "saraban,saraban without dotted rules"``; the real-PDF
yardstick, ``benchmarks/real_pdf.py``, 0.8462 → 0.8608 on its tune part).
Tesseract's global threshold drops whole text blocks when paper is grey and lit unevenly;
flattening the background and stretching the contrast bring the ink back, and a 3×3 median removes
the salt-and-pepper speckle that then shows — on speckled pages only.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

TARGET_DPI = 300


@dataclass(frozen=True)
class Prepared:
    """The cleaned page at ~300 dpi, and the same shrunk to the resolution Tesseract reads at
    (8-bit grey arrays)."""

    page: np.ndarray
    dpi: int
    read: np.ndarray
    read_dpi: int

    @property
    def read_scale(self) -> float:
        """Multiply coordinates on ``read`` by this to get coordinates on ``page``."""
        return self.dpi / self.read_dpi


def to_grey(image: Image.Image) -> np.ndarray:
    return np.asarray(ImageOps.exif_transpose(image).convert("L"))


def normalise_resolution(grey: np.ndarray, dpi: int | None) -> tuple[np.ndarray, int]:
    """Scale to ~300 dpi when the file says it was scanned coarser or finer (Tesseract's sweet spot)."""
    if not dpi or abs(dpi - TARGET_DPI) < 30:
        return grey, dpi or TARGET_DPI
    factor = TARGET_DPI / dpi
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=interpolation), TARGET_DPI


def flatten_background(grey: np.ndarray) -> np.ndarray:
    """Divide by the paper's brightness (text removed by a max filter at 1/8 scale): even lighting."""
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((7, 7), np.uint8))
    paper = cv2.resize(cv2.GaussianBlur(paper, (5, 5), 0), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, paper, scale=255)


# On a page with little text the darkest 1 % is paper, not ink: stretched to black, its grain
# buried the last page of a dev letter (Tesseract: 9 s, no word; 0.2 s and every word unstretched).
# Ink's 1 % level measured 75 on office pages and 140-144 on poor ones; sparse pages 222-244.
MAX_CONTRAST_GAIN = 3.0


def stretch_contrast(grey: np.ndarray, dark_share: float = 0.01, paper_level: int = 250) -> np.ndarray:
    """Darkest 1 % to black (at most a threefold stretch), paper to white, through a lookup table."""
    counts = np.cumsum(cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel())
    low = min(int(np.searchsorted(counts, dark_share * counts[-1])), int(paper_level - 255 / MAX_CONTRAST_GAIN))
    scale = 255.0 / max(1, paper_level - low)
    table = np.clip((np.arange(256) - low) * scale, 0, 255).astype(np.uint8)
    return cv2.LUT(grey, table)


# Isolated dark pixels per dark pixel above which a page is speckled. Measured on renders: office
# pages 2-7 ‰, poor pages 22-111 ‰. The median filter helps speckled pages (poor: 7.3 % → 2.2 % CER)
# and hurts clean ones (office: 0.93 % → 1.58 %: it thins Thai marks), so it runs only when needed.
SPECKLE_THRESHOLD = 0.012


def speckle_share(grey: np.ndarray) -> float:
    """Share of dark pixels with at most one dark neighbour: salt-and-pepper noise, not letters."""
    dark = (grey < 128).astype(np.uint8)
    neighbours = cv2.boxFilter(dark, -1, (3, 3), normalize=False)
    isolated = np.count_nonzero((dark == 1) & (neighbours <= 2))
    return isolated / max(1, int(np.count_nonzero(dark)))


def remove_speckle(grey: np.ndarray) -> np.ndarray:
    return cv2.medianBlur(grey, 3) if speckle_share(grey) > SPECKLE_THRESHOLD else grey


def scale_to(grey: np.ndarray, dpi: int, target_dpi: int) -> tuple[np.ndarray, int]:
    if target_dpi >= dpi:
        return grey, dpi
    factor = target_dpi / dpi
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), target_dpi


def image_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi", (None,))[0]
    return int(round(dpi)) if dpi else None


# --- level, frame: measured by benchmarks/image_prep.py (binarising too, not kept) ---------------

# Skew is measured on a quarter-size copy, as the angle whose row profile of ink is sharpest.
SKEW_RANGE_DEGREES, SKEW_STEP_DEGREES = 3.0, 0.05
MIN_SKEW_DEGREES = 0.15


def quarter_size_ink(grey: np.ndarray) -> np.ndarray:
    """Ink (1) and paper (0) of a quarter-size copy, by Otsu's threshold: enough to measure a page."""
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    return cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]


def skew_angle(grey: np.ndarray) -> float:
    """The page's text skew in degrees (positive: lines rise to the right), by projection profiles:
    ink pixels sheared by each candidate angle pile up into the sharpest rows at the right one."""
    ink = quarter_size_ink(grey)
    ys, xs = np.nonzero(ink)
    if len(ys) < 100:
        return 0.0
    xs = xs - ink.shape[1] / 2

    def sharpness(degrees: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(degrees))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    coarse = max(np.arange(-SKEW_RANGE_DEGREES, SKEW_RANGE_DEGREES + 1e-9, 0.5), key=sharpness)
    return float(max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, SKEW_STEP_DEGREES), key=sharpness))


def deskew(grey: np.ndarray) -> np.ndarray:
    """The page turned level when its text lines are skewed by more than 0.15°."""
    angle = skew_angle(grey)
    if abs(angle) < MIN_SKEW_DEGREES:
        return grey
    height, width = grey.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    return cv2.warpAffine(grey, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


# Letters keep a margin of 2-3 cm; ink within 1.2 cm of the page's edge, or touching it, is the
# scanner's: a dark border, a punch hole, the shadow of the lid.
EDGE_BAND_CM = 1.2


def remove_borders(grey: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """Dark shapes touching the page's edge or lying wholly in its outer band, whitened. Found on a
    quarter-size copy (a page's worth of components costs 90 ms at full size)."""
    dark = quarter_size_ink(grey)
    height, width = dark.shape
    band = int(EDGE_BAND_CM / 2.54 * dpi / 4)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    x, y, w, h = (stats[:, i] for i in range(4))
    outside = (x <= 0) | (y <= 0) | (x + w >= width) | (y + h >= height) \
        | (x + w <= band) | (y + h <= band) | (x >= width - band) | (y >= height - band)
    outside[0] = False
    if not outside.any():
        return grey
    mask = cv2.resize(outside[labels].astype(np.uint8), (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_NEAREST)
    mask = cv2.dilate(mask, np.ones((9, 9), np.uint8))
    cleaned = grey.copy()
    cleaned[mask.astype(bool)] = 255
    return cleaned


# A dot of a dotted rule is at most 1/50 inch tall; the rule's dots are at most 1/20 inch apart and run
# for at least a third of an inch. Letters are taller, and the small marks (ั ่ ํ) never chain that far.
DOT_HEIGHT_IN = 1 / 50
DOT_GAP_IN = 1 / 20
RULE_LENGTH_IN = 1 / 3
# Four dots in a row make a run; upper vowels (ั ิ) of neighbouring letters never line up four in a row.
MIN_DOTS_IN_RUN = 4
# Where letters' tails touch a rule its runs are apart by up to this many dot gaps.
LETTERS_ACROSS_RULE = 4


def _chains(boxes: np.ndarray, max_gap: int, max_drift: int = 3) -> list[list[int]]:
    """Indices of ``boxes`` (x, y, w, h rows) chained left to right, each within ``max_gap`` of the
    last one and its middle at most ``max_drift`` higher or lower (a levelled page is still a
    little skewed)."""
    open_chains: list[list[int]] = []
    done: list[list[int]] = []
    for i in np.argsort(boxes[:, 0], kind="stable"):
        x, y, _w, h = boxes[i]
        still_open, joined = [], False
        for chain in open_chains:
            lx, ly, lw, lh = boxes[chain[-1]]
            if x - (lx + lw) > max_gap:
                done.append(chain)
                continue
            if not joined and abs(y + h / 2 - (ly + lh / 2)) <= max_drift and x >= lx + lw - 1:
                chain.append(int(i))
                joined = True
            still_open.append(chain)
        if not joined:
            still_open.append([int(i)])
        open_chains = still_open
    return done + open_chains


def _span(boxes: np.ndarray) -> np.ndarray:
    """The box around ``boxes``, as one (x, y, w, h) row."""
    left, top = boxes[:, 0].min(), boxes[:, 1].min()
    return np.array([left, top, (boxes[:, 0] + boxes[:, 2]).max() - left, (boxes[:, 1] + boxes[:, 3]).max() - top])


def remove_dotted_rules(grey: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """The dotted rules of a form (บันทึกข้อความ's ส่วนราชการ / ที่ / วันที่ / เรื่อง lines, ลงชื่อ……)
    whitened: Tesseract reads the dots under a line as letters and marks, and garbles the number
    and date written on them. Only thin components chained into a long horizontal run are removed,
    so a letter the rule touches stays."""
    _count, labels, stats, _ = cv2.connectedComponentsWithStats((grey < 160).astype(np.uint8), connectivity=8)
    thin = np.flatnonzero(stats[:, cv2.CC_STAT_HEIGHT] <= max(2, round(dpi * DOT_HEIGHT_IN)))
    thin = thin[thin > 0]
    boxes = stats[thin, :4]
    gap = max(3, round(dpi * DOT_GAP_IN))
    # Runs of dots, then runs of those across the letters whose tails touch the rule and break it.
    runs = [chain for chain in _chains(boxes, gap) if len(chain) >= MIN_DOTS_IN_RUN]
    if not runs:
        return grey
    run_boxes = np.array([_span(boxes[run]) for run in runs])
    rules = [[i for r in group for i in runs[r]] for group in _chains(run_boxes, gap * LETTERS_ACROSS_RULE)
             if _span(run_boxes[group])[2] >= max(10, round(dpi * RULE_LENGTH_IN))]
    if not rules:
        return grey
    cleaned = grey.copy()
    height, width = grey.shape
    for rule in rules:
        for i in rule:
            x, y, w, h = boxes[i]
            # A pixel round the dot goes too, with the dot's grey edge.
            top, left, bottom, right = max(0, y - 1), max(0, x - 1), min(height, y + h + 1), min(width, x + w + 1)
            dot = cv2.dilate((labels[top:bottom, left:right] == thin[i]).astype(np.uint8), np.ones((3, 3), np.uint8))
            cleaned[top:bottom, left:right][dot.astype(bool)] = 255
    return cleaned


def clean_page(grey: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """The steps kept, in the order measured: even the lighting, stretch the contrast, wipe speckle,
    whiten the scanner's marks at the edges, level the page (measured on clean ink alone), then
    whiten dotted rules (on the levelled page, where a rule keeps to its row)."""
    grey = remove_speckle(stretch_contrast(flatten_background(grey)))
    return remove_dotted_rules(deskew(remove_borders(grey, dpi)), dpi)


def prepare_page(image: Image.Image, read_dpi: int = TARGET_DPI, clean: bool = True) -> Prepared:
    """The page at ~300 dpi, cleaned, and the same shrunk to the resolution Tesseract reads at.
    ``clean=False`` only makes it grey at ~300 dpi."""
    grey, dpi = normalise_resolution(to_grey(image), image_dpi(image))
    if clean:
        grey = clean_page(grey, dpi)
    read, read_dpi = scale_to(grey, dpi, read_dpi)
    return Prepared(grey, dpi, read, read_dpi)
