"""Parties, clauses, notice periods and signatories: the parts of an MOU analysts search by."""
from __future__ import annotations

import pytest

from extractors import clauses, parties, signatories, termination
from extractors.organisations import find_organisations
from pipeline.document import Document


@pytest.mark.parametrize("text, expected", [
    pytest.param("บันทึกข้อตกลง ระหว่าง กรมส่งเสริมการปกครองท้องถิ่น กระทรวงมหาดไทย กับ สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.)",
                 ["กรมส่งเสริมการปกครองท้องถิ่น", "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ"],
                 id="department-with-parent-ministry-and-alias"),
    pytest.param("บันทึกความเข้าใจ ระหว่าง กรมโยธาธิการและผังเมือง มหาวิทยาลัยขอนแก่น และ การไฟฟ้าส่วนภูมิภาค ว่าด้วยความร่วมมือ",
                 ["กรมโยธาธิการและผังเมือง", "มหาวิทยาลัยขอนแก่น", "การไฟฟ้าส่วนภูมิภาค"], id="three-parties"),
    pytest.param("บันทึกข้อตกลง ระหว่าง มหาวิทยาลัยราชภัฏอุดรธานี กับ องค์การบริหารส่วนจังหวัดอุดรธานี เพื่อการพัฒนา",
                 ["มหาวิทยาลัยราชภัฏอุดรธานี", "องค์การบริหารส่วนจังหวัดอุดรธานี"], id="unknown-names-by-prefix"),
    pytest.param("บันทึกความเข้าใจ ระหว่าง กลุ่มจังหวัดภาคใต้ฝั่งอันดามัน (จังหวัดกระบี่ จังหวัดตรัง และจังหวัดระนอง) "
                 "กับ การท่องเที่ยวแห่งประเทศไทย",
                 ["จังหวัดกระบี่", "จังหวัดตรัง", "จังหวัดระนอง", "การท่องเที่ยวแห่งประเทศไทย"],
                 id="group-with-its-members-in-brackets"),
])
def test_parties_between(text, expected):
    assert [c.value for c in parties.from_between(text, 0)] == expected


def test_parties_by_sides_expand_enumerated_provinces():
    text = ("กระทรวงมหาดไทย และจังหวัด/กลุ่มจังหวัด ภาคเหนือตอนบน ๑ และ ๒ รวม ๘ จังหวัด ได้แก่ จังหวัดเชียงใหม่ "
            "จังหวัดลำพูน จังหวัด แม่ฮ่องสอน และจังหวัดน่าน ฝ่ายหนึ่ง และ มหาวิทยาลัยเชียงใหม่ อีกฝ่ายหนึ่ง")
    from pipeline.normalise import normalise_value

    found = [c.value for c in parties.from_sides(normalise_value(text), 0)]
    assert found == ["กระทรวงมหาดไทย", "จังหวัดเชียงใหม่", "จังหวัดลำพูน", "จังหวัดแม่ฮ่องสอน", "จังหวัดน่าน",
                     "มหาวิทยาลัยเชียงใหม่"]


def test_parties_by_sides_skip_representatives():
    text = ('ระหว่าง กรมโยธาธิการและผังเมือง โดย นายชยาวุธ จันทร ตำแหน่ง อธิบดี ซึ่งต่อไปเรียกว่า "กรม" ฝ่ายหนึ่ง '
            'กับ ธนาคารออมสิน โดย นายวิทัย รัตนากร ซึ่งต่อไปเรียกว่า "ธนาคาร" อีกฝ่ายหนึ่ง')
    assert [c.value for c in parties.from_sides(text, 0)] == ["กรมโยธาธิการและผังเมือง", "ธนาคารออมสิน"]


def test_either_party_is_not_a_side():
    text = "ให้ฝ่ายใดฝ่ายหนึ่งแจ้งให้อีกฝ่ายหนึ่งทราบล่วงหน้า"
    assert parties.from_sides(text, 0) == []


def test_organisation_alias():
    org = find_organisations("สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.) ได้")[0]
    assert (org.name, org.alias) == ("สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ", "สสส.")


