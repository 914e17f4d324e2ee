"""Document numbers, doc types and labelled header fields of letters and memos."""
from __future__ import annotations

import pytest

from extractors import doc_type, document_number, header_fields
from extractors.assemble import best
from pipeline.document import Document


@pytest.mark.parametrize("line, value, code, circular", [
    pytest.param("ที่ มท 0808.2/ว 5232", "มท 0808.2/ว 5232", "มท", True, id="circular"),
    pytest.param("ที่ มท 0808.2/ ว 4044", "มท 0808.2/ว 4044", "มท", True, id="space-after-slash"),
    pytest.param("ที่ มท0310.1/ว4", "มท 0310.1/ว 4", "มท", True, id="no-spaces"),
    pytest.param("ที่ กห ๐๓๐๑.๑๐.๑/๒๖๐", "กห 0301.10.1/260", "กห", False, id="thai-digits-not-circular"),
    pytest.param("ที่ อว ๐๖๐๓(๔)/ว ๕๖", "อว 0603(4)/ว 56", "อว", True, id="bracketed-sub-office"),
    pytest.param("ที่ 123/2564", "123/2564", None, False, id="order-number"),
    pytest.param("ที มท ๐๘๙๑.๓/ว ๒๕๕๖", "มท 0891.3/ว 2556", "มท", True, id="ocr-dropped-mai-ek"),
    pytest.param("ท อบ 0033.001.09/32914", "อบ 0033.001.09/32914", "อบ", False, id="ocr-dropped-sara-i-and-mai-ek"),
    pytest.param("กค 0402.2/ ว 15 วันที่ 28 ก.ย. 64", "กค 0402.2/ว 15", "กค", True, id="ocr-lost-the-label"),
])
def test_document_number(line, value, code, circular, options):
    found = best(document_number.extract(Document.from_text(line), options)).value
    assert (found["value"], found["agency_code"], found["circular"]) == (value, code, circular)


def test_unknown_agency_code_is_less_certain(options):
    found = best(document_number.extract(Document.from_text("ที่ ฮฮ 0001/ว 1"), options))
    assert found.value["agency"] is None and found.rule == "number.unknown_code" and found.confidence < 0.9


def test_a_line_opening_with_an_unknown_code_is_no_number_without_its_label(options):
    assert not document_number.extract(Document.from_text("ฮฮ 0402.2/ ว 15"), options)


def test_number_not_taken_from_body(options):
    text = "เรียน ผู้ว่าราชการจังหวัด\n\n" + "ด้วยเหตุผลบางประการ\n" * 45 + "ที่ มท 0808.2/ว 5232"
    assert document_number.extract(Document.from_text(text), options) == []


@pytest.mark.parametrize("text, expected", [
    pytest.param("บันทึกข้อความ\nส่วนราชการ กอง\nที่ มท 0001/ว 1\nวันที่ 1 มกราคม 2564\nเรื่อง ก\nเรียน ข",
                 "memo", id="memo"),
    pytest.param("ที่ มท 0001/ว 1\n\nกรมการปกครอง\n\n1 มกราคม 2564\n\nเรื่อง ก\n\nเรียน ข\n\nขอแสดงความนับถือ",
                 "external_letter", id="external-letter"),
    pytest.param("คำสั่งกรมการปกครอง\nที่ 12/2564\nเรื่อง แต่งตั้ง\n\nสั่ง ณ วันที่ 1 มกราคม 2564", "order", id="order"),
    pytest.param("ประกาศกระทรวงมหาดไทย\nเรื่อง ก\n\nประกาศ ณ วันที่ 1 มกราคม 2564", "announcement",
                 id="announcement"),
    pytest.param("ระเบียบกระทรวงมหาดไทย\nว่าด้วย ก\n\nข้อ 1 ระเบียบนี้\n\nให้ไว้ ณ วันที่ 1 มกราคม 2564",
                 "regulation", id="regulation"),
    pytest.param("คำสั่งจังหวัดพัทลุง\nที่ 37/2564\nเรื่อง แต่งตั้งคณะทำงาน\n\nสั ณ วนที 7 มกราคม 2564", "order",
                 id="order-whose-given-on-line-is-unreadable"),
    pytest.param("ประกาศโรงพยาบาลน้ำยืน\nเรื่อง ผลการสอบคัดเลือก\n\nประกาศ ฌ วันที 7", "announcement",
                 id="announcement-whose-given-on-line-is-unreadable"),
    pytest.param("รายงานการประชุมคณะกรรมการ\nครั้งที่ 1/2564", "minutes", id="minutes"),
    pytest.param("บันทึกข้อตกลงความร่วมมือ\nระหว่าง\nกรม ก\nกับ\nกรม ข\n\nข้อ 1 ร่วมกัน", "mou", id="mou"),
])
def test_doc_type(text, expected, options):
    assert doc_type.extract(Document.from_text(text), options)[0].value == expected


