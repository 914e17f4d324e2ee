"""Thai dates in the forms letters use, and the document date chosen by role."""
from __future__ import annotations

import pytest

from extractors import dates
from extractors.assemble import best
from pipeline.document import Document


@pytest.mark.parametrize("text, iso", [
    pytest.param("๗ ธันวาคม ๒๕๕๖", "2013-12-07", id="thai-digits-full-month"),
    pytest.param("11 ต.ค. 55", "2012-10-11", id="abbreviated-month-two-digit-year"),
    pytest.param("11 ต.ค.55", "2012-10-11", id="abbreviation-touching-year"),
    pytest.param("2 กพ 61", "2018-02-02", id="abbreviation-without-dots"),
    pytest.param("วันอังคารที่ ๑๑ เดือนกันยายน พุทธศักราช ๒๕๕๕", "2012-09-11", id="day-name-and-era-word"),
    pytest.param("12 มกราคม 2553", "2010-01-12", id="arabic-digits"),
    pytest.param("วันที่ ๑ เดือน ตุลาคม พ.ศ. ๒๕๖๓", "2020-10-01", id="month-word-and-be-abbreviation"),
    pytest.param("18 - 19 มกราคม 2553", "2010-01-18", id="day-range-takes-first-day"),
    pytest.param("January 12, 2010", "2010-01-12", id="english"),
    pytest.param("12 มกราคม ค.ศ. 2010", "2010-01-12", id="christian-era"),
    pytest.param("๗ จันวาคม ๒๕๕๖", "2013-12-07", id="ocr-garbled-month-one-letter-off"),
    pytest.param("18 จันว่าคม 2552", "2009-12-18", id="ocr-garbled-month-with-a-tone-mark-added"),
    pytest.param("3 กุพ. 2565", "2022-02-03", id="ocr-garbled-abbreviation"),
])
def test_parse_thai_date(text, iso):
    assert dates.parse_thai_date(text) == iso


@pytest.mark.parametrize("text", [
    pytest.param("31 กุมภาพันธ์ 2555", id="impossible-day"),
    pytest.param("3 มิค. 2565", id="garbled-abbreviation-of-two-months"),
    pytest.param("ฉบับที่ 11 (พ.ศ.2555-2559)", id="plan-period-is-not-a-date"),
    pytest.param("ข้อ 3 กระทรวง 2555", id="no-month"),
])
def test_not_a_date(text):
    assert dates.parse_thai_date(text) is None


@pytest.mark.parametrize("text, iso, rule", [
    pytest.param("บันทึกข้อความ\nส่วนราชการ สำนักงาน\nที่ พร 0077.3/ว 510\nวันที่ ๑๑ ตุลาคม ๒๕๕๕\nเรื่อง ก",
                 "2012-10-11", "date.memo_date_line", id="memo-date-line"),
    pytest.param("ที่ มท 0891.3/ว 2556\n\nกรมส่งเสริมการปกครองท้องถิ่น\n\n๗ ธันวาคม ๒๕๕๖\n\nเรื่อง ขอความร่วมมือ",
                 "2013-12-07", "date.letter_date_line", id="letter-date-line"),
    pytest.param("คำสั่งกรมการปกครอง\nที่ 123/2564\n\nข้อ 1 ให้\n\nสั่ง ณ วันที่ 5 มีนาคม พ.ศ. 2564",
                 "2021-03-05", "date.order_given", id="order-given-on"),
    pytest.param("ข่าว\nเมื่อวันที่ 12 มกราคม 2553 สำนักงาน ก.พ.ร. จัดประชุม\nเผยแพร่ข้อมูลเมื่อ 11 กุมภาพันธ์ 2553 11:16:19",
                 "2010-02-11", "date.web_published", id="publication-line-not-event-date"),
    pytest.param("ข่าว\nเมื่อวันที่ 12 มกราคม 2553 สำนักงาน ก.พ.ร. จัดประชุม\n"
                 "เหแหวซือนกเมื่อ 4 มิถุนายน 2552 14:14:22 ปรับปรุงข้อมูลล่าสุดเมื่อ 5 มิถุนายน 2552 14:14:22",
                 "2009-06-05", "date.web_updated", id="publication-label-garbled-update-line-stands"),
    pytest.param("ประกาศโรงพยาบาลน้ำยืน\nเรื่อง ผลการสอบ\n\nประกาศ ณ JUN 7 มีนาคม 2560", "2017-03-07",
                 "date.given_garbled", id="given-on-with-its-day-word-garbled"),
    pytest.param("บันทึกข้อความ\nท อบ 0033.001.09/32914 วนท 10 กันขยายน 2567\nเรื่อง ขออนุญาต", "2024-09-10",
                 "date.memo_number_line_garbled", id="memo-number-line-with-both-labels-garbled"),
])
def test_document_date_by_role(text, iso, rule, options):
    chosen = best(dates.extract(Document.from_text(text), options))
    assert (chosen.value, chosen.rule) == (iso, rule)


def test_no_role_no_date(options):
    doc = Document.from_text("การประชุมเมื่อวันที่ 12 มกราคม 2553 ได้ข้อสรุปดังนี้")
    assert dates.extract(doc, options) == []


def test_minutes_dated_by_their_meeting_line(options):
    doc = Document.from_text("รายงานการประชุมคณะกรรมการบริหารงานจังหวัด\nครั้งที่ 1/2564\nเมื่อวันพุธที่ 6 มกราคม 2564\n"
                             "ณ ห้องประชุมศาลากลางจังหวัด")
    chosen = best(dates.extract(doc, options))
    assert (chosen.value, chosen.rule) == ("2021-01-06", "date.dateline_lead") and chosen.confidence < 0.9


def test_stamped_letter_dated_above_its_units_contact_lines(options):
    text = ("ที่ มท 0810.6/ว 1234\n\nถึง สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด ทุกจังหวัด\n\nข้อความ\n\n"
            "กรมส่งเสริมการปกครองท้องถิ่น\n3 ก.พ. 2565\n\nกองพัฒนาและส่งเสริมการบริหารงานท้องถิ่น\n\n"
            "กลุ่มงานส่งเสริมการพัฒนารายได้\n\nโทร. 0 2241 9000 ต่อ 2314\n\nโทรสาร 0 2241 9001\n\n"
            "ไปรษณีย์อิเล็กทรอนิกส์ saraban@dla.go.th\n\nผู้ประสานงาน นางสาวสมใจ ใจดี\n")
    assert best(dates.extract(Document.from_text(text), options)).value == "2022-02-03"
