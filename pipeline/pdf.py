"""PDF pages: the text layer where it is usable or can be repaired, OCR where it is missing or broken
(each page judged by pipeline/text_layer_judge.py).

pypdfium2 reads Thai text layers far better than pdfplumber's glyph mapping (which turns shaped
glyphs into wrong letters), so text comes from pypdfium2; pdfplumber is used for page geometry.
PDFium is not thread-safe: every call into it holds ``PDFIUM_LOCK`` (two task threads opening PDFs
at once otherwise fail), and each page is checked against the pixel limit before it is rendered.
"""
from __future__ import annotations

import re
import threading

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image

from models.errors import PdfError
from models.options import Options
from pipeline.limits import check_image, check_pages, check_pdf_page
from pipeline.ocr import ocr_images
from pipeline.pages import PageDecision, PageText
from pipeline.text_layer_judge import judge, measure, problem_of

# A shaped sara am sometimes leaves a stray glyph mapped to an ASCII digit ("สำ4นักงาน").
_DIGIT_INSIDE_THAI_WORD = re.compile(r"(?<=\u0e33)\d(?=[\u0e01-\u0e2e\u0e40-\u0e44])")


def repair_text_layer(text: str) -> str:
    """Undo what PDF text extraction does to shaped Thai before normalisation sees it.

    >>> repair_text_layer("สำ4นักงาน\\r\\nกรม")
    'สำนักงาน\\nกรม'
    """
    return _DIGIT_INSIDE_THAI_WORD.sub("", text.replace("\r\n", "\n"))


def text_layer_problem(text: str, options: Options) -> str | None:
    """Why a page's text layer should not be trusted as it is, or None when it is usable."""
    return problem_of(measure(text), options)


PDFIUM_LOCK = threading.RLock()


def _open(path: str) -> pdfium.PdfDocument:
    try:
        with PDFIUM_LOCK:
            return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if _has_no_pages(path):  # PDFium refuses a PDF of no pages with a misleading reason
            raise PdfError("the PDF has no pages", path=path) from exc
        if "password" in str(exc).lower():
            raise PdfError(f"the PDF is encrypted and needs a password ({exc})", path=path) from exc
        raise PdfError(f"cannot open PDF: {exc}", path=path) from exc


def _has_no_pages(path: str) -> bool:
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages) == 0
    except Exception:  # noqa: BLE001 - pdfminer's errors are many; unreadable is not "no pages"
        return False


def page_image_coverage(path: str) -> list[float]:
    """Share of each page's area covered by images (pdfplumber geometry): 1.0 means a scan."""
    coverage = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            area = float(page.width * page.height) or 1.0
            covered = sum(float((im["x1"] - im["x0"]) * (im["bottom"] - im["top"])) for im in page.images)
            coverage.append(min(1.0, covered / area))
    return coverage


def render_page(page: pdfium.PdfPage, dpi: int) -> Image.Image:
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    image.info["dpi"] = (dpi, dpi)
    return image


def scanned_image(page: pdfium.PdfPage, options: Options | None = None) -> Image.Image | None:
    """The scan itself, where the page is one upright image covering it: its own pixels, decoded
    in 0.02 s where rendering takes 0.13 s, and never resampled. None for any other page."""
    options = options or Options()
    objects = list(page.get_objects())
    if page.get_rotation() or len(objects) != 1 or objects[0].type != pdfium.raw.FPDF_PAGEOBJ_IMAGE:
        return None
    matrix = objects[0].get_matrix()
    left, bottom, right, top = objects[0].get_bounds()
    width, height = page.get_size()
    if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0 or (right - left) * (top - bottom) < 0.95 * width * height:
        return None
    pixel_width, pixel_height = objects[0].get_px_size()
    if pixel_width * pixel_height > options.max_pixels:
        return None  # rendering is checked against the limit instead
    try:
        image = objects[0].get_bitmap(render=False).to_pil()
    except (pdfium.PdfiumError, ValueError, OSError):
        return None
    dpi, dpi_down = round(image.width / ((right - left) / 72)), round(image.height / ((top - bottom) / 72))
    if abs(dpi - dpi_down) > 0.05 * dpi:
        return None  # pixels not square (a fax at 204 × 98 dpi): rendering squares them
    image = image.convert("L")
    image.info["dpi"] = (dpi, dpi)
    return image


def page_image(page: pdfium.PdfPage, dpi: int, options: Options | None = None, number: int = 1,
               path: str = "") -> Image.Image:
    """A page to OCR as pixels: the scanned image it holds, else the page rendered at ``dpi``; either
    checked against the pixel limit before it is made."""
    options = options or Options()
    with PDFIUM_LOCK:
        image = scanned_image(page, options)
        if image is None:
            check_pdf_page(*page.get_size(), dpi, number, path, options)
            image = render_page(page, dpi)
    check_image(image.width, image.height, image.info["dpi"][0], f"page {number}", path, options)
    return image


def read_pdf(path: str, options: Options) -> list[PageText]:
    """Every page's text, each page's text layer judged first: used, repaired or OCR'd."""
    document = _open(path)
    try:
        with PDFIUM_LOCK:
            check_pages(len(document), path, options)
            layers = []
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                layers.append(textpage.get_text_range())
                textpage.close()
                page.close()
        pages: list[PageText | None] = []
        to_ocr: list[tuple[int, PageDecision]] = []
        coverage = page_image_coverage(path)
        for index, text in enumerate(layers):
            judgement = judge(repair_text_layer(text), index + 1, options)
            decision = PageDecision(index + 1, judgement.decision, judgement.score, judgement.reason)
            if judgement.decision == "ocr":
                pages.append(None)
                to_ocr.append((index, decision))
                continue
            notes = (f"page {index + 1}: a scanned image with a text layer made by an earlier OCR; layer used",) \
                if index < len(coverage) and coverage[index] > 0.9 else ()
            if judgement.decision == "repaired":
                notes += (f"page {index + 1}: text layer {judgement.reason}",)
            pages.append(PageText(text=judgement.text, method="pdf_text", notes=notes, decision=decision))
        if to_ocr:
            images = (_page_image(document, i, path, options) for i, _ in to_ocr)
            for (index, decision), page in zip(to_ocr, ocr_images(images, options, label=path)):
                notes = (f"page {index + 1}: {decision.reason}; OCR used",)
                if not page.text.strip():
                    notes += (f"page {index + 1}: no text could be read (text layer unusable, OCR found nothing)",)
                    decision = PageDecision(decision.page, "ocr", decision.score,
                                            decision.reason + "; OCR found no text")
                pages[index] = PageText(page.text, "ocr", page.ocr_confidence, page.words, notes=notes,
                                        decision=decision)
        return [p for p in pages if p is not None]
    finally:
        with PDFIUM_LOCK:
            document.close()


def _page_image(document: pdfium.PdfDocument, index: int, path: str, options: Options) -> Image.Image:
    with PDFIUM_LOCK:
        page = document[index]
        try:
            return page_image(page, options.ocr_dpi, options, index + 1, path)
        finally:
            page.close()