def test_header_fields_stop_at_next_label(options):
    doc = Document.from_text(
        "เรื่อง ขอความร่วมมือประชาสัมพันธ์บันทึกข้อตกลง\nความร่วมมือการส่งเสริม\nเรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด\n"
        "อ้างถึง หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท 0810.3/ว 1234 ลงวันที่ 1 มกราคม 2564\n"
        "สิ่งที่ส่งมาด้วย 1. สำเนาบันทึกข้อตกลง จำนวน 1 ชุด\n2. แบบรายงาน จำนวน 1 ฉบับ\n\nด้วยกรม")
    found = header_fields.extract(doc, options)
    assert found["subject"][0].value == "ขอความร่วมมือประชาสัมพันธ์บันทึกข้อตกลง ความร่วมมือการส่งเสริม"
    assert found["to"][0].value == "ผู้ว่าราชการจังหวัด ทุกจังหวัด"
    assert found["references"][0].value.startswith("หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท 0810.3/ว 1234")
    assert [c.value for c in found["enclosures"]] == ["สำเนาบันทึกข้อตกลง จำนวน 1 ชุด", "แบบรายงาน จำนวน 1 ฉบับ"]


def test_subject_found_above_addressee_when_label_is_garbled(options):
    doc = Document.from_text("ที มท 0891.3/ว 2556\n\n7 ธันวาคม 2556\n\nJos ขอความร่วมมือประชาสัมพันธ์\n\nเรียน ผู้ว่าราชการจังหวัด")
    subject = header_fields.extract(doc, options)["subject"][0]
    assert subject.value == "ขอความร่วมมือประชาสัมพันธ์" and subject.confidence < 0.7


def test_stamped_letter(options):
    from extractors import dates

    doc = Document.from_text("ที่ มท ๐๘๑๐.๔/๑๒๓\n\nถึง สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดทุกจังหวัด\n\n"
                             "ด้วยกรมส่งเสริมการปกครองท้องถิ่นขอส่งสำเนาหนังสือ\n\nกรมส่งเสริมการปกครองท้องถิ่น\n๑๐ มกราคม ๒๕๖๔")
    assert doc_type.extract(doc, options)[0].value == "stamped_letter"
    assert header_fields.extract(doc, options)["to"][0].value == "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดทุกจังหวัด"
    assert best(dates.extract(doc, options)).value == "2021-01-10"


def test_subject_wrapping_before_a_word_starting_with_tam(options):
    doc = Document.from_text("เรื่อง การติดตามและประเมินผลการดำเนินงาน\nตามแผนพัฒนาจังหวัด\n\nเรียน ผู้ว่าราชการจังหวัด")
    assert header_fields.extract(doc, options)["subject"][0].value == ("การติดตามและประเมินผลการดำเนินงาน "
                                                                      "ตามแผนพัฒนาจังหวัด")


def test_reference_wrapping_onto_a_number_line(options):
    doc = Document.from_text("อ้างถึง หนังสือกรมส่งเสริมการปกครองท้องถิ่น ด่วนที่สุด\nที่ มท ๐๘๑๖.๒/ว ๑๒๓๔ ลงวันที่ ๑ มกราคม ๒๕๖๔")
    assert header_fields.extract(doc, options)["references"][0].value.endswith("ลงวันที่ 1 มกราคม 2564")


def test_enclosure_list_introduced_on_the_label_line(options):
    doc = Document.from_text("สิ่งที่ส่งมาด้วย ดังนี้\n๑. สำเนาหนังสือ\n๒. แบบรายงาน\n\nด้วยกรม")
    assert [c.value for c in header_fields.extract(doc, options)["enclosures"]] == ["สำเนาหนังสือ", "แบบรายงาน"]


def test_number_left_blank_for_stamping_is_not_taken_from_a_reference(options):
    doc = Document.from_text("ที่ มท ๐๘๐๘.๒/ว\n\nเรื่อง ก\n\nเรียน ข\n\nอ้างถึง หนังสือ\nที่ มท ๐๘๑๖.๒/ว ๑๒๓๔")
    found = document_number.extract(doc, options)
    assert [(c.value["value"], c.rule) for c in found] == [("มท 0808.2/ว", "number.without_running_number")]


def test_covering_letter_quoting_an_announcement_stays_a_letter(options):
    doc = Document.from_text("ที่ พร 0017/ว 12\n\nศาลากลางจังหวัดแพร่\n\n11 ตุลาคม 2555\n\nเรื่อง ส่งสำเนา\n"
                             "ประกาศจังหวัดแพร่ เรื่อง การห้ามเผา\n\nเรียน นายอำเภอทุกอำเภอ\n\n"
                             "ประกาศจังหวัดแพร่\n\nประกาศ ณ วันที่ 1 ตุลาคม 2555")
    assert best(doc_type.extract(doc, options)).value == "external_letter"


