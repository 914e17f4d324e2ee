"""Page images made easy for Tesseract: each step is a small function, kept only because it lowered
the character error rate on rendered scans (benchmarks/ocr.py prints the comparison).

Measured on office and poor renders of a dev letter (4 pages, CER after normalisation, Tesseract
tha+eng --dpi 300): none 1.01 % / 37.2 %; flatten 1.01 / 8.35; flatten+stretch 0.93 / 7.28;
flatten+stretch+median 1.58 / 2.24. Tesseract's global threshold drops whole text blocks when paper
is grey and lit unevenly; flattening the background and stretching the contrast bring the ink
back, and a 3×3 median removes the salt-and-pepper speckle that then shows — on speckled pages only.
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


def prepare_page(image: Image.Image, read_dpi: int = TARGET_DPI, clean: bool = True) -> Prepared:
    """The whole preparation, in the order measured: cleaned at ~300 dpi, then shrunk to the
    resolution Tesseract reads at. ``clean=False`` only makes it grey at ~300 dpi."""
    grey, dpi = normalise_resolution(to_grey(image), image_dpi(image))
    if clean:
        grey = remove_speckle(stretch_contrast(flatten_background(grey)))
    read, read_dpi = scale_to(grey, dpi, read_dpi)
    return Prepared(grey, dpi, read, read_dpi)
