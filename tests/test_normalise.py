"""Each normalisation rule on real Thai cases, and properties every rule must keep."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline import normalise as n


@pytest.mark.parametrize("rule, raw, expected", [
    pytest.param(n.repair_sara_am, "ส\u0e4dานักงาน", "สำนักงาน", id="nikhahit-sara-aa"),
    pytest.param(n.repair_sara_am, "น\u0e4d\u0e49า", "น\u0e49\u0e33", id="sara-am-with-tone-between"),
    pytest.param(n.remove_zero_width, "กรม\u200bส่งเสริม\ufeff", "กรมส่งเสริม", id="zero-width"),
    pytest.param(n.replace_lookalikes, "(นายदनัย ยอดนิล)", "(นายดนัย ยอดนิล)", id="devanagari-in-name"),
    pytest.param(n.replace_lookalikes, "ROC दन", "ROC दन", id="devanagari-alone-untouched"),
    pytest.param(n.replace_lookalikes, "ສຳນັກ", "ສຳນັກ", id="lao-word-alone-untouched"),
    pytest.param(n.replace_lookalikes, "กຣม", "กรม", id="lao-letter-inside-thai"),
    pytest.param(n.thai_digits_to_arabic, "ที่ พร ๐๐๗๗.๓/ว ๕๑๐", "ที่ พร 0077.3/ว 510", id="thai-digits-circular"),
    pytest.param(n.remove_space_before_marks, "ท ้องถิ ่น", "ท้องถิ่น", id="space-before-marks"),
    pytest.param(n.map_private_use_glyphs, "ที\uf70a", "ที่", id="pua-tone-mark"),
    pytest.param(n.drop_orphan_marks, "ที มท 2556 \u0e48", "ที มท 2556 ", id="orphan-mark"),
    pytest.param(n.remove_page_numbers, "ก\n- ๒ -\nข", "ก\nข", id="page-number-thai-digits"),
    pytest.param(n.remove_page_numbers, "ก\nหน้า 2/5\nข", "ก\nข", id="page-number-words"),
    pytest.param(n.catchwords_to_page_breaks, "ต่อไป\nจาก...\nจากผลสำเร็จ", "ต่อไป\n\f\nจากผลสำเร็จ", id="catchword"),
    pytest.param(n.catchwords_to_page_breaks, "ทั้งนี้ ขอให้ดำเนินการ...", "ทั้งนี้ ขอให้ดำเนินการ...",
                 id="sentence-ending-in-dots-is-not-a-catchword"),
    pytest.param(n.collapse_spaces, "เรียน\t ผู้ว่าราชการ\u00a0จังหวัด", "เรียน ผู้ว่าราชการ จังหวัด", id="spaces"),
    pytest.param(n.pythainlp_rules, "เเละ", "และ", id="double-sara-e"),
])
def test_rule(rule, raw, expected):
    assert rule(raw)[0] == expected


def test_normalise_keeps_offsets_back_to_raw():
    raw = "ที่ พร ๐๐๗๗.๓/ว ๕๑๐\nวันที่\u200b ๑๑ ตุลาคม ๒๕๕๕"
    result = n.normalise(raw)
    start = result.text.index("11 ตุลาคม 2555")
    raw_start, raw_end = result.raw_span(start, start + len("11 ตุลาคม 2555"))
    assert raw[raw_start:raw_end] == "๑๑ ตุลาคม ๒๕๕๕"


thai_text = st.text(alphabet=st.sampled_from(list("กขคงจดตนบปมยรลวสหอะาิีุูเแโ่้ํ๑๒๓๐ /.\n\u200b\t")),
                    max_size=80)


@given(st.text(alphabet="กขคab ", max_size=40))
def test_substitute_writes_what_re_sub_writes_and_maps_unchanged_letters_to_themselves(text):
    import re

    pattern = re.compile(r"[ab]+|ก+")
    replace = lambda m: "X" if m.group().startswith("a") else m.group()  # "ก…" and "b…" come back as they were
    new, offsets = n.substitute(text, pattern, replace)
    assert new == pattern.sub(replace, text)
    assert len(offsets) == len(new) + 1 and offsets[-1] == len(text)
    if "a" not in text:
        assert new is text  # nothing changed: normalise() skips composing this rule's offsets
    kept = [i for i, char in enumerate(new) if char != "X"]
    assert all(text[offsets[i]] == new[i] for i in kept)


@settings(max_examples=200, deadline=None)
@given(thai_text)
@example("ก่ิ่ํ")  # PyThaiNLP's normaliser left a doubled tone mark for a second pass to remove
def test_normalise_is_idempotent(text):
    once = n.normalise(text).text
    assert n.normalise(once).text == once


@settings(max_examples=200, deadline=None)
@given(thai_text)
def test_offset_map_is_monotonic_and_in_range(text):
    result = n.normalise(text)
    assert len(result.to_raw) == len(result.text) + 1
    assert all(a <= b for a, b in zip(result.to_raw, result.to_raw[1:]))
    assert result.to_raw[-1] <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙/.", min_size=1, max_size=30))
def test_digits_and_slashes_never_dropped(text):
    out = n.normalise(text).text
    assert sum(c.isdigit() for c in out) == sum(c.isdigit() for c in text)
    assert out.count("/") == text.count("/")


@given(st.integers(min_value=0, max_value=10**9))
def test_thai_arabic_digit_round_trip(number):
    from pythainlp.util import arabic_digit_to_thai_digit

    assert n.thai_digits_to_arabic(arabic_digit_to_thai_digit(str(number)))[0] == str(number)


def mixed_document(pages: list[tuple[str, str]]):
    from pipeline.document import Document
    from pipeline.pages import PageText, RawDocument

    return Document(RawDocument(path="mixed.pdf", sha256="", media_type="application/pdf",
                                pages=[PageText(text, method) for text, method in pages]))


def test_ocr_repairs_touch_only_the_pages_read_by_ocr():
    doc = mixed_document([("เรือง ชื่อบุคคลในสมุดทะเบียน", "pdf_text"), ("เรือง ขอความร่วมมือ", "ocr")])
    first, second = doc.text.split(n.PAGE_BREAK)
    assert first.strip() == "เรือง ชื่อบุคคลในสมุดทะเบียน"
    assert second.strip() == "เรื่อง ขอความร่วมมือ"
    start = doc.text.index("ขอความร่วมมือ")
    raw_start, raw_end = doc.raw_span(start, start + len("ขอความร่วมมือ"))
    assert doc.raw_text[raw_start:raw_end] == "ขอความร่วมมือ"
    assert doc.page_of(start) == 2


@settings(max_examples=100, deadline=None)
@given(st.lists(thai_text, min_size=1, max_size=4))
def test_a_document_read_wholly_by_ocr_is_repaired_as_one_text(pages):
    from pipeline.document import DOCUMENT_RULES
    from pipeline.ocr_repair import OCR_RULES

    doc = mixed_document([(page, "ocr") for page in pages])
    whole = n.normalise(doc.raw_text, DOCUMENT_RULES + OCR_RULES)
    assert (doc.text, doc.normalised.to_raw) == (whole.text, whole.to_raw)


def test_a_scanned_signer_whose_honorific_and_vowel_were_misread_is_read_as_printed():
    from extractors import signatories
    from models.options import Options

    text = "ขอแสดงความนับถือ\n\n(ผายวีนัย บัวประดิษฐ์)\nผู้ว่าราชการจังหวัดพัทลุง"
    doc = mixed_document([(text, "ocr")])
    assert [c.value["name"] for c in signatories.extract(doc, Options())] == ["นายวินัย บัวประดิษฐ์"]
    typed = mixed_document([(text, "pdf_text")])
    assert signatories.extract(typed, Options()) == []  # a text layer is taken as it is


def test_a_signature_table_set_out_with_no_break_spaces_reads_as_with_plain_ones():
    """Web pages and Word files set columns apart with U+00A0: the two signers stay two."""
    from extractors.signatories import extract as signatories
    from models.options import Options
    from pipeline.document import Document

    table = ("ลงชื่อ ..........................    ลงชื่อ ..........................\n"
             "   (นายสมชาย ใจดี)                    (นางสาวสมหญิง รักงาน)\n"
             "   อธิการบดีมหาวิทยาลัยขอนแก่น              นายกเทศมนตรีนครขอนแก่น\n")
    plain, no_break = (signatories(Document.from_text(text), Options()) for text in (table, table.replace(" ", "\u00a0")))
    positions = [s.value.get("position") for s in plain]
    assert positions == ["อธิการบดีมหาวิทยาลัยขอนแก่น", "นายกเทศมนตรีนครขอนแก่น"]
    assert [s.value.get("position") for s in no_break] == positions


LETTER_LINES = ["ที่ มท 0810.3/ว 1234", "กรมส่งเสริมการปกครองท้องถิ่น", "ถนนนครราชสีมา กทม. 10300",
                "12 มีนาคม 2567", "เรื่อง ขอความร่วมมือประชาสัมพันธ์บันทึกข้อตกลงความร่วมมือ",
                "เรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด", "ด้วยกรมส่งเสริมการปกครองท้องถิ่นได้ลงนาม",
                "จึงเรียนมาเพื่อโปรดพิจารณา", "ขอแสดงความนับถือ", "(นายโชคชัย เตชะธนรัญ)", "รองอธิบดี รักษาการแทน",
                "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"]


def test_a_double_spaced_letter_reads_as_its_single_spaced_copy():
    """A blank line after every line (a PDF or Word copy) no longer cuts the signer's position."""
    from extractors.signatories import extract as signatories
    from models.options import Options
    from pipeline.document import Document

    single, double = ("\n".join(LETTER_LINES), "\n\n".join(LETTER_LINES))
    assert n.is_double_spaced(double) and not n.is_double_spaced(single)
    positions = [[s.value["position"] for s in signatories(Document.from_text(text), Options())] for text in (single, double)]
    assert positions[0] == positions[1] == ["รองอธิบดี รักษาการแทน อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"]


def test_a_web_page_of_one_paragraph_a_line_is_not_double_spaced():
    paragraph = "คณะกรรมการนโยบายการบริหารงานจังหวัดและกลุ่มจังหวัดแบบบูรณาการ กำหนดนโยบายและระบบในการบริหารงาน" * 2
    assert not n.is_double_spaced("\n\n".join([paragraph] * 10))