def test_enclosures_on_a_scan_with_misread_item_numbers_and_label(options):
    from pipeline.pages import PageText, RawDocument

    text = ("เรียน อธิการบดีมหาวิทยาลัยมหิดล\n\n"
            "สิ่งทิส่งมาด้วย 1. แนวทางการเฝ้าระวังโรค จำนวน 1 ฉบับ\n"
            "lo. สื่อประชาสัมพันธ์ จำนวน 1 แผ่น\n3 แบบรายงานผลการดำเนินงาน จำนวน 1 ชุด\n"
            "ตามทีได้แจ้งแนวทางไว้แล้ว นั้น\n")
    doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr")]))
    found = header_fields.extract(doc, options)["enclosures"]
    assert [c.value for c in found] == ["แนวทางการเฝ้าระวังโรค จำนวน 1 ฉบับ", "สื่อประชาสัมพันธ์ จำนวน 1 แผ่น",
                                        "แบบรายงานผลการดำเนินงาน จำนวน 1 ชุด"]


def test_scanned_subject_ends_at_a_paragraph_opening_with_tam_after_a_blank_line(options):
    from pipeline.pages import PageText, RawDocument

    text = ("ประกาศโรงพยาบาลน้ำยืน\nเรื่อง ผลการสอบคัดเลือก ตำแหน่ง นักวิชาการสาธารณสุข\n\n\n"
            "ตามประกาศโรงพยาบาลน้ำยืน ลงวันที่ 16 มกราคม 2560 เรื่องการรับสมัครสอบ\n")
    doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr")]))
    assert header_fields.extract(doc, options)["subject"][0].value == "ผลการสอบคัดเลือก ตำแหน่ง นักวิชาการสาธารณสุข"


def test_issuer_right_of_a_number_ocr_could_not_read(options):
    from extractors import issuer
    from pipeline.pages import PageText, RawDocument

    text = ("ที พท 0017ฒ.3/)ว 930 9 ศาลากลางจังหวัดพัทลุง\n\nถนนราเมศวร์ พท 93000\nว สิงหาคม 2558\n\n"
            "เรื่อง ขอขอบคุณ\n\nเรียน หัวหน้าส่วนราชการทุกส่วนราชการ\n")
    doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr")]))
    assert [c.value for c in issuer.from_address_block(doc, options)] == ["ศาลากลางจังหวัดพัทลุง"]


def test_stamped_letter_has_no_subject_above_its_addressee(options):
    text = ("ที่ มท 0810.6/ว 1234 กรมส่งเสริมการปกครองท้องถิ่น\nถนนนครราชสีมา เขตดุสิต กทม. 10300\n\n"
            "ถึง สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด ทุกจังหวัด\n\nตามที่กรมได้แจ้งแนวทาง นั้น\n")
    assert not header_fields.extract(Document.from_text(text), options).get("subject")


def test_subject_whose_label_lost_its_first_letters(options):
    text = "บันทึกข้อความ\nส่วนราชการ กรมบัญชีกลาง\nอง แนวทางการปฏิบัติในการปิดบัญชี\n\nเรียน ผู้อำนวยการกอง\n"
    assert header_fields.extract(Document.from_text(text), options)["subject"][0].value == "แนวทางการปฏิบัติในการปิดบัญชี"


def test_scanned_addressee_list_wrapping_over_many_lines_is_kept_whole(options):
    from pipeline.pages import PageText, RawDocument

    addressees = ("รองผู้ว่าราชการจังหวัดพัทลุง รองผู้อำนวยการรักษาความมั่นคงภายในจังหวัดพัทลุง (ทหาร)\n"
                  "หัวหน้าส่วนราชการประจำจังหวัด หัวหน้าส่วนราชการส่วนกลาง หัวหน้าหน่วยงานรัฐวิสาหกิจ\n"
                  "นายกเหล่ากาชาดจังหวัดพัทลุง นายอำเภอ นายกองค์การบริหารส่วนจังหวัดพัทลุง นายกเทศมนตรี\n"
                  "เมืองพัทลุง นายกสมาคมกำนันผู้ใหญ่บ้านจังหวัดพัทลุง ประธานหอการค้าจังหวัดพัทลุง\n")
    text = ("เรื่อง การจัดกิจกรรมปั่นจักรยาน\n\nเรียน " + addressees +
            "\nสิ่งที่ส่งมาด้วย กำหนดการ จำนวน 1 ชุด\n\nตามที่ จังหวัดพัทลุง ได้จัดกิจกรรม นั้น\n")
    doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr")]))
    assert header_fields.extract(doc, options)["to"][0].value == " ".join(addressees.split())


