"""OCR of page images: prepare the image, read it with Tesseract (pipeline/tesseract.py), then read
again what Tesseract is known to get wrong on Thai letters. A document's pages are read in parallel,
one per core.

Tesseract reports Thai letter by letter while its page text places the word spaces well; the letters
are aligned onto the text so that each span of the page text knows its confidence and box.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from PIL import Image

from models.catalog import agency_codes
from models.errors import OcrError
from models.options import Options
from pipeline.image_prep import Prepared, prepare_page
from pipeline.layout import read_signature_columns, regroup_signature_blocks
from pipeline.ocr_repair import vocabulary
from pipeline.pages import PageText, WordBox, splice
from pipeline.tesseract import Box, Reading, Word, engine
from pipeline.thai_digits import reread_thai_digits
from pipeline.uncovered_lines import cut_out, insert_line, is_print, text_height, uncovered_segments

ALIGN_WINDOW = 24


def align_words(text: str, words: Sequence[Word], scale: float = 1.0) -> list[WordBox]:
    """Each Tesseract word located in the page text, in reading order; boxes multiplied by ``scale``
    (Tesseract may read a smaller copy of the page).

    >>> words = [Word("ที่", Box(10, 10, 20, 30), 0.965, 0, "tha"), Word("มท", Box(40, 10, 20, 30), 0.9, 0, "tha")]
    >>> [(w.start, w.end, w.confidence) for w in align_words("ที่ มท\\n", words)]
    [(0, 3, 0.965), (4, 6, 0.9)]
    """
    boxes: list[WordBox] = []
    pos = 0
    for word in words:
        text_of_word = word.text.strip()
        if not text_of_word:
            continue
        # Close ahead only (past the spaces Tesseract puts in wide gaps): a word written differently
        # in the text is left unmapped.
        while pos < len(text) and text[pos].isspace():
            pos += 1
        found = text.find(text_of_word, pos, pos + len(text_of_word) + ALIGN_WINDOW)
        if found < 0:
            continue
        box = word.box
        left, top, width, height = (round(v * scale) for v in (box.left, box.top, box.width, box.height))
        boxes.append(WordBox(found, found + len(text_of_word), left, top, width, height, word.confidence,
                             language=word.language))
        pos = found + len(text_of_word)
    return boxes


LATIN_HEAD = re.compile(r"^[A-Za-z]{1,4}$")
THAI_CHAR = re.compile(r"[\u0e01-\u0e59]")
DIGIT = re.compile(r"[0-9๐-๙]")


def latin_headed_lines(reading: Reading) -> list[tuple[str, Box]]:
    """Lines whose first word reads as a short Latin word while the rest is Thai: a Thai label
    (ที่ มท, เรื่อง) that the English model claimed ("NUN", "Jos"). Returns (that word, line box).

    >>> words = [Word("NUN", Box(0, 0, 40, 20), 0.9, 0, "eng"), Word("ก", Box(50, 0, 9, 20), 0.9, 0, "tha")]
    >>> latin_headed_lines(Reading("NUN ก\\n", tuple(words), (Box(0, 0, 59, 20),)))
    [('NUN', Box(left=0, top=0, width=59, height=20))]
    """
    by_line: dict[int, list[str]] = {}
    for word in reading.words:
        by_line.setdefault(word.line, []).append(word.text.strip())
    return [(texts[0], reading.lines[line]) for line, texts in by_line.items()
            if len(texts) > 1 and LATIN_HEAD.match(texts[0]) and THAI_CHAR.search(" ".join(texts[1:]))]


def thai_head(words: list[str], thai_reading: str) -> str | None:
    """What the Thai reading has where the line's Latin head was: its words up to the first word the
    two readings share or the first number, which the two may read differently
    ("NUN ๐๕๓๕๑.๓/ว" + "ที่ มท ๐๘๙๑.๓/ว" → "ที่ มท").

    >>> thai_head(["NUN", "0891.3/ว", "2556"], "ที่ มท 0891.3/ว 2556")
    'ที่ มท'
    >>> thai_head(["NUM", "๐๕๓๕๑.๓/ว", "๒๕๕๒๐"], "ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖")
    'ที่ มท'
    >>> thai_head(["NUN", "AS", "๐๙๒๔.๐๓/ว", "๒๑๕๘"], "ที่ สธ ๐๙๒๔.๐๓/ว ๒๑๕๘")  # AS is read again on its own
    'ที่'
    >>> thai_head(["I", "เรื่อง", "ขอเชิญ"], "เรื่อง ขอเชิญ") is None
    True
    """
    thai_words = thai_reading.split()
    if not thai_words or not THAI_CHAR.search(thai_words[0]):
        return None
    rest = set(words[1:])
    cut = next((i for i, w in enumerate(thai_words) if w in rest or DIGIT.search(w)), 1)
    if cut == 0:
        return None  # the Thai reading lost the head: its first word is one the line has already
    line_number = next((i for i, w in enumerate(words) if DIGIT.search(w)), None)
    if cut < len(thai_words) and DIGIT.search(thai_words[cut]):
        # Words the line has between its head and the number (a code read as Latin, "AS" for สธ)
        # are the line's own: the head is only what the Thai reading has before them.
        cut -= max(0, (line_number or 1) - 1)
        if cut <= 0:
            return None
    return " ".join(thai_words[:cut])


def around(image: np.ndarray, box: Box | WordBox) -> np.ndarray:
    """The image cut to a box with a third of its height to spare on every side."""
    pad = box.height // 3
    return image[max(0, box.top - pad):box.top + box.height + pad, max(0, box.left - pad):box.left + box.width + pad]


# A re-read is of one word or one line: it gets a deadline of its own, short of the page's.
REREAD_TIMEOUT_S = 10.0


def read_again_in_thai(image: np.ndarray, box: Box | WordBox, dpi: int, psm: int, options: Options,
                       label: str) -> Reading | None:
    """The box read again with the Thai model alone; None where that reading fails (a crop too
    small to read, a timeout): the first reading then stands, the page is not lost."""
    crop = around(image, box)
    if min(crop.shape) < 8:
        return None
    try:
        return engine("tha", options.ocr_try_inverted).read(crop, dpi, psm, min(REREAD_TIMEOUT_S, options.ocr_timeout_s),
                                                             label)
    except OcrError:
        return None


def _line_head(text: str, words: list[WordBox], head_word: str, box: Box, scale: float) -> WordBox | None:
    """The word box of a line's Latin head, on the line Tesseract read it on."""
    top, bottom = box.top * scale, (box.top + box.height) * scale
    return next((w for w in words if text[w.start:w.end] == head_word and (w.start == 0 or text[w.start - 1] == "\n")
                 and top <= w.top + w.height / 2 <= bottom), None)


