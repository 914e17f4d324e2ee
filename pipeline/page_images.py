"""Pages as a reviewer sees them: each page's picture and the boxes of its words in that picture's
pixels, so that a value's evidence (a span of the raw text) can be drawn where it is printed.

Scans: the OCR word boxes, in the ~300 dpi grey page OCR read (``prepare_page(..., clean=False)``
gives the same pixel space). PDF text layers: each character's box from pdfium, rendered at
``Options.ocr_dpi``. Plain text has no picture.
"""
from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image, ImageSequence

from models.errors import InputError
from models.options import Options
from models.page_layout import PageLayout
from pipeline.document import PAGE_SEPARATOR
from pipeline.image_prep import image_dpi, normalise_resolution, to_grey
from pipeline.ingest import read_document
from pipeline.pages import RawDocument
from pipeline.pdf import page_image, render_page, repair_text_layer

PICTURED = ("application/pdf", "image/png", "image/jpeg", "image/tiff")


def _source_image(path: str, media_type: str, index: int, options: Options) -> Image.Image:
    if media_type == "application/pdf":
        document = pdfium.PdfDocument(path)
        try:
            if not 0 <= index < len(document):
                raise InputError(f"the document has no page {index + 1}", path=path)
            return page_image(document[index], options.ocr_dpi)
        finally:
            document.close()
    with Image.open(path) as image:
        frames = list(ImageSequence.Iterator(image))
        if not 0 <= index < len(frames):
            raise InputError(f"the document has no page {index + 1}", path=path)
        frame = frames[index].copy()
        frame.info.setdefault("dpi", image.info.get("dpi"))
        return frame


def page_grey(path: str, media_type: str, index: int, method: str, options: Options):
    """Page ``index`` (0-based) as grey pixels in the space its word boxes use."""
    if media_type == "application/pdf" and method != "ocr":
        document = pdfium.PdfDocument(path)
        try:
            if not 0 <= index < len(document):
                raise InputError(f"the document has no page {index + 1}", path=path)
            return to_grey(render_page(document[index], options.ocr_dpi))
        finally:
            document.close()
    image = _source_image(path, media_type, index, options)
    return normalise_resolution(to_grey(image), image_dpi(image))[0]


def page_picture(path: str, media_type: str, index: int, method: str, options: Options,
                 max_width: int = 1200) -> tuple[bytes, float]:
    """Page ``index`` (0-based) as a JPEG no wider than ``max_width``, and the factor from the word
    boxes' pixels to the picture's."""
    image = Image.fromarray(page_grey(path, media_type, index, method, options))
    scale = min(1.0, max_width / image.width)
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue(), scale


def _text_layer_words(path: str, index: int, page_text: str, options: Options) -> tuple[int, int, list]:
    """Word boxes of a text-layer page from pdfium's character boxes, at ``ocr_dpi``. The page text
    was repaired (characters only dropped), so pdfium's characters are matched to it in order."""
    document = pdfium.PdfDocument(path)
    try:
        page = document[index]
        width, height = page.get_size()
        scale = options.ocr_dpi / 72
        textpage = page.get_textpage()
        layer = textpage.get_text_range()
        if repair_text_layer(layer) != page_text:
            return round(width * scale), round(height * scale), []
        boxes: list[tuple[float, float, float, float] | None] = []
        j = 0
        for i, ch in enumerate(layer):
            if j < len(page_text) and page_text[j] == ch:
                box = textpage.get_charbox(i)
                boxes.append(box if box[2] > box[0] and box[3] > box[1] else None)
                j += 1
        words, start = [], None
        for k in range(len(page_text) + 1):
            inside = k < len(page_text) and not page_text[k].isspace()
            if inside and start is None:
                start = k
            elif not inside and start is not None:
                found = [b for b in boxes[start:k] if b]
                if found:
                    left, bottom = min(b[0] for b in found), min(b[1] for b in found)
                    right, top = max(b[2] for b in found), max(b[3] for b in found)
                    words.append([start, k, round(left * scale), round((height - top) * scale),
                                  round((right - left) * scale), round((top - bottom) * scale), 1.0])
                start = None
        return round(width * scale), round(height * scale), words
    finally:
        document.close()


def read_page_boxes(path: str, options: Options) -> tuple[RawDocument, list[PageLayout]]:
    """Read the file as extraction does and give each pictured page its word boxes."""
    raw = read_document(path, options)
    if raw.media_type not in PICTURED:
        return raw, []
    pages, position = [], 0
    for index, page in enumerate(raw.pages):
        if page.method == "ocr":
            height, width = page_grey(path, raw.media_type, index, page.method, options).shape[:2]
            words = [[w.start, w.end, w.left, w.top, w.width, w.height, round(w.confidence, 3)] for w in page.words]
        elif page.method == "pdf_text":
            _, _, words = _text_layer_words(path, index, page.text, options)
            height, width = page_grey(path, raw.media_type, index, page.method, options).shape[:2]
        else:
            width = height = 0
            words = []
        pages.append(PageLayout(index + 1, page.method, position, len(page.text), width, height, words))
        position += len(page.text) + len(PAGE_SEPARATOR)
    return raw, pages


def raw_text(raw: RawDocument) -> str:
    """The document's raw text as extraction joined it: provenance raw spans index into this."""
    return PAGE_SEPARATOR.join(page.text for page in raw.pages)
