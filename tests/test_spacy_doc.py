"""The segmented document as a spaCy Doc: its text is the normalised text, its tokens saraban's
words, and the record's values labelled spans on it; ``extract --spacy`` writes them as a DocBin."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from extractors.process import extract_with_text, value_spans
from pipeline.segment import spacy_doc, words

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "002_dfd2a0fd8d76cdea.txt"


def test_doc_text_and_tokens_are_the_normalised_text_and_its_words():
    extracted = extract_with_text(SAMPLE)
    doc = spacy_doc(extracted.text, value_spans(extracted.record))
    assert doc.text == extracted.text
    assert [t.text for t in doc if not t.is_space] == [w for w in words(extracted.text) if w.strip()]


def test_every_value_with_a_span_is_a_labelled_span_on_the_same_characters():
    extracted = extract_with_text(SAMPLE)
    doc = spacy_doc(extracted.text, value_spans(extracted.record))
    labelled = {(s.label_, s.text) for s in doc.spans["saraban"]}
    number = extracted.record.provenance["/number"]
    assert ("number", extracted.text[number.start:number.end]) in labelled
    assert "signatories" in {label for label, _ in labelled}
    assert len(doc.spans["saraban"]) == len(value_spans(extracted.record))


def test_extract_writes_a_docbin(tmp_path):
    out = tmp_path / "out.spacy"
    subprocess.run([sys.executable, "-m", "flows.cli", "extract", str(SAMPLE), "--spacy", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("th").vocab))
    assert len(docs) == 1 and {s.label_ for s in docs[0].spans["saraban"]} >= {"number", "date", "subject"}
