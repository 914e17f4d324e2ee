"""Tesseract, called in this one place: timeout, Thai+English, word boxes and confidences.

Tesseract puts spaces between Thai words, and at times between letters, where Thai prints none
(tesseract issue 2702). Lines are rebuilt from word boxes: two Thai words closer than a fraction
of the line height are joined without a space.
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import pytesseract
from PIL import Image, ImageOps

from models.errors import OcrError, OcrNotInstalled, OcrTimeout
from models.options import Options
from pipeline.pages import PageText, WordBox

# One Tesseract process per page and no OpenMP threads inside it: pages run in parallel instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

THAI_LETTERS = range(0x0E01, 0x0E5C)
# Gap between two word boxes, as a fraction of line height, under which Thai words are one run.
THAI_JOIN_GAP = 0.45


@lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrNotInstalled("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)")
    return frozenset(pytesseract.get_languages(config=""))


def check_languages(languages: str) -> None:
    missing = [lang for lang in languages.split("+") if lang not in tesseract_languages()]
    if missing:
        raise OcrNotInstalled(f"tesseract has no model for {', '.join(missing)} "
                              f"(apt-get install tesseract-ocr-{missing[0]})")


def prepare_image(image: Image.Image) -> Image.Image:
    """Greyscale, upright by EXIF."""
    return ImageOps.exif_transpose(image).convert("L")


def _is_thai(ch: str) -> bool:
    return ord(ch) in THAI_LETTERS


def _layout_lines(data: dict) -> list[list[int]]:
    """Word indexes grouped by (block, paragraph, line), in reading order, empty words dropped."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word and word.strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    return [lines[k] for k in sorted(lines)]


def page_from_tesseract_data(data: dict) -> PageText:
    """Rebuild a page's text from ``image_to_data`` output, keeping each word's span and confidence."""
    parts: list[str] = []
    words: list[WordBox] = []
    pos = 0
    previous_key = None
    previous_bottom = None
    for line in _layout_lines(data):
        first = line[0]
        key = (data["block_num"][first], data["par_num"][first])
        top = min(data["top"][i] for i in line)
        height = max(1, max(data["height"][i] for i in line))
        if parts:
            gap_above = top - previous_bottom if previous_bottom is not None else 0
            new_paragraph = key != previous_key or gap_above > 1.2 * height
            parts.append("\n\n" if new_paragraph else "\n")
            pos += len(parts[-1])
        previous_key, previous_bottom = key, max(data["top"][i] + data["height"][i] for i in line)
        previous_right = None
        for i in line:
            text = data["text"][i].strip()
            if previous_right is not None:
                gap = data["left"][i] - previous_right
                joined = _is_thai(parts[-1][-1]) and _is_thai(text[0]) and gap < THAI_JOIN_GAP * height
                if not joined:
                    parts.append(" ")
                    pos += 1
            confidence = float(data["conf"][i])
            words.append(WordBox(pos, pos + len(text), data["left"][i], data["top"][i], data["width"][i],
                                 data["height"][i], max(0.0, confidence) / 100))
            parts.append(text)
            pos += len(text)
            previous_right = data["left"][i] + data["width"][i]
    text = "".join(parts) + ("\n" if parts else "")
    mean = sum(w.confidence for w in words) / len(words) if words else 0.0
    return PageText(text=text, method="ocr", ocr_confidence=round(mean, 4), words=tuple(words))


def ocr_image(image: Image.Image, options: Options, label: str = "") -> PageText:
    """OCR one page image."""
    check_languages(options.ocr_languages)
    config = f"--oem 1 --psm {options.ocr_psm} -c preserve_interword_spaces=1"
    try:
        data = pytesseract.image_to_data(prepare_image(image), lang=options.ocr_languages, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=options.ocr_timeout_s)
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
        if "timeout" in str(exc).lower():
            raise OcrTimeout(f"tesseract took longer than {options.ocr_timeout_s:.0f} s", path=label) from exc
        raise OcrError(str(exc), path=label) from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"tesseract failed (status {exc.status}): {exc.message}", path=label) from exc
    return page_from_tesseract_data(data)


def ocr_images(images: list[Image.Image], options: Options, label: str = "") -> list[PageText]:
    """OCR pages in parallel: Tesseract runs as a subprocess, so threads are enough."""
    if len(images) <= 1 or options.ocr_workers <= 1:
        return [ocr_image(im, options, label) for im in images]
    with ThreadPoolExecutor(max_workers=options.ocr_workers) as pool:
        return list(pool.map(lambda im: ocr_image(im, options, label), images))
