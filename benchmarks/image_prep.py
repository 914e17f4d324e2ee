"""Image preparation before Tesseract: which steps lower the character error rate, and at what cost.

The same rendered pages as ``benchmarks/ocr.py`` (dev documents and tests/gold_extra, rendered with
the shared ``render_scan.py``, fixed seed) go through each preparation variant and then saraban's
Tesseract engine alone (tha+eng, psm 3; no digit reader, no re-reads, no normalisation), so the
table shows what the image does to Tesseract and nothing else:

- ``grey``: the page as scanned, in grey at ~300 dpi;
- ``clean``: flatten the background, stretch the contrast, median on speckled pages (the default);
- ``clean+deskew``: the page turned level first (projection-profile skew angle);
- ``clean+otsu`` / ``clean+sauvola``: then binarised by Otsu's global or Sauvola's local threshold;
- ``saraban``: what saraban does (``image_prep.clean_page``: level, clean, whiten the edges);
- ``framed …``: the same with a scanner's artefacts drawn on the page first (dark bands along two
  edges, two punch holes in the left margin); ``+borders`` whitens dark shapes at the page's edge.

CER is computed as in ``benchmarks/ocr.py`` (scorer normalisation, white space removed). prep s/page
is the preparation alone, tesseract s/page Tesseract on the prepared page, both on one core.

    .venv/bin/python benchmarks/image_prep.py [--qualities office,poor] [--limit N] [--jobs 2]
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ocr import Errors, find_sources, log, render_all  # noqa: E402  (the OCR benchmark's renders and CER)
from PIL import Image  # noqa: E402

from pipeline import image_prep as prep  # noqa: E402

Step = Callable[[np.ndarray], np.ndarray]


# Binarising was measured and not kept, so it lives here, not in pipeline/image_prep.py.
def binarise_otsu(grey: np.ndarray) -> np.ndarray:
    return cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def binarise_sauvola(grey: np.ndarray, window: int = 99, k: float = 0.34, dynamic_range: float = 128.0) -> np.ndarray:
    """Sauvola's local threshold (mean × (1 + k (deviation / R − 1)) over a window), as Tesseract's
    ``thresholding_method=2`` with its defaults (window 0.33 × 300 dpi, k 0.34)."""
    values = grey.astype(np.float32)
    mean = cv2.boxFilter(values, -1, (window, window))
    mean_of_squares = cv2.boxFilter(values * values, -1, (window, window))
    deviation = np.sqrt(np.maximum(mean_of_squares - mean * mean, 0))
    threshold = mean * (1 + k * (deviation / dynamic_range - 1))
    return np.where(values > threshold, 255, 0).astype(np.uint8)


CLEAN: tuple[Step, ...] = (prep.flatten_background, prep.stretch_contrast, prep.remove_speckle)
VARIANTS: dict[str, tuple[bool, tuple[Step, ...]]] = {  # name -> (scanner frame drawn on, steps)
    "grey": (False, ()),
    "clean": (False, CLEAN),
    "clean+deskew": (False, (prep.deskew,) + CLEAN),
    "clean+otsu": (False, CLEAN + (binarise_otsu,)),
    "clean+sauvola": (False, CLEAN + (binarise_sauvola,)),
    "saraban": (False, (prep.clean_page,)),
    "saraban without dotted rules": (False, CLEAN + (prep.remove_borders, prep.deskew)),
    "framed clean": (True, CLEAN),
    "framed clean+borders": (True, CLEAN + (prep.remove_borders,)),
    "framed saraban": (True, (prep.clean_page,)),
}


def draw_scanner_frame(grey: np.ndarray, seed: int) -> np.ndarray:
    """Dark bands along the left and bottom edges and two punch holes in the left margin."""
    rng = np.random.default_rng(seed)
    framed = grey.copy()
    height, width = framed.shape
    framed[:, :int(rng.integers(25, 60))] = int(rng.integers(20, 60))
    framed[height - int(rng.integers(15, 40)):, :] = int(rng.integers(20, 60))
    for y in (height // 3, 2 * height // 3):
        cv2.circle(framed, (int(rng.integers(90, 120)), y + int(rng.integers(-30, 30))), 36, int(rng.integers(10, 50)), -1)
    return framed


@dataclass
class Outcome:
    errors: Errors
    prep_seconds: float
    tesseract_seconds: float


def read_page(png: str, truth: str, variant: str, seed: int) -> Outcome:
    from pipeline.tesseract import engine

    framed, steps = VARIANTS[variant]
    grey, dpi = prep.normalise_resolution(prep.to_grey(Image.open(png)), 300)
    if framed:
        grey = draw_scanner_frame(grey, seed)
    started = time.process_time()
    for step in steps:
        grey = step(grey)
    prepared = time.process_time()
    text = engine("tha+eng").read(grey, dpi, 3, 300.0).text
    read = time.process_time()
    return Outcome(Errors.of_pages([text], (truth,)), prepared - started, read - prepared)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/saraban-ocr-bench"))
    ap.add_argument("--qualities", default="office,poor")
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    sources = find_sources(args.limit)
    rows = []
    for quality in [q for q in args.qualities.split(",") if q]:
        scans = render_all(sources, quality, args.work, args.seed, args.jobs)
        pages = [(str(png), truth) for scan in scans for png, truth in zip(scan.pngs, scan.truths)]
        for variant in variants:
            log(f"[{quality}] {variant}: {len(pages)} pages")
            with ProcessPoolExecutor(args.jobs) as pool:
                outcomes = list(pool.map(read_page, *zip(*pages), [variant] * len(pages),
                                         range(len(pages))))
            errors = sum((o.errors for o in outcomes), Errors())
            rows.append((quality, variant, len(pages), 100 * errors.cer,
                         sum(o.prep_seconds for o in outcomes) / len(pages),
                         sum(o.tesseract_seconds for o in outcomes) / len(pages)))
    print(f"documents={len(sources)} seed={args.seed} engine=tesserocr tha+eng psm 3")
    print(f"{'quality':8} | {'variant':22} | {'pages':>5} | {'CER %':>6} | {'prep s/page':>11} | {'tesseract s/page':>16}")
    print("-" * 84)
    for quality, variant, pages, cer, prep_s, tess_s in rows:
        print(f"{quality:8} | {variant:22} | {pages:5} | {cer:6.2f} | {prep_s:11.3f} | {tess_s:16.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
