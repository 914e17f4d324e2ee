"""Reading any supported file into pages of raw text: the first stage of the pipeline."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from models.errors import InputError, UnreadableDocument, UnsupportedMediaType
from models.options import Options
from pipeline.markup import (PAGE_MARK, html_to_text, looks_like_markup, markdown_to_text, scanned_markup_to_text,
                             split_at_page_marks)
from pipeline.ocr import ocr_images
from pipeline.pages import PageText, RawDocument
from pipeline.pdf import read_pdf
from pipeline.text_file import decode_text

MEDIA_TYPES = {
    ".txt": "text/plain", ".text": "text/plain",
    ".md": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html",
    ".pdf": "application/pdf",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".tif": "image/tiff", ".tiff": "image/tiff",
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


def _text_pages(text: str, media_type: str) -> list[PageText]:
    if media_type == "text/html" or (media_type == "text/plain" and looks_like_markup(text) == "html"):
        text = html_to_text(text)
    elif media_type == "text/markdown" or (media_type == "text/plain" and looks_like_markup(text)):
        text = markdown_to_text(text)
    # A form feed is a page break in plain text; each page keeps its own text.
    return [PageText(text=page, method="text") for page in text.split("\f")]


def _image_pages(path: str, options: Options) -> list[PageText]:
    try:
        with Image.open(path) as image:
            frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError) as exc:
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
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise InputError("file is empty", path=str(path))
    media_type = media_type_of(path, data[:8])
    if media_type.startswith("text/"):
        pages = _text_pages(decode_text(data, str(path)), media_type)
    elif media_type == "application/pdf":
        pages = read_pdf(str(path), options)
    else:
        pages = _image_pages(str(path), options)
    if media_type == "application/pdf" or media_type.startswith("image/"):
        pages = _unmarkup(pages)
    if not any(p.text.strip("\u200b\u200c\u200d\u2060\ufeff \t\r\n\f") for p in pages):
        decisions = "; ".join(f"page {p.decision.page}: {p.decision.reason}" for p in pages if p.decision)
        raise UnreadableDocument("no text could be read from any page" + (f" ({decisions})" if decisions else ""),
                                 path=str(path))
    return RawDocument(path=str(path), sha256=hashlib.sha256(data).hexdigest(), media_type=media_type,
                       pages=pages)