@pytest.mark.parametrize("text, labels", [
    pytest.param("ข้อ ๑ ก\n\nข้อ ๒ ข\n\nข้อ ๓ ค", ["1", "2", "3"], id="kho-thai-digits"),
    pytest.param("ข้อ 1. ก\n\nข้อ 2. ข", ["1", "2"], id="kho-dotted"),
    pytest.param("(๑) ก\n\n(๒) ข\n\n(๓) ค", ["1", "2", "3"], id="bracketed"),
    pytest.param("๑) ก\n\n๒) ข", ["1", "2"], id="half-bracket"),
    pytest.param("1. ก\n\n2. ข\n\n1.1 ย่อย", ["1", "2"], id="dotted-with-nested-kept-inside"),
    pytest.param("ข้อความนำ\n\n2. ข\n\n3. ค", [], id="run-must-start-at-one"),
])
def test_clause_labels(text, labels, options):
    assert [c.value["label"] for c in clauses.extract(Document.from_text(text), options)] == labels


def test_clause_text_runs_to_the_closing_formula(options):
    doc = Document.from_text("ข้อ 1 ร่วมมือ\n\nข้อ 2 สนับสนุน\n\nตามความเหมาะสม\n\n"
                             "บันทึกข้อตกลงนี้จัดทำขึ้นสองฉบับ มีข้อความถูกต้องตรงกัน")
    found = clauses.extract(doc, options)
    assert found[1].value["text"] == "สนับสนุน ตามความเหมาะสม"


@pytest.mark.parametrize("text, field, days, unit", [
    pytest.param("การยกเลิกข้อตกลง ให้แจ้งอีกฝ่ายทราบล่วงหน้าเป็นลายลักษณ์อักษร เป็นเวลาไม่น้อยกว่าเก้าสิบวัน",
                 "termination_notice", 90, "day", id="number-words-days"),
    pytest.param("ฝ่ายใดประสงค์จะบอกเลิกให้แจ้งล่วงหน้าไม่น้อยกว่า ๓๐ วัน", "termination_notice", 30, "day",
                 id="thai-digits"),
    pytest.param("หากประสงค์จะยกเลิกให้แจ้งเป็นหนังสือล่วงหน้าไม่น้อยกว่าสองสัปดาห์", "termination_notice", 14, "week",
                 id="weeks"),
    pytest.param("การสิ้นสุดบันทึกนี้ต้องแจ้งล่วงหน้า ๓ เดือน", "termination_notice", 90, "month", id="months"),
    pytest.param("บันทึกข้อตกลงนี้มีกำหนดระยะเวลา ๓ ปี นับแต่วันที่ลงนาม", "duration", 1095, "year", id="term-years"),
    pytest.param("มีผลใช้บังคับเป็นระยะเวลาหนึ่งปี", "duration", 365, "year", id="term-words"),
])
def test_periods(text, field, days, unit, options):
    from pipeline.normalise import normalise_value

    found = termination.extract(Document.from_text(normalise_value(text)), options)[field][0].value
    assert (found["days"], found["unit"]) == (days, unit)


def test_effective_from_signing(options):
    found = termination.extract(Document.from_text("บันทึกข้อตกลงนี้มีผลบังคับใช้ตั้งแต่วันที่ลงนามเป็นต้นไป"), options)
    assert found["effective"][0].value == "ตั้งแต่วันที่ลงนามเป็นต้นไป"


@pytest.mark.parametrize("text, name, position", [
    pytest.param("(นายदनัย ยอดนิล)\n\nท้องถิ่นจังหวัดแพร่", "นายดนัย ยอดนิล", "ท้องถิ่นจังหวัดแพร่",
                 id="blank-line-then-position"),
    pytest.param("(ศาสตราจารย์ ดร.พงษ์ศักดิ์ อังกสิทธิ์)\nอธิการบดีมหาวิทยาลัยเชียงใหม่",
                 "ศาสตราจารย์ ดร.พงษ์ศักดิ์ อังกสิทธิ์", "อธิการบดีมหาวิทยาลัยเชียงใหม่", id="academic-titles"),
    pytest.param("(ม.ล.ปนัดดา ดิศกุล)\nผู้ว่าราชการจังหวัดเชียงใหม่/\nหัวหน้ากลุ่มจังหวัดภาคเหนือ\nตอนบน ๑",
                 "ม.ล.ปนัดดา ดิศกุล", "ผู้ว่าราชการจังหวัดเชียงใหม่/หัวหน้ากลุ่มจังหวัดภาคเหนือ ตอนบน 1",
                 id="royal-title-three-line-position"),
    pytest.param("(พลตำรวจเอก สมชาย ใจดี)\nผู้บัญชาการตำรวจแห่งชาติ", "พลตำรวจเอก สมชาย ใจดี",
                 "ผู้บัญชาการตำรวจแห่งชาติ", id="police-rank"),
    pytest.param("(ว่าที่ร้อยตรี สมหมาย ดีงาม) |\nนายอำเภอเมือง", "ว่าที่ร้อยตรี สมหมาย ดีงาม", "นายอำเภอเมือง",
                 id="acting-sub-lieutenant-and-stray-bar"),
])
def test_signatory(text, name, position, options):
    found = signatories.extract(Document.from_text(text), options)
    assert [(c.value["name"], c.value["position"]) for c in found] == [(name, position)]


