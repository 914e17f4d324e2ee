"""Reading any supported file into pages of raw text: the first stage of the pipeline."""
from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from models.errors import InputError, LimitExceeded, UnreadableDocument, UnsupportedMediaType
from models.options import Options
from pipeline.limits import check_bytes, check_image, check_pages
from pipeline.markup import (PAGE_MARK, html_to_text, looks_like_markup, markdown_to_text, scanned_markup_to_text,
                             split_at_page_marks)
from pipeline.ocr import ocr_images
from pipeline.pages import PageText, RawDocument
from pipeline.pdf import read_pdf
from pipeline.readers import READERS, by_suffix
from pipeline import word as _word  # noqa: F401 - registers the Word reader
from pipeline.text_file import clean_page, decode_text_with_notes

MEDIA_TYPES = {
    ".txt": "text/plain", ".text": "text/plain",
    ".md": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html",
    ".pdf": "application/pdf",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".tif": "image/tiff", ".tiff": "image/tiff",
    **by_suffix(),
}
SUPPORTED = frozenset(MEDIA_TYPES)


def media_type_of(path: Path, head: bytes) -> str:
    """The media type from the file's first bytes, falling back to its name."""
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise UnsupportedMediaType(f"unsupported file type {path.suffix or '(no extension)'!r}", path=str(path))
    return media_type


def _text_pages(text: str, media_type: str, notes: tuple[str, ...] = ()) -> list[PageText]:
    if media_type == "text/html" or (media_type == "text/plain" and looks_like_markup(text) == "html"):
        text = html_to_text(text)
    elif media_type == "text/markdown" or (media_type == "text/plain" and looks_like_markup(text)):
        text = markdown_to_text(text)
    # A form feed is a page break in plain text; each page keeps its own text.
    return [PageText(text=page, method="text", notes=notes if n == 0 else ())
            for n, page in enumerate(text.split("\f"))]


def _image_pages(path: str, options: Options) -> list[PageText]:
    """Every frame of an image file, each checked from its header (size, resolution) before it is
    decoded."""
    try:
        with Image.open(path) as image:
            check_pages(getattr(image, "n_frames", 1), path, options)
            frames = []
            for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                dpi = frame.info.get("dpi", (None,))[0]
                check_image(frame.width, frame.height, float(dpi) if dpi else None, f"image frame {number}", path,
                            options)
                frames.append(frame.copy())
    except Image.DecompressionBombError as exc:
        raise LimitExceeded(f"refused as a decompression bomb: {exc}", path=path) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"cannot read image: {exc}", path=path) from exc
    return ocr_images(frames, options, label=path)


def _unmarkup(pages: list[PageText]) -> list[PageText]:
    """A printed or scanned page of Markdown/HTML source is read as the document it encodes. The
    pages are converted together (an element may run over a page break), then parted again."""
    if not looks_like_markup("\n".join(p.text for p in pages)):
        return pages
    joined = scanned_markup_to_text((PAGE_MARK + "\n").join(p.text for p in pages))
    texts = split_at_page_marks(joined, len(pages)) or [scanned_markup_to_text(p.text) for p in pages]
    note = "page text was markup source; converted (word boxes dropped)"
    return [replace(p, text=text, words=(), notes=p.notes + (note,)) for text, p in zip(texts, pages)]


def read_document(path: str | Path, options: Options) -> RawDocument:
    """Read one file into raw pages, choosing text layer or OCR as each page needs."""
    path, options = Path(path), options or Options()
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    with path.open("rb") as file:
        head = file.read(8)
        size = os.fstat(file.fileno()).st_size
    media_type = media_type_of(path, head)
    check_bytes(size, media_type, str(path), options)
    data = path.read_bytes()
    if not data.strip():
        raise InputError("file is empty", path=str(path))
    if media_type.startswith("text/"):
        text, notes = decode_text_with_notes(data, str(path))
        pages = _text_pages(text, media_type, notes)
    elif media_type == "application/pdf":
        pages = read_pdf(str(path), options)
    elif media_type in READERS:
        pages = READERS[media_type].read(str(path), options)
    else:
        pages = _image_pages(str(path), options)
    if media_type == "application/pdf" or media_type.startswith("image/"):
        pages = _unmarkup(pages)
    pages = [clean_page(p) for p in pages]
    if not any(p.text.strip("\u200b\u200c\u200d\u2060\ufeff \t\r\n\f") for p in pages):
        decisions = "; ".join(f"page {p.decision.page}: {p.decision.reason}" for p in pages if p.decision)
        raise UnreadableDocument("no text could be read from any page" + (f" ({decisions})" if decisions else ""),
                                 path=str(path))
    return RawDocument(path=str(path), sha256=hashlib.sha256(data).hexdigest(), media_type=media_type,
                       pages=pages)
