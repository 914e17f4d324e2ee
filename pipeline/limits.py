"""Per-document limits (Options.max_*), checked before the work they bound is allocated: bytes
before a file is read, pages before they are read, pixels before a page is rendered or an image
decoded and resampled. Each refusal names the file, the measure and the limit."""
from __future__ import annotations

from models.errors import LimitExceeded
from models.options import Options

# Image preparation resamples every page to this resolution (pipeline/image_prep.py).
OCR_TARGET_DPI = 300
# An image smaller than this on a side cannot hold a line of text.
MIN_IMAGE_SIDE = 16


def check_bytes(size: int, media_type: str, path: str, options: Options) -> None:
    limit = options.max_text_bytes if media_type.startswith("text/") else options.max_bytes
    if size > limit:
        kind = "text file" if media_type.startswith("text/") else "file"
        raise LimitExceeded(f"{kind} is {size:,} bytes, over the {limit:,}-byte limit", path=path)


def check_pages(count: int, path: str, options: Options) -> None:
    if count == 0:
        raise LimitExceeded("the document has no pages", path=path)
    if count > options.max_pages:
        raise LimitExceeded(f"{count:,} pages, over the {options.max_pages:,}-page limit", path=path)


def resampled_pixels(width: int, height: int, dpi: float | None) -> int:
    """Pixels of an image once resampled to the OCR resolution, as pipeline/image_prep.py does."""
    if dpi and abs(dpi - OCR_TARGET_DPI) >= 30:
        factor = OCR_TARGET_DPI / dpi
        return int(width * factor) * int(height * factor)
    return width * height


def check_image(width: int, height: int, dpi: float | None, what: str, path: str, options: Options) -> None:
    """An image to OCR: large enough to hold text, and small enough once at the OCR resolution.

    >>> check_image(2480, 3508, 300, "page 1", "a.png", Options())
    >>> check_image(2480, 3508, 1, "page 1", "a.png", Options())
    Traceback (most recent call last):
    ...
    models.errors.LimitExceeded: a.png: page 1 is 2480 × 3508 pixels at 1 dpi: 744,000 × 1,052,400 pixels at 300 dpi, over the 60,000,000-pixel limit
    """
    if min(width, height) < MIN_IMAGE_SIDE:
        raise LimitExceeded(f"{what} is {width} × {height} pixels: too small to hold text", path=path)
    if width * height > options.max_pixels:
        raise LimitExceeded(f"{what} is {width:,} × {height:,} pixels, over the {options.max_pixels:,}-pixel limit",
                            path=path)
    if resampled_pixels(width, height, dpi) > options.max_pixels:
        factor = OCR_TARGET_DPI / dpi
        raise LimitExceeded(f"{what} is {width} × {height} pixels at {round(dpi, 1):g} dpi: {int(width * factor):,} × "
                            f"{int(height * factor):,} pixels at {OCR_TARGET_DPI} dpi, over the "
                            f"{options.max_pixels:,}-pixel limit", path=path)


def check_pdf_page(width_pt: float, height_pt: float, dpi: int, number: int, path: str, options: Options) -> None:
    """A PDF page before it is rendered at ``dpi`` (sizes in points, 72 to the inch).

    >>> check_pdf_page(14400, 14400, 300, 1, "blank.pdf", Options())
    Traceback (most recent call last):
    ...
    models.errors.LimitExceeded: blank.pdf: page 1 is 200 × 200 inches: 60,000 × 60,000 pixels at 300 dpi, over the 60,000,000-pixel limit
    """
    width, height = round(width_pt / 72 * dpi), round(height_pt / 72 * dpi)
    if width * height > options.max_pixels:
        raise LimitExceeded(f"page {number} is {width_pt / 72:.3g} × {height_pt / 72:.3g} inches: {width:,} × "
                            f"{height:,} pixels at {dpi} dpi, over the {options.max_pixels:,}-pixel limit", path=path)
