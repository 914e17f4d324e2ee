"""The OCR path on a rendered scan of an official letter (data/raw, office-scanner quality)."""
from __future__ import annotations

import pytest

from extractors.process import process_document
from models.errors import OcrTimeout
from models.options import Options
from pipeline.ocr import align_words, ocr_image
from pipeline.tesseract import Box, Word
from tests.conftest import RAW

SCAN = RAW / "scan_002_dfd2a0fd8d76cdea-p01.png"


@pytest.fixture(scope="module")
def scanned_letter():
    return process_document(SCAN, Options())


@pytest.mark.ocr
def test_scanned_letter_reads_as_a_letter(scanned_letter):
    record = scanned_letter
    assert record.source.media_type == "image/png" and record.source.text_method == "ocr"
    assert 0.5 < record.source.ocr_confidence <= 1
    assert record.doc_type == "external_letter"
    assert record.to == "ผู้ว่าราชการจังหวัด ทุกจังหวัด"
    assert record.issuer == "กรมส่งเสริมการปกครองท้องถิ่น"
    assert record.subject.startswith("ขอความร่วมมือประชาสัมพันธ์บันทึกข้อตกลงความร่วมมือการส่งเสริม")
    assert record.number.agency_code == "มท" and record.number.circular
    # Tesseract alone reads these digits as "๐๕๕๑.๓/ว ๒๕๕๒๐" and "ฆ จันวาคม": the digit reader fixes them.
    assert record.number.value == "มท 0891.3/ว 2556"
    assert record.date == "2013-12-07"
    assert [p.name for p in record.signatories] == ["นายโชคชัย เตชะธนรัญ"]


@pytest.mark.ocr
def test_ocr_confidence_reaches_field_provenance(scanned_letter):
    evidence = scanned_letter.provenance["/to"]
    assert evidence.text.startswith("ผู้ว่าราชการจังหวัด") and evidence.page == 1
    # the rule's 0.95 scaled by the words' OCR confidence: below the rule, above a guess
    assert 0.5 < evidence.confidence < 0.95


@pytest.mark.ocr
def test_ocr_timeout_is_a_typed_error():
    from PIL import Image

    with pytest.raises(OcrTimeout, match="longer than"):
        ocr_image(Image.open(SCAN), Options(ocr_timeout_s=0.01), label=str(SCAN))


def test_align_words_skips_words_missing_from_text():
    def word(text: str, confidence: float) -> Word:
        return Word(text, Box(0, 0, 9, 9), confidence, 0, "tha")

    words = align_words("กรม แพร่\n", [word("กรม", 0.9), word("XYZ", 0.1), word("แพร่", 0.8)])
    assert [(w.start, w.end) for w in words] == [(0, 3), (4, 8)]


def test_align_words_keeps_its_place_past_wide_gaps():
    words = [Word(text, Box(0, 0, 9, 9), 0.9, 0, "tha") for text in ("ระหว่าง", ":", "กรม")]
    aligned = align_words("ระหว่าง" + " " * 40 + ":" + " " * 40 + "กรม\n", words)
    assert [w.end - w.start for w in aligned] == [7, 1, 3]


def test_a_crop_too_small_to_read_again_keeps_the_first_reading():
    import numpy as np

    from pipeline.ocr import read_again_in_thai

    assert read_again_in_thai(np.full((4, 4), 255, np.uint8), Box(1, 1, 2, 2), 300, 8, Options(), "x") is None
