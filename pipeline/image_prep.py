"""Page images made easy for Tesseract: each step is a small function, kept only because it lowered
the character error rate on rendered scans (``benchmarks/image_prep.py`` prints the comparison).

Tesseract-only CER on the office / poor renders of the dev documents (23 pages each): grey page
1.85 % / 41.2 %; flatten background + stretch contrast + median on speckled pages ("clean") 1.55 /
2.83; clean + deskew 1.54 / 2.76; clean + Otsu 1.62 / 2.87 (Tesseract 12 % faster, not kept);
clean + Sauvola 1.55 / 3.89 (not kept); all kept steps 1.57 / 2.40; with a scanner frame drawn on
the page (dark edge bands, punch holes) clean 1.71 / 3.05, all kept steps 1.60 / 2.55.
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


def clean_page(grey: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """The steps kept, in the order measured: even the lighting, stretch the contrast, wipe speckle,
    whiten the scanner's marks at the edges, then level the page (measured on clean ink alone)."""
    grey = remove_speckle(stretch_contrast(flatten_background(grey)))
    return deskew(remove_borders(grey, dpi))


def prepare_page(image: Image.Image, read_dpi: int = TARGET_DPI, clean: bool = True) -> Prepared:
    """The page at ~300 dpi, cleaned, and the same shrunk to the resolution Tesseract reads at.
    ``clean=False`` only makes it grey at ~300 dpi."""
    grey, dpi = normalise_resolution(to_grey(image), image_dpi(image))
    if clean:
        grey = clean_page(grey, dpi)
    read, read_dpi = scale_to(grey, dpi, read_dpi)
    return Prepared(grey, dpi, read, read_dpi)
