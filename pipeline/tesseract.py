"""Tesseract, called in this one place: through its library API (tesserocr), the page handed over in
memory, one loaded engine per language set kept from page to page, a deadline inside Tesseract.

Why not the command line: on a Thai page every letter is a Tesseract "word", and the CLI's TSV
renderer walks ~2,000 of them per page so slowly that text with word boxes cost 23 % more than text
alone (3.15 s against 2.56 s on an office page). Through the API the page is recognised once and its
text, word boxes and confidences read in about 0.2 s. The Tesseract that tesserocr's wheel carries
(5.5) also recognised 23 office pages 16 % faster than Debian's 5.3 command (38.9 s against 46.4 s)
at the same character error rate (1.85 % against 1.87 %). The models are Debian's
(``tesseract-ocr-tha``). Tesseract releases the GIL while it reads, so pipeline/ocr.py reads
pages on threads, one engine per thread. That library is built without OpenMP (it needs no libgomp),
so each page is read on exactly one thread, as ``OMP_THREAD_LIMIT=1`` asks of the command line.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.errors import OcrError, OcrNotInstalled, OcrTimeout

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
INSTALL_HINT = "apt-get install tesseract-ocr-tha tesseract-ocr-eng"


def _tesserocr():
    try:
        import tesserocr
    except ImportError as exc:
        raise OcrNotInstalled(f"the Tesseract library cannot be loaded ({exc}); pip install tesserocr") from exc
    return tesserocr


def _model_folders() -> list[Path]:
    prefix = os.environ.get("TESSDATA_PREFIX")
    return [Path(folder) for folder in ([prefix] if prefix else []) + list(TESSDATA_DIRS)]


def installed_languages() -> frozenset[str]:
    """Every language with a model in the folders Tesseract's models are looked for in."""
    return frozenset(path.stem for folder in _model_folders() if folder.is_dir()
                     for path in folder.glob("*.traineddata"))


@lru_cache(maxsize=None)
def tessdata_dir(languages: str) -> str:
    """The first model folder holding every language of ``tha+eng``; TESSDATA_PREFIX first."""
    wanted = languages.split("+")
    for folder in _model_folders():
        if all((folder / f"{lang}.traineddata").is_file() for lang in wanted):
            return str(folder)
    missing = sorted(set(wanted) - installed_languages()) or wanted
    raise OcrNotInstalled(f"no Tesseract model for {', '.join(missing)} in any of "
                          f"{', '.join(map(str, _model_folders()))} ({INSTALL_HINT})")


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @classmethod
    def of_corners(cls, corners: tuple[int, int, int, int]) -> "Box":
        x0, y0, x1, y1 = corners
        return cls(x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True)
class Word:
    """One word as Tesseract reports it: on Thai text a single letter with its marks."""

    text: str
    box: Box
    confidence: float  # 0..1
    line: int          # index into Reading.lines
    language: str      # the model that read it: "tha", "eng"


@dataclass(frozen=True)
class Reading:
    """What Tesseract read on one image: the page text (its line and paragraph breaks and word
    spaces as Tesseract places them) and every word in reading order."""

    text: str
    words: tuple[Word, ...]
    lines: tuple[Box, ...]


class Engine:
    """A loaded Tesseract for one language set, reading image after image. One per thread."""

    def __init__(self, languages: str, try_inverted: bool = False):
        tesserocr = _tesserocr()
        self._tesserocr = tesserocr
        try:
            self._api = tesserocr.PyTessBaseAPI(path=tessdata_dir(languages), lang=languages,
                                                oem=tesserocr.OEM.LSTM_ONLY)
        except RuntimeError as exc:
            raise OcrNotInstalled(f"Tesseract cannot load {languages}: {exc} ({INSTALL_HINT})") from exc
        # Tesseract reads every line it is unsure of a second time as white on black; letters are
        # printed dark on light, so that costs time (most on poor scans) and finds nothing.
        self._api.SetVariable("tessedit_do_invert", "1" if try_inverted else "0")

    def read(self, grey: np.ndarray, dpi: int, psm: int, timeout_s: float, label: str = "") -> Reading:
        """Recognise an 8-bit grey image; OcrTimeout past ``timeout_s``."""
        grey = np.ascontiguousarray(grey, dtype=np.uint8)
        height, width = grey.shape
        api = self._api
        api.SetPageSegMode(psm)
        api.SetImageBytes(grey.tobytes(), width, height, 1, width)
        api.SetSourceResolution(dpi)
        started = time.monotonic()
        try:
            if not api.Recognize(timeout=max(1, int(timeout_s * 1000))):
                if time.monotonic() - started >= 0.9 * timeout_s:
                    raise OcrTimeout(f"tesseract took longer than {timeout_s:.0f} s", path=label or None)
                raise OcrError("tesseract could not recognise the page", path=label or None)
            return Reading(api.GetUTF8Text(), *self._words())
        finally:
            api.Clear()

    def _words(self) -> tuple[tuple[Word, ...], tuple[Box, ...]]:
        level = self._tesserocr.RIL
        iterator = self._api.GetIterator()
        words: list[Word] = []
        lines: list[Box] = []
        if iterator is None:
            return (), ()
        for item in self._tesserocr.iterate_level(iterator, level.WORD):
            corners = item.BoundingBox(level.WORD)
            if corners is None:
                continue
            if item.IsAtBeginningOf(level.TEXTLINE) or not lines:
                lines.append(Box.of_corners(item.BoundingBox(level.TEXTLINE) or corners))
            text = item.GetUTF8Text(level.WORD)
            if not text:
                continue
            words.append(Word(text, Box.of_corners(corners), max(0.0, item.Confidence(level.WORD)) / 100,
                              len(lines) - 1, item.WordRecognitionLanguage() or ""))
        return tuple(words), tuple(lines)

    def close(self) -> None:
        self._api.End()


_engines = threading.local()


def engine(languages: str, try_inverted: bool = False) -> Engine:
    """This thread's engine for a language set, loaded on first use and kept."""
    cache = _engines.__dict__.setdefault("by_setting", {})
    key = (languages, try_inverted)
    if key not in cache:
        cache[key] = Engine(languages, try_inverted)
    return cache[key]


def version() -> str:
    return _tesserocr().tesseract_version().splitlines()[0]