def test_acting_signatory(options):
    doc = Document.from_text("(นายโชคชัย เตชะธนรัญ)\nรองอธิบดี ปฏิบัติราชการแทน\nอธิบดีกรมส่งเสริมการปกครองท้องถิ่น")
    assert signatories.extract(doc, options)[0].value["acting"] == "ปฏิบัติราชการแทน อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"


def test_signature_table_flattened_to_one_line(options):
    doc = Document.from_text("(นายพระนาย สุวรรณรัฐ)   (ศาสตราจารย์ ดร.พงษ์ศักดิ์ อังกสิทธิ์)")
    assert [c.value["name"] for c in signatories.extract(doc, options)] == [
        "นายพระนาย สุวรรณรัฐ", "ศาสตราจารย์ ดร.พงษ์ศักดิ์ อังกสิทธิ์"]


def test_witness_is_marked(options):
    doc = Document.from_text("ลงชื่อ พยาน\n(นางสาวกนกพร ศรีสุข)\nผู้อำนวยการกอง")
    assert signatories.extract(doc, options)[0].value["witness"] is True


def test_name_inside_a_sentence_is_not_a_signatory(options):
    doc = Document.from_text("การแถลงนโยบายของรัฐบาล (นางสาวยิ่งลักษณ์ ชินวัตร) ต่อรัฐสภา")
    assert signatories.extract(doc, options) == []


@pytest.mark.parametrize("text, renewal", [
    pytest.param("เมื่อครบกำหนดแล้วให้ต่ออายุบันทึกข้อตกลงนี้ออกไปโดยอัตโนมัติคราวละ ๑ ปี",
                 "ให้ต่ออายุบันทึกข้อตกลงนี้ออกไปโดยอัตโนมัติคราวละ 1 ปี", id="automatic"),
    pytest.param("และให้ขยายเวลาออกไปคราวละ ๒ ปี", "ขยายเวลาออกไปคราวละ 2 ปี", id="extension"),
])
def test_renewal(text, renewal, options):
    from pipeline.normalise import normalise_value

    found = termination.extract(Document.from_text(normalise_value(text)), options)
    assert found["renewal"][0].value == renewal


def test_term_after_a_notice_is_a_term_not_a_second_notice(options):
    doc = Document.from_text("ข้อ 2 หากฝ่ายใดประสงค์จะยกเลิกให้แจ้งล่วงหน้าไม่น้อยกว่า 30 วัน\n\n"
                             "ข้อ 3 บันทึกนี้มีกำหนดระยะเวลา 3 ปี นับแต่วันที่ลงนาม")
    found = termination.extract(doc, options)
    assert [c.value["days"] for c in found["termination_notice"]] == [30]
    assert [c.value["days"] for c in found["duration"]] == [1095]


def test_number_word_inside_another_word_is_not_a_period(options):
    doc = Document.from_text("ยกเลิกได้เมื่อดำเนินการให้แล้วเสร็จเรียบร้อยภายในสามเดือน ล่วงหน้า")
    assert "termination_notice" not in termination.extract(doc, options)


def test_unknown_name_keeps_words_that_contain_connectives():
    names = [o.name for o in find_organisations("สำนักงานที่ดินจังหวัดแพร่ และมหาวิทยาลัยเชียงใหม่ตกลง ")]
    assert names == ["สำนักงานที่ดินจังหวัดแพร่", "มหาวิทยาลัยเชียงใหม่"]


def test_long_unspaced_run_after_a_group_name_is_fast():
    import time

    started = time.perf_counter()
    find_organisations("กลุ่มจังหวัด" + "ก" * 2000 + " 1")
    assert time.perf_counter() - started < 0.5


def test_closing_formula_naming_witnesses_does_not_make_the_signer_one(options):
    doc = Document.from_text("จึงได้ลงลายมือชื่อไว้เป็นสำคัญต่อหน้าพยาน\n\n(นายสมชาย ใจดี)\nอธิการบดี")
    assert signatories.extract(doc, options)[0].value["witness"] is False