def test_scanned_short_subject_does_not_run_on_past_a_blank_line(options):
    from pipeline.pages import PageText, RawDocument

    text = "เรื่อง ขอขอบคุณ\n\n\n\nทวหน่าหมวยงาหววสาหกจทกทมวย\n\nเรียน หัวหน้าส่วนราชการทุกส่วนราชการ\n"
    doc = Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr")]))
    assert header_fields.extract(doc, options)["subject"][0].value == "ขอขอบคุณ"


def test_spaces_a_pdf_layer_put_inside_words_do_not_hide_the_body_opener(options):
    text = ("เรื่อง ขอความร่วมมือรายงานผล\nเรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด\n"
            "สิ่งที่ส่งมาด้วย แบบรายงานผลการปฏิบัติตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. ๒๕๔๐\n"
            "              ด้ ว ยคณะรั ฐ มนตรี ได้ มี ม ติ เมื่ อ วั น ที่ ๑๕ เมษายน ๒๕๖๓ เห็ น ชอบให้ ก ารรายงานผล\n")
    found = header_fields.extract(Document.from_text(text), options)["enclosures"]
    assert [c.value for c in found] == ["แบบรายงานผลการปฏิบัติตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540"]


def test_a_signer_printed_again_under_an_annex_is_one_signatory(tmp_path, options):
    from extractors.process import process_document

    signature = "(นางพิชญสุดากานต์ รวมเหมาะ)\nผู้อำนวยการโรงพยาบาลน้ำยืน\n"
    text = ("ประกาศโรงพยาบาลน้ำยืน\nเรื่อง รายชื่อผู้มีสิทธิ์สอบคัดเลือก\n\nตามประกาศโรงพยาบาลน้ำยืน นั้น\n\n"
            "ประกาศ ณ วันที่ 7 มีนาคม พ.ศ. 2560\n\n" + signature +
            "\fบัญชีรายชื่อแนบท้ายประกาศ\n1. นายก ใจดี\n\n" + signature)
    path = tmp_path / "announcement.txt"
    path.write_text(text, encoding="utf-8")
    record = process_document(path, options)
    assert [s.name for s in record.signatories] == ["นางพิชญสุดากานต์ รวมเหมาะ"]


def _scanned(text: str, confidences: dict[str, float]) -> Document:
    """A one-page OCR'd document whose words are its space-separated tokens, each read with the
    confidence given for it (0.9 otherwise)."""
    from pipeline.pages import PageText, RawDocument, WordBox

    words, at = [], 0
    for token in text.split(" "):
        words.append(WordBox(at, at + len(token), 0, 0, 9, 9, confidences.get(token, 0.9)))
        at += len(token) + 1
    return Document(RawDocument("scan.pdf", "", "application/pdf", [PageText(text, "ocr", words=tuple(words))]))


@pytest.mark.parametrize("text, confidences, kept", [
    ("ที่ พท ๐๐๑๗/ว ๑๒๓", {}, "พท 0017/ว 123"),                 # printed: read surely
    ("ที่ พท ๐๐๑๗/ว 1", {"1": 0.02}, None),                      # a handwritten number read unsure
    ("ที่ พท ๐๐๓๑/ว ท๒ส่๓", {}, None),                          # ... or read as letters and digits
    ("ที่ พท ๐๐๓๑/ว\nเรื่อง ขอเชิญประชุม", {}, "พท 0031/ว"),     # left blank for the registry's stamp
])
def test_a_number_misread_on_a_scan_is_left_out_and_said(options, text, confidences, kept):
    from extractors.assemble import assemble

    record = assemble(_scanned(text, confidences), options)
    assert (record.number.value if record.number else None) == kept
    assert any(w.startswith("/number:") and "left out" in w for w in record.warnings) == (kept is None)


def test_a_text_layer_number_is_taken_as_printed(options):
    from extractors.assemble import assemble

    record = assemble(Document.from_text("ที่ พท ๐๐๓๑/ว ท๒ส่๓\n\nเรื่อง ขอเชิญประชุม"), options)
    assert record.number.value == "พท 0031/ว"


def test_a_letter_whose_number_label_was_read_as_a_bare_tho_is_still_a_letter(options):
    doc = _scanned("สำนักเลขาธิการคณะรัฐมนตรี\nท นร 0505/ว 71\n22 กุมภาพันธ์ 2560\nเรื่อง การเสนอร่าง\n"
                   ": เรียน รัฐมนตรีว่าการกระทรวง ทุกกระทรวง", {})
    assert best(doc_type.extract(doc, options)).value == "external_letter"
    assert header_fields.extract(doc, options)["to"][0].value == "รัฐมนตรีว่าการกระทรวง ทุกกระทรวง"
