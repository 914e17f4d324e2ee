"""Real agency PDFs (tests/real_pdf): each page's text layer judged as a reader judged it, and no
record left empty without a warning.

The layer kinds in ``tests/real_pdf/layers.json`` were decided by reading each PDF's text layer
against the rendered page, not by saraban. Judging every page of all twenty PDFs takes a second;
reading them whole means OCR (about ten seconds a page), so the record test runs on three short
PDFs, one of each kind: the whole set is ``benchmarks/real_pdf.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.process import extract_with_text
from pipeline.pdf import repair_text_layer
from pipeline.text_layer_judge import judge

YARDSTICK = Path(__file__).parent / "real_pdf"
LAYERS: dict[str, str] = json.loads((YARDSTICK / "layers.json").read_text(encoding="utf-8"))
PDFS = {path.stem: path for path in sorted(YARDSTICK.glob("*/docs/*.pdf"))}
# the decision every page of a PDF of each kind must get
EXPECTED = {"glyph_soup": "ocr", "no_text_layer": "ocr", "split_sara_am": "repaired"}


def text_layers(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def test_every_pdf_has_its_layer_kind_and_gold():
    assert set(PDFS) == set(LAYERS)
    for stem, path in PDFS.items():
        assert (path.parent.parent / "gold" / f"{stem}.json").is_file(), stem


@pytest.mark.parametrize("stem", sorted(LAYERS))
def test_each_page_is_decided_as_its_layer_deserves(stem, options):
    decisions = [judge(repair_text_layer(text), n + 1, options).decision
                 for n, text in enumerate(text_layers(PDFS[stem]))]
    assert decisions == [EXPECTED[LAYERS[stem]]] * len(decisions)


def is_empty(record) -> bool:
    return not any([record.number, record.date, record.subject, record.to, record.issuer,
                    record.signatories, record.clauses, record.agreements])


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.parametrize("stem", ["pb01_ann-namyuen-result-health-2560",   # glyph soup over a scan
                                  "ps08_circ-phatthalung-culture-2558",    # a scan, no text layer
                                  "pb13_note-phatthalung-livestock-2558"])  # sara am split by a Word export
def test_a_real_pdf_gives_fields_or_says_why_not(stem, options):
    record = extract_with_text(str(PDFS[stem]), options).record
    assert not is_empty(record) or record.warnings
    decisions = [page.decision for page in record.source.pages_detail]
    assert decisions == [EXPECTED[LAYERS[stem]]] * record.source.pages
    if LAYERS[stem] != "split_sara_am":
        assert record.source.text_method == "ocr"
        assert all("OCR used" in warning for warning in record.warnings if warning.startswith("page "))
