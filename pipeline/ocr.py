"""Tesseract, called in this one place: one subprocess per page with a timeout, text and word boxes
from the same run, each known failure mapped to a typed error.

Tesseract's TSV splits Thai into single letters (Thai prints no spaces), while its plain-text
output places word spaces well; one run writes both, and the TSV letters are aligned onto the
text so that each span of the page text knows its confidence and box.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytesseract
from PIL import Image

from models.errors import OcrError, OcrNotInstalled, OcrTimeout
from models.options import Options
from pipeline.image_prep import prepare_page
from pipeline.pages import PageText, WordBox


def tesseract_command() -> str:
    command = shutil.which(pytesseract.pytesseract.tesseract_cmd)
    if command is None:
        raise OcrNotInstalled("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)")
    return command


@lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    tesseract_command()
    return frozenset(pytesseract.get_languages(config=""))


def check_languages(languages: str) -> None:
    missing = [lang for lang in languages.split("+") if lang not in tesseract_languages()]
    if missing:
        raise OcrNotInstalled(f"tesseract has no model for {', '.join(missing)} "
                              f"(apt-get install tesseract-ocr-{missing[0]})")


def align_words(text: str, tsv: str) -> list[WordBox]:
    """Each TSV word located in the plain text, in reading order.

    >>> tsv = "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
    >>> tsv += "5\\t1\\t1\\t1\\t1\\t1\\t10\\t10\\t20\\t30\\t96.5\\tที่\\n5\\t1\\t1\\t1\\t1\\t2\\t40\\t10\\t20\\t30\\t90\\tมท\\n"
    >>> [(w.start, w.end, w.confidence) for w in align_words("ที่ มท\\n", tsv)]
    [(0, 3, 0.965), (4, 6, 0.9)]
    """
    words: list[WordBox] = []
    pos = 0
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        found = text.find(word, pos)
        if found < 0 or text[pos:found].strip():
            continue  # tesseract wrote this word differently in the text output; leave it unmapped
        words.append(WordBox(found, found + len(word), int(row["left"]), int(row["top"]), int(row["width"]),
                             int(row["height"]), max(0.0, float(row["conf"])) / 100))
        pos = found + len(word)
    return words


def run_tesseract(image: Image.Image, options: Options, label: str = "") -> tuple[str, str]:
    """Plain text and TSV of one page image from a single Tesseract run."""
    command = tesseract_command()
    check_languages(options.ocr_languages)
    prepared = prepare_page(image) if options.prepare_images else None
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
        # Uncompressed TIFF: writing a page as PNG costs about a second, TIFF a few milliseconds.
        source, base = Path(tmp) / "page.tif", Path(tmp) / "out"
        (prepared.image if prepared else image.convert("L")).save(source)
        args = [command, str(source), str(base), "-l", options.ocr_languages, "--oem", "1",
                "--psm", str(options.ocr_psm), "--dpi", str(prepared.dpi if prepared else options.ocr_dpi), "txt", "tsv"]
        # Pages run in parallel; OpenMP threads inside each Tesseract only fight over the cores.
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(args, capture_output=True, timeout=options.ocr_timeout_s, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise OcrTimeout(f"tesseract took longer than {options.ocr_timeout_s:.0f} s", path=label) from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OcrError(f"tesseract failed (exit {done.returncode}): {message[-1] if message else ''}",
                           path=label)
        return (base.with_suffix(".txt").read_text("utf-8"), base.with_suffix(".tsv").read_text("utf-8"))


def ocr_image(image: Image.Image, options: Options, label: str = "") -> PageText:
    """OCR one page image."""
    text, tsv = run_tesseract(image, options, label)
    words = align_words(text, tsv)
    mean = sum(w.confidence for w in words) / len(words) if words else 0.0
    return PageText(text=text, method="ocr", ocr_confidence=round(mean, 4), words=tuple(words))


def ocr_images(images: list[Image.Image], options: Options, label: str = "") -> list[PageText]:
    """OCR pages in parallel: Tesseract runs as a subprocess, so threads are enough."""
    if len(images) <= 1 or options.ocr_workers <= 1:
        return [ocr_image(im, options, label) for im in images]
    with ThreadPoolExecutor(max_workers=options.ocr_workers) as pool:
        return list(pool.map(lambda im: ocr_image(im, options, label), images))
