"""The line-role classifier: line roles read off gold records, a small model trained on some real
documents and scored on others it never saw, and the opt-in path that lets it trim subjects."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.line_roles import gold_line_roles, record_line_roles, training_examples
from extractors.process import extract_with_text
from models.options import Options
from pipeline.document import Document
from pipeline.ingest import read_document
from pipeline.line_roles import ROLES, LineRoleModel

TUNE = Path(__file__).resolve().parent / "real" / "tune"

LETTER = """ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖
                                        กรมส่งเสริมการปกครองท้องถิ่น
                                        ๑๑ ตุลาคม ๒๕๕๕
เรื่อง  ขอเชิญประชุมเชิงปฏิบัติการ
        ด้านการจัดการขยะ
เรียน  ผู้ว่าราชการจังหวัด ทุกจังหวัด

        ด้วยนายสมชาย ใจดี ได้แจ้งว่า ...

                    (นายสมชาย ใจดี)
                    อธิบดีกรมส่งเสริมการปกครองท้องถิ่น
"""
GOLD = {"number": {"value": "มท 0891.3/ว 2556"}, "date": "2012-10-11",
        "subject": "ขอเชิญประชุมเชิงปฏิบัติการ ด้านการจัดการขยะ", "to": "ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        "signatories": [{"name": "นายสมชาย ใจดี", "position": "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"}]}


def test_gold_values_give_their_lines_their_roles():
    doc = Document.from_text(LETTER)
    roles = gold_line_roles(doc, GOLD)
    assert {role: roles.positive[role] for role in ROLES} == {
        "number": {0}, "date": {2}, "subject": {3, 4}, "addressee": {5}, "signature_name": {9},
        "signature_position": {10}, "clause_start": set(), "clause_body": set()}
    # the signer's name in the body (line 7) is another copy: neither a signature line nor a wrong one
    assert roles.unknown["signature_name"] == {7} and "signature_name" not in roles.of_line(7)
    assert {"clause_start", "clause_body"} <= roles.unscored  # the gold says nothing of clauses
    assert "clause_start" not in roles.of_line(0) and roles.of_line(0)["number"] == 1.0


def test_clauses_without_blank_lines_give_a_start_line_and_body_lines():
    doc = Document.from_text("ข้อ ๑ ระเบียบนี้เรียกว่า\nระเบียบกรม ก\nข้อ ๒ ให้ใช้บังคับ\nตั้งแต่วันนี้")
    roles = gold_line_roles(doc, {"clauses": [{"label": "1", "text": "ระเบียบนี้เรียกว่า ระเบียบกรม ก"},
                                              {"label": "2", "text": "ให้ใช้บังคับ ตั้งแต่วันนี้"}]})
    assert roles.positive["clause_start"] == {0, 2} and roles.positive["clause_body"] == {1, 3}


def test_the_rules_roles_are_where_their_evidence_stands():
    extracted = extract_with_text(TUNE / "docs" / "m001_circ-opm-infoact-2567.txt")
    doc = Document(read_document(TUNE / "docs" / "m001_circ-opm-infoact-2567.txt", Options()))
    rules = record_line_roles(doc, extracted.record)
    number = extracted.record.provenance["/number"]
    assert rules["number"] == {doc.line_at(number.start).index}


def _samples(stems: list[str]) -> list[tuple[Document, object]]:
    out = []
    for stem in stems:
        doc = Document(read_document(TUNE / "docs" / f"{stem}.txt", Options()))
        out.append((doc, gold_line_roles(doc, json.loads((TUNE / "gold" / f"{stem}.json").read_text("utf-8")))))
    return out


@pytest.fixture(scope="module")
def split():
    stems = sorted(p.stem for p in (TUNE / "gold").glob("*.json"))
    held = [s for s in stems if s.startswith(("m003", "m016", "r006", "r014"))]
    return _samples([s for s in stems if s not in held]), _samples(held)


@pytest.fixture(scope="module")
def model(split):
    training, _ = split
    return LineRoleModel.train([e for doc, roles in training for e in training_examples(doc, roles)], epochs=10)


def test_a_small_model_finds_the_roles_of_documents_it_never_saw(split, model):
    """Trained on 25 real documents, scored on 4 others: well above a model that says no role
    (recall 0) or one that says every role (precision = the share of lines with the role)."""
    _, held = split
    tp = fp = fn = 0
    found_roles = set()
    for doc, gold in held:
        predicted = model.roles(doc)
        for role in ROLES:
            if role in gold.unscored:
                continue
            scored = set(predicted) - gold.unknown[role]
            said = {i for i in scored if role in predicted[i]}
            tp += len(said & gold.positive[role])
            fp += len(said - gold.positive[role])
            fn += len((gold.positive[role] & scored) - said)
            found_roles |= {role} if said & gold.positive[role] else set()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision > 0.7 and recall > 0.4, (precision, recall)  # labels shuffled: 0 and 0
    assert {"number", "date", "subject", "addressee", "clause_start"} <= found_roles


def test_a_saved_model_trims_a_subject_through_the_options(tmp_path, model):
    model.to_disk(tmp_path / "line_roles")
    path = TUNE / "docs" / "m003_circ-dga-techforgov-2568.txt"
    with_model = extract_with_text(path, Options(line_role_model=tmp_path / "line_roles")).record
    rules = extract_with_text(path).record
    assert with_model.subject and with_model.subject in rules.subject
    assert LineRoleModel.from_disk(tmp_path / "line_roles").scores([["#top0"]])[0].keys() == set(ROLES)