def reread_latin_heads(grey: np.ndarray, dpi: int, scale: float, reading: Reading, text: str,
                       words: list[WordBox], options: Options, label: str) -> tuple[str, list[WordBox]]:
    """Read such lines again with the Thai model alone and keep the Thai reading of their head,
    unless the head was read again as a number already. ``scale`` takes the boxes of ``grey``
    (read at ``dpi``) to the page's."""
    for head_word, box in latin_headed_lines(reading):
        head_box = _line_head(text, words, head_word, box, scale)
        if head_box is None:
            continue
        line_end = text.find("\n", head_box.start)
        line = text[head_box.start:line_end if line_end >= 0 else len(text)]
        line_reading = read_again_in_thai(grey, box, dpi, 7, options, label)
        if line_reading is None or not line_reading.text.strip():
            continue
        head = thai_head(line.split(), line_reading.text.strip().splitlines()[0])
        if head:
            confidence = min((w.confidence for w in line_reading.words), default=0.0)
            text, words = splice(text, words, head_box.start, head_box.end, head,
                                 replace(head_box, confidence=confidence, language="tha"))
    return text, words


# Below this confidence a word the English model read on a Thai line is more often a Thai word it
# claimed (กับ → "fu", บาท → "UM") than English: measured on office and poor renders of 18 documents,
# such words had median confidence 0.55 (90th percentile 0.85), real English ones 0.94 (10th 0.82).
LATIN_DOUBT = 0.8
_LATIN = re.compile(r"[A-Za-z]")
_THAI_TEXT = re.compile(r"^[\u0e01-\u0e4e\u0e50-\u0e59.]+$")  # dots: abbreviations (พ.ศ.)
MAX_WORD_LENGTH = 40


