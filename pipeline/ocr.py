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
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytesseract
from PIL import Image

from models.errors import OcrError, OcrNotInstalled, OcrTimeout
from models.options import Options
from pipeline.image_prep import Prepared, prepare_page
from pipeline.pages import PageText, WordBox
from pipeline.thai_digits import reread_thai_digits


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


ALIGN_WINDOW = 24


def align_words(text: str, tsv: str, scale: float = 1.0) -> list[WordBox]:
    """Each TSV word located in the plain text, in reading order; boxes multiplied by ``scale``
    (Tesseract may read a smaller copy of the page).

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
        # Close ahead only: a word written differently in the text (or re-read) is left unmapped.
        found = text.find(word, pos, pos + len(word) + ALIGN_WINDOW)
        if found < 0:
            continue
        left, top, width, height = (round(int(row[k]) * scale) for k in ("left", "top", "width", "height"))
        words.append(WordBox(found, found + len(word), left, top, width, height, max(0.0, float(row["conf"])) / 100))
        pos = found + len(word)
    return words


def run_tesseract(image: Image.Image, dpi: int, options: Options, label: str = "") -> tuple[str, str]:
    """Plain text and TSV of one (prepared) page image from a single Tesseract run."""
    command = tesseract_command()
    check_languages(options.ocr_languages)
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
        # Uncompressed TIFF: writing a page as PNG costs about a second, TIFF a few milliseconds.
        source, base = Path(tmp) / "page.tif", Path(tmp) / "out"
        image.save(source)
        args = [command, str(source), str(base), "-l", options.ocr_languages, "--oem", "1",
                "--psm", str(options.ocr_psm), "--dpi", str(dpi), "txt", "tsv"]
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


LATIN_HEAD = re.compile(r"^[A-Za-z]{2,4}$")
THAI_CHAR = re.compile(r"[\u0e01-\u0e59]")


def _rows(tsv: str) -> list[dict]:
    return [row for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)]


def latin_headed_lines(tsv: str) -> list[tuple[list[str], tuple[int, int, int, int]]]:
    """Lines whose first word reads as a short Latin word while the rest is Thai: a Thai label
    (ที่ มท, เรื่อง) that the English model claimed ("NUM", "Jos"). Returns (line words, line box)."""
    rows = _rows(tsv)
    boxes = {(r["block_num"], r["par_num"], r["line_num"]): r for r in rows if r.get("level") == "4"}
    words: dict[tuple, list[str]] = {}
    for r in rows:
        if r.get("level") == "5" and (r.get("text") or "").strip():
            words.setdefault((r["block_num"], r["par_num"], r["line_num"]), []).append(r["text"].strip())
    found = []
    for key, line_words in words.items():
        if len(line_words) > 1 and LATIN_HEAD.match(line_words[0]) and THAI_CHAR.search(" ".join(line_words[1:])):
            b = boxes.get(key)
            if b:
                found.append((line_words, (int(b["left"]), int(b["top"]), int(b["width"]), int(b["height"]))))
    return found


def thai_head(words: list[str], thai_reading: str) -> str | None:
    """What the Thai reading has where the line's Latin head was: all its words up to the first
    word the two readings share ("NUN ๐๘๙๑.๓/ว" + "ที่ มท ๐๘๙๑.๓/ว" → "ที่ มท").

    >>> thai_head(["NUN", "0891.3/ว", "2556"], "ที่ มท 0891.3/ว 2556")
    'ที่ มท'
    """
    thai_words = thai_reading.split()
    if not thai_words or not THAI_CHAR.search(thai_words[0]):
        return None
    rest = set(words[1:])
    cut = next((i for i, w in enumerate(thai_words) if w in rest), 1)
    return " ".join(thai_words[:max(1, cut)])


def reread_latin_heads(grey: Image.Image, dpi: int, text: str, tsv: str, options: Options, label: str) -> str:
    """Read such lines again with the Thai model alone, and keep the Thai reading of their head."""
    heads = latin_headed_lines(tsv)
    if not heads:
        return text
    line_options = options.model_copy(update={"ocr_languages": "tha", "ocr_psm": 7})
    for words, (left, top, width, height) in heads:
        pad = height // 3
        crop = grey.crop((max(0, left - pad), max(0, top - pad), left + width + pad, top + height + pad))
        reading, _ = run_tesseract(crop, dpi, line_options, label)
        line = re.search(rf"(?m)^{re.escape(words[0])} .*$", text)
        if not line:
            continue
        head = thai_head(line.group().split(), reading.strip().splitlines()[0] if reading.strip() else "")
        if head:
            text = re.sub(rf"(?m)^{re.escape(words[0])}(?= )", head, text, count=1)
    return text


def ocr_image(image: Image.Image, options: Options, label: str = "") -> PageText:
    """OCR one page image: prepare it, read it with Tesseract, then read again what Tesseract is
    known to get wrong (Thai labels taken for Latin words, Thai digits)."""
    if options.prepare_images:
        prepared = prepare_page(image, options.tesseract_dpi)
    else:
        grey = image.convert("L")
        prepared = Prepared(grey, options.ocr_dpi, grey, options.ocr_dpi)
    text, tsv = run_tesseract(prepared.read_image, prepared.read_dpi, options, label)
    if "+" in options.ocr_languages and "tha" in options.ocr_languages:
        text = reread_latin_heads(prepared.read_image, prepared.read_dpi, text, tsv, options, label)
    words = align_words(text, tsv, prepared.read_scale)
    if options.ocr_read_thai_digits:
        # Glyphs are compared at full resolution: more pixels per stroke than Tesseract needs.
        text, words = reread_thai_digits(np.asarray(prepared.image), text, words)
    mean = sum(w.confidence for w in words) / len(words) if words else 0.0
    return PageText(text=text, method="ocr", ocr_confidence=round(mean, 4), words=tuple(words))


def ocr_images(images: list[Image.Image], options: Options, label: str = "") -> list[PageText]:
    """OCR pages in parallel: Tesseract runs as a subprocess, so threads are enough."""
    if len(images) <= 1 or options.ocr_workers <= 1:
        return [ocr_image(im, options, label) for im in images]
    with ThreadPoolExecutor(max_workers=options.ocr_workers) as pool:
        return list(pool.map(lambda im: ocr_image(im, options, label), images))
