"""Pages as a reviewer sees them: word boxes from a PDF's text layer land where the words are printed."""
from __future__ import annotations

import pytest

from extractors.process import process_document
from models.review import evidence_boxes
from pipeline.page_images import page_grey, page_picture, raw_text, read_page_boxes
from tests.conftest import THAI_FONT
from tests.test_ingest import LETTER_LINES, shaped_pdf


@pytest.mark.skipif(not THAI_FONT.exists(), reason="fonts-tlwg-laksaman not installed")
def test_text_layer_words_have_boxes_where_they_are_printed(tmp_path, options):
    path = shaped_pdf(tmp_path / "letter.pdf", [LETTER_LINES])
    raw, [page] = read_page_boxes(str(path), options)
    assert page.method == "pdf_text" and page.words
    text = raw_text(raw)
    assert all(not text[s:e].isspace() and " " not in text[s:e] for s, e, *_ in page.words)
    record = process_document(path, options)
    evidence = record.provenance["/number"]
    [(number, box)] = evidence_boxes([page], evidence.raw_start, evidence.raw_end)
    left, top, width, height = box
    assert number == 1 and 0 <= left < page.width / 4 and 0 <= top < page.height / 8 and width > height > 0
    grey = page_grey(str(path), raw.media_type, 0, page.method, options)
    assert grey.shape == (page.height, page.width)
    # The box frames ink: its pixels are darker than the page around it.
    assert grey[top:top + height, left:left + width].mean() < grey.mean() - 5
    jpeg, scale = page_picture(str(path), raw.media_type, 0, page.method, options, max_width=600)
    assert jpeg[:2] == b"\xff\xd8" and scale == pytest.approx(600 / page.width, rel=0.01)