# A document number's letter code (ที่ ศธ ๐๒๐๖/ว …) that the English model claimed ("AS"): the word
# between ที่ and the number's digits. However sure Tesseract was, it is read again in Thai.
_CODE_BEFORE = re.compile(r"(?:^|\n)\s*(?:ที่|ที|N|n)\s*$")
_CODE_AFTER = re.compile(r"\s*[0-9๐-๙][0-9๐-๙.()]*\s*/")


def latin_letter_codes(text: str, words: list[WordBox]) -> list[WordBox]:
    """Latin words standing where a number line has its Thai letter code.

    >>> text = "ที่ AS ๐๒๐๖/ว ๑๒๓๔"
    >>> [text[w.start:w.end] for w in latin_letter_codes(text, [WordBox(4, 6, 0, 0, 9, 9, 0.95, language="eng")])]
    ['AS']
    """
    return [w for w in words if w.language == "eng" and _LATIN.search(text[w.start:w.end])
            and len(text[w.start:w.end]) <= 4 and _CODE_BEFORE.search(text, 0, w.start) and _CODE_AFTER.match(text, w.end)]


def doubtful_latin_words(text: str, words: list[WordBox]) -> list[WordBox]:
    """Words the English model read, unsure, on a page that is Thai."""
    if len(THAI_CHAR.findall(text)) < len(_LATIN.findall(text)):
        return []
    return [w for w in words if w.language == "eng" and w.reader == "tesseract" and w.confidence < LATIN_DOUBT
            and _LATIN.search(text[w.start:w.end])]


def is_dictionary_thai(reading: str) -> bool:
    """Thai letters only, every word of which the dictionary knows.

    >>> is_dictionary_thai("กับ"), is_dictionary_thai("บาท"), is_dictionary_thai("ฉฎฏ"), is_dictionary_thai("ROC")
    (True, True, False, False)
    >>> is_dictionary_thai("ฒ")  # a lone letter is no word (Tesseract's Thai model makes one of a lone digit)
    False
    >>> is_dictionary_thai("พ.ศ.")
    True
    """
    if len(reading) < 2 or not _THAI_TEXT.match(reading):
        return False
    # A word break over the vocabulary, parts of two letters or more (a lone letter is in the word
    # list as the letter's name): cheaper than building PyThaiNLP's tokenizer trie for a few words.
    words = vocabulary()
    breaks = [True] + [False] * len(reading)
    for end in range(2, len(reading) + 1):
        breaks[end] = any(breaks[start] and reading[start:end] in words
                          for start in range(max(0, end - MAX_WORD_LENGTH), end - 1))
    return breaks[-1]


def reread_latin_words(page: np.ndarray, dpi: int, text: str, words: list[WordBox], options: Options,
                       label: str) -> tuple[str, list[WordBox]]:
    """Doubtful English words on Thai lines read again with the Thai model alone; the Thai reading
    replaces them where it is surer and made of dictionary words. Real English ("ROC", "Center")
    reads as no Thai word and stays."""
    code_words = latin_letter_codes(text, words)
    codes = {w.start for w in code_words}
    candidates = sorted({w.start: w for w in doubtful_latin_words(text, words) + code_words}.values(),
                        key=lambda w: w.start)
    for word in reversed(candidates):
        reading = read_again_in_thai(page, word, dpi, 8, options, label)
        if reading is None or not reading.words:
            continue
        thai = "".join(reading.text.split())
        # Thai letters each carry a confidence, one low mark among them: their mean is the word's.
        confidence = sum(w.confidence for w in reading.words) / len(reading.words)
        if word.start in codes and thai.rstrip(".") in agency_codes():
            text, words = splice(text, words, word.start, word.end, thai, replace(word, confidence=confidence,
                                                                                   language="tha"))
        elif confidence > word.confidence and is_dictionary_thai(thai):
            text, words = splice(text, words, word.start, word.end, thai, replace(word, confidence=confidence,
                                                                                   language="tha"))
    return text, words


