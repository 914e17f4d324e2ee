"""Reading every supported kind of file, choosing text layer or OCR per page, and failing clearly."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from extractors.process import process_document
from models.errors import DecodeError, InputError, UnsupportedMediaType
from pipeline.ingest import read_document
from pipeline.pdf import text_layer_problem
from tests.conftest import RAW, RESOURCES, THAI_FONT

LETTER_LINES = ["ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖", "กรมส่งเสริมการปกครองท้องถิ่น", "๗ ธันวาคม ๒๕๕๖",
                "เรื่อง ขอความร่วมมือประชาสัมพันธ์", "เรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด"]


def shaped_pdf(path: Path, pages: list[list[str] | Path]) -> Path:
    """A PDF whose Thai text layer is HarfBuzz-shaped (as office suites write it); Path items are image pages."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Laksaman", fname=str(THAI_FONT))
    pdf.set_font("Laksaman", size=16)
    pdf.set_text_shaping(True)
    for page in pages:
        pdf.add_page()
        if isinstance(page, Path):
            pdf.image(str(page), x=0, y=0, w=210, h=297)
            continue
        for line in page:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_legacy_tis620_text_is_decoded():
    raw = read_document(RESOURCES / "legacy_tis620.txt", options=None)
    assert "ส่วนราชการ สำนักงานจังหวัดเชียงราย" in raw.pages[0].text


def test_html_menus_and_footer_dropped(options):
    raw = read_document(RESOURCES / "news_page.html", options)
    text = raw.pages[0].text
    assert raw.media_type == "text/html"
    assert "# กรมการพัฒนาชุมชนลงนามบันทึกข้อตกลงกับธนาคารออมสิน" in text
    assert "เกี่ยวกับเรา" not in text and "สงวนลิขสิทธิ์" not in text and "var x" not in text


def test_markdown_saved_as_txt_is_read_as_markdown(options):
    raw = read_document(RAW / "001_71b21bc37a9587b7.txt", options)
    assert "- โครงการพัฒนาเขตปลอดอากร (Duty Free) ของกลุ่มจังหวัด" in raw.pages[0].text
    assert "<li>" not in raw.pages[0].text


@pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman not installed")
def test_pdf_text_layer_is_read_without_ocr(tmp_path, options):
    record = process_document(shaped_pdf(tmp_path / "letter.pdf", [LETTER_LINES]), options)
    assert record.source.text_method == "pdf_text"
    assert record.number.value == "มท 0891.3/ว 2556"
    assert record.date == "2013-12-07"
    assert record.to == "ผู้ว่าราชการจังหวัด ทุกจังหวัด"


@pytest.mark.ocr
@pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman not installed")
def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path, options):
    scan = RAW / "scan_002_dfd2a0fd8d76cdea-p01.png"
    small = tmp_path / "scan.jpg"
    Image.open(scan).convert("L").save(small, quality=85)
    record = process_document(shaped_pdf(tmp_path / "mixed.pdf", [LETTER_LINES, small]), options)
    assert record.source.text_method == "mixed"
    assert record.source.pages == 2
    assert 0 < record.source.ocr_confidence <= 1
    assert any("page 2: no text layer; OCR used" in w for w in record.warnings)


@pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman not installed")
def test_a_scanned_page_gives_its_own_pixels_other_pages_are_rendered(tmp_path):
    import pypdfium2 as pdfium

    from pipeline.pdf import page_image, scanned_image

    scan = Image.open(RAW / "scan_002_dfd2a0fd8d76cdea-p01.png").convert("L").resize((1240, 1754))
    scan.save(tmp_path / "scan.jpg", quality=85)
    document = pdfium.PdfDocument(str(shaped_pdf(tmp_path / "mixed.pdf", [LETTER_LINES, tmp_path / "scan.jpg"])))
    letter, scanned = document[0], document[1]
    assert scanned_image(letter) is None
    assert page_image(letter, 200).size == (1654, 2339)  # A4 rendered at 200 dpi
    pixels = scanned_image(scanned)
    assert pixels.size == (1240, 1754) and pixels.info["dpi"] == (150, 150)  # the JPEG as placed: 150 dpi


@pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman not installed")
def test_a_scan_with_pixels_not_square_is_rendered(tmp_path):
    """A fax (204 × 98 dpi) placed on an A4 page: its own pixels would come out squashed."""
    import pypdfium2 as pdfium

    from pipeline.pdf import page_image, scanned_image

    Image.new("L", (1687, 1146), 255).save(tmp_path / "fax.png")
    document = pdfium.PdfDocument(str(shaped_pdf(tmp_path / "fax.pdf", [tmp_path / "fax.png"])))
    assert scanned_image(document[0]) is None
    width, height = page_image(document[0], 100).size  # A4 rendered at 100 dpi
    assert width == 827 and height in (1169, 1170)


@pytest.mark.parametrize("text, problem", [
    pytest.param("", "no text layer", id="empty"),
    pytest.param("\ue001" * 30 + "กรม" * 10, "private-use", id="unknown-private-use-glyphs"),
    pytest.param("ก ่ ข ้ ค ่ ง ้ " * 10, "Thai spelling forbids", id="scattered-marks"),
])
def test_unusable_text_layer_is_detected(text, problem, options):
    assert problem in (text_layer_problem(text, options) or "")


def test_usable_text_layer_passes(options):
    assert text_layer_problem("กรมส่งเสริมการปกครองท้องถิ่น ขอความร่วมมือประชาสัมพันธ์", options) is None


@pytest.mark.parametrize("name, content, error, reason", [
    pytest.param("empty.txt", b"  \n", InputError, "file is empty", id="empty"),
    pytest.param("table.xlsx", b"PK\x03\x04", UnsupportedMediaType, "unsupported file type", id="unsupported"),
    pytest.param("binary.txt", bytes(range(128, 256)) * 4, DecodeError, "not UTF-8", id="undecodable"),
    pytest.param("broken.pdf", b"%PDF-1.4 broken", InputError, "cannot open PDF", id="broken-pdf"),
    pytest.param("broken.png", b"\x89PNG\r\n\x1a\nbroken", InputError, "cannot read image", id="broken-image"),
])
def test_bad_input_names_file_and_reason(tmp_path, options, name, content, error, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        read_document(path, options)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def test_missing_file(options, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nothing.txt", options)