def read_uncovered_lines(prepared: Prepared, reading: Reading, text: str, words: list[WordBox], options: Options,
                         label: str) -> tuple[str, list[WordBox]]:
    """Lines of print Tesseract's layout left out (beside the emblem, under a stamp), read one by
    one and put into the page text where they stand (pipeline/uncovered_lines.py)."""
    scale = prepared.read_scale
    pictures = [Box(*(round(v * scale) for v in (w.box.left, w.box.top, w.box.width, w.box.height)))
                for w in reading.words if not w.text.strip()]
    segments, labels = uncovered_segments(prepared.page, words, pictures)
    pad = text_height(words) // 2
    for segment in segments:
        crop, left, top = cut_out(prepared.page, labels, segment, pad)
        try:
            line_reading = engine(options.ocr_languages, options.ocr_try_inverted).read(
                crop, prepared.dpi, 7, min(REREAD_TIMEOUT_S, options.ocr_timeout_s), label)
        except OcrError:
            continue
        line = " ".join(line_reading.text.split())
        if not is_print(line_reading):  # an empty reading has no Thai letters either
            continue
        line_words = [replace(w, left=w.left + left, top=w.top + top) for w in align_words(line, line_reading.words)]
        text, words = insert_line(text, words, line, line_words, segment)
    return text, words


def ocr_image(image: Image.Image, options: Options, label: str = "") -> PageText:
    """OCR one page image in this process: prepare it, read it with Tesseract, read again what
    Tesseract is known to get wrong (Thai digits, Thai words taken for Latin ones), then read
    signature tables column by column."""
    prepared = prepare_page(image, options.tesseract_dpi, clean=options.prepare_images)
    reading = engine(options.ocr_languages, options.ocr_try_inverted).read(
        prepared.read, prepared.read_dpi, options.ocr_psm, options.ocr_timeout_s, label)
    text, words = reading.text, align_words(reading.text, reading.words, prepared.read_scale)
    if options.ocr_read_uncovered_lines:
        text, words = read_uncovered_lines(prepared, reading, text, words, options, label)
    if options.ocr_read_thai_digits:
        # Glyphs are compared at full resolution: more pixels per stroke than Tesseract needs.
        text, words = reread_thai_digits(prepared.page, text, words)
    if "+" in options.ocr_languages and "tha" in options.ocr_languages:
        text, words = reread_latin_heads(prepared.read, prepared.read_dpi, prepared.read_scale, reading, text, words,
                                         options, label)
        text, words = reread_latin_words(prepared.page, prepared.dpi, text, words, options, label)
    text, words = read_signature_columns(text, words)
    text, words = regroup_signature_blocks(text, words)
    mean = sum(w.confidence for w in words) / len(words) if words else 0.0
    return PageText(text=text, method="ocr", ocr_confidence=round(mean, 4), words=tuple(words))


# --- pages in parallel ---------------------------------------------------------------------------

_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _page_pool(workers: int) -> ThreadPoolExecutor:
    """The process-wide OCR threads. Tesseract releases the GIL while it reads, so threads use every
    core; kept from document to document, each thread keeps its loaded engines. Documents read
    at once (the ingest flow's tasks) share them."""
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix="saraban-ocr")
        return _pools[workers]


def ocr_images(images: Iterable[Image.Image], options: Options, label: str = "") -> list[PageText]:
    """OCR pages ``ocr_workers`` at a time, in page order. Each page is handed over as soon as it is
    made, so rasterising the next page overlaps reading this one."""
    pool = _page_pool(options.ocr_workers)
    futures = []
    try:
        for image in images:
            futures.append(pool.submit(ocr_image, image, options, label))
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
