"""The document's structure as layouts set it: numbered clauses with and without blank lines between
them, signature tables of two and three columns, dates wrapped over lines, rule lines, plan tables."""
from __future__ import annotations

import pytest

from extractors import agreements, clauses, plan, signatories
from extractors.header_fields import extract as header_fields
from models.options import Options
from pipeline.document import Document
from pipeline.layout import read_text_columns
from pipeline.pages import PageText, RawDocument

NUMBERING = {
    "kho": ("ข้อ {n} ", ["1", "2", "3"]),
    "kho-thai": ("ข้อ {thai} ", ["1", "2", "3"]),
    "kho-dot": ("ข้อ {n}. ", ["1", "2", "3"]),
    "bracketed": ("({thai}) ", ["1", "2", "3"]),
    "half-bracket": ("{n}) ", ["1", "2", "3"]),
    "dotted": ("{n}. ", ["1", "2", "3"]),
}
THAI = "๐๑๒๓๔๕๖๗๘๙"
BODIES = ["ทั้งสองฝ่ายจะร่วมกันจัดทำแผนปฏิบัติการ", "ให้มีคณะกรรมการร่วม ประกอบด้วยผู้แทนของแต่ละฝ่าย",
          "บันทึกข้อตกลงนี้มีผลตั้งแต่วันที่ลงนามเป็นต้นไป"]


def _numbered(style: str, separator: str, nested: bool = False) -> str:
    template, _ = NUMBERING[style]
    items = []
    for n, body in enumerate(BODIES, start=1):
        item = template.format(n=n, thai=THAI[n]) + body
        if nested:
            item += f"\n    {n}.1 รายละเอียดย่อยข้อแรก\n    {n}.2 รายละเอียดย่อยข้อสอง"
        items.append(item)
    return separator.join(items)


@pytest.mark.parametrize("style", NUMBERING)
@pytest.mark.parametrize("separator", ["\n", "\n\n"], ids=["no-blank-line", "blank-line"])
def test_clauses_in_each_numbering_style(style, separator):
    text = "ทั้งสองฝ่ายตกลงกันดังต่อไปนี้\n" + _numbered(style, separator) + \
        "\n\nบันทึกข้อตกลงนี้ทำขึ้นเป็นสองฉบับ มีข้อความถูกต้องตรงกัน"
    found = clauses.extract(Document.from_text(text), Options())
    assert [c.value["label"] for c in found] == NUMBERING[style][1]
    assert [c.value["text"] for c in found] == BODIES


@pytest.mark.parametrize("separator", ["\n", "\n\n"], ids=["no-blank-line", "blank-line"])
def test_nested_items_stay_inside_their_clause(separator):
    text = _numbered("kho", separator, nested=True) + "\n\nบันทึกข้อตกลงนี้ทำขึ้นเป็นสองฉบับ"
    found = clauses.extract(Document.from_text(text), Options())
    assert [c.value["label"] for c in found] == ["1", "2", "3"]
    assert found[0].value["text"] == f"{BODIES[0]} 1.1 รายละเอียดย่อยข้อแรก 1.2 รายละเอียดย่อยข้อสอง"


def test_the_last_clause_ends_at_the_given_on_line_without_a_blank_line():
    text = "ข้อ ๑ ให้ใช้ระเบียบนี้\nข้อ ๒ ให้ปลัดกระทรวงรักษาการ\nประกาศ ณ วันที่ ๑ มกราคม ๒๕๖๕"
    found = clauses.extract(Document.from_text(text), Options())
    assert [c.value["text"] for c in found] == ["ให้ใช้ระเบียบนี้", "ให้ปลัดกระทรวงรักษาการ"]


TWO_COLUMNS = """
        มหาวิทยาลัยขอนแก่น                          เทศบาลนครขอนแก่น

ลงชื่อ ..........................................    ลงชื่อ ..........................................
   (รองศาสตราจารย์ ดร.ธีรพงษ์ วงศ์ศรีเมือง)            (นายอนุชิต ศรีบุญเรือง)
      อธิการบดีมหาวิทยาลัยขอนแก่น                         นายกเทศมนตรีนครขอนแก่น


ลงชื่อ .................................... พยาน    ลงชื่อ .................................... พยาน
   (นางสาวนันทนา ภูมิสะอาด)                          (นางสาวกาญจนา ทองแสน)
      คณบดีคณะพยาบาลศาสตร์                                ปลัดเทศบาลนครขอนแก่น
"""

THREE_COLUMNS = """
(นายปกรณ์ เลิศวิริยะกุล)          (นายสุรศักดิ์ เจริญศิริโชติ)          (นายชยพล ศรีวิลาส)
ผู้อำนวยการการไฟฟ้าส่วนภูมิภาค      นายกเทศมนตรีนครนครราชสีมา          ผู้ว่าราชการจังหวัดภูเก็ต
เขต ๒                                                                หัวหน้ากลุ่มจังหวัดภาคใต้ฝั่งอันดามัน
"""

MARKDOWN_TABLE = """
| กรมอนามัย | กรมส่งเสริมการปกครองท้องถิ่น | สำนักงานหลักประกันสุขภาพแห่งชาติ |
| ........................ | ........................ | ........................ |
| (แพทย์หญิงอรวรรณ ธนกิจเจริญ) | (นายสุรชาติ ทองประเสริฐ) | (นายแพทย์ธีรวัฒน์ กุลศิริปัญญา) |
| อธิบดีกรมอนามัย | อธิบดีกรมส่งเสริมการปกครองท้องถิ่น | เลขาธิการสำนักงานหลักประกันสุขภาพแห่งชาติ |
"""


def _people(text: str) -> list[tuple[str, str | None, bool]]:
    doc = Document.from_text(text)
    return [(c.value["name"], c.value["position"], c.value["witness"]) for c in signatories.extract(doc, Options())]


def test_two_column_signature_table_with_witnesses():
    assert _people(TWO_COLUMNS) == [
        ("รองศาสตราจารย์ ดร.ธีรพงษ์ วงศ์ศรีเมือง", "อธิการบดีมหาวิทยาลัยขอนแก่น", False),
        ("นายอนุชิต ศรีบุญเรือง", "นายกเทศมนตรีนครขอนแก่น", False),
        ("นางสาวนันทนา ภูมิสะอาด", "คณบดีคณะพยาบาลศาสตร์", True),
        ("นางสาวกาญจนา ทองแสน", "ปลัดเทศบาลนครขอนแก่น", True),
    ]


def test_three_column_signature_table_with_a_position_under_one_column_only():
    assert _people(THREE_COLUMNS) == [
        ("นายปกรณ์ เลิศวิริยะกุล", "ผู้อำนวยการการไฟฟ้าส่วนภูมิภาค เขต 2", False),
        ("นายสุรศักดิ์ เจริญศิริโชติ", "นายกเทศมนตรีนครนครราชสีมา", False),
        ("นายชยพล ศรีวิลาส", "ผู้ว่าราชการจังหวัดภูเก็ต หัวหน้ากลุ่มจังหวัดภาคใต้ฝั่งอันดามัน", False),
    ]


def test_markdown_signature_table_goes_by_cells():
    assert [(name, position) for name, position, _ in _people(MARKDOWN_TABLE)] == [
        ("แพทย์หญิงอรวรรณ ธนกิจเจริญ", "อธิบดีกรมอนามัย"),
        ("นายสุรชาติ ทองประเสริฐ", "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"),
        ("นายแพทย์ธีรวัฒน์ กุลศิริปัญญา", "เลขาธิการสำนักงานหลักประกันสุขภาพแห่งชาติ"),
    ]


def test_column_reading_keeps_every_character_traceable():
    text, offsets = read_text_columns(TWO_COLUMNS)
    assert len(offsets) == len(text) + 1
    assert sorted(text) == sorted(TWO_COLUMNS.replace(" ", "").replace("\n", "")
                                  + " " * text.count(" ") + "\n" * text.count("\n"))
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert TWO_COLUMNS[offsets[i]] == ch


def test_signature_name_evidence_points_at_the_raw_name():
    doc = Document.from_text(TWO_COLUMNS)
    second = signatories.extract(doc, Options())[1]
    raw_start, raw_end = doc.raw_span(second.start, second.end)
    assert doc.raw_text[raw_start:raw_end] == "นายอนุชิต ศรีบุญเรือง"


def test_rank_on_the_line_above_the_name():
    text = "สั่ง ณ วันที่ ๒๓ พฤษภาคม พ.ศ. ๒๕๕๙\n\n        พลตำรวจเอก\n          (ชยุต  มณีรัตน์)\n    รองผู้บัญชาการตำรวจแห่งชาติ"
    assert _people(text) == [("พลตำรวจเอก ชยุต มณีรัตน์", "รองผู้บัญชาการตำรวจแห่งชาติ", False)]


MOU_WRAPPED_DATE = """บันทึกข้อตกลงความร่วมมือ
ระหว่าง
มหาวิทยาลัยขอนแก่น
กับ
เทศบาลนครขอนแก่น
----------------------------------------

        บันทึกข้อตกลงความร่วมมือฉบับนี้ทำขึ้น ณ ห้องประชุมสภามหาวิทยาลัย
อาคารสำนักงานอธิการบดี มหาวิทยาลัยขอนแก่น อำเภอเมืองขอนแก่น จังหวัดขอนแก่น เมื่อวันที่
{date}
ระหว่าง มหาวิทยาลัยขอนแก่น ฝ่ายหนึ่ง กับ เทศบาลนครขอนแก่น อีกฝ่ายหนึ่ง
"""


@pytest.mark.parametrize("date", ["๒๐ มิถุนายน พ.ศ. ๒๕๖๒", "๒๐\nเดือน มิถุนายน พ.ศ. ๒๕๖๒"], ids=["line", "inside-date"])
def test_agreement_date_wrapped_across_lines(date):
    found = agreements.extract(Document.from_text(MOU_WRAPPED_DATE.format(date=date)), Options())
    assert found[0].value["date"] == "2019-06-20"
    assert found[0].value["title"] == "บันทึกข้อตกลงความร่วมมือ ระหว่าง มหาวิทยาลัยขอนแก่น กับ เทศบาลนครขอนแก่น"


def test_rule_line_ends_a_subject():
    doc = Document.from_text("เรื่อง แต่งตั้งคณะทำงานพัฒนาระบบฐานข้อมูล\n------------------------\nด้วยสำนักงานตำรวจแห่งชาติ")
    assert header_fields(doc, Options())["subject"][0].value == "แต่งตั้งคณะทำงานพัฒนาระบบฐานข้อมูล"


@pytest.mark.parametrize("second_line, expected", [
    ("       นครเชียงใหม่", "นายอำเภอ ทุกอำเภอ นายกองค์การบริหารส่วนจังหวัดเชียงใหม่ และนายกเทศมนตรี นครเชียงใหม่"),
    ("อ้างถึง หนังสือจังหวัดเชียงใหม่", "นายอำเภอ ทุกอำเภอ นายกองค์การบริหารส่วนจังหวัดเชียงใหม่ และนายกเทศมนตรี"),
], ids=["wrapped", "next-label"])
def test_addressee_wraps_only_when_its_line_is_full(second_line, expected):
    doc = Document.from_text(f"เรียน  นายอำเภอ ทุกอำเภอ นายกองค์การบริหารส่วนจังหวัดเชียงใหม่ และนายกเทศมนตรี\n{second_line}")
    assert header_fields(doc, Options())["to"][0].value == expected


def test_short_addressee_does_not_take_the_next_line():
    doc = Document.from_text("เรียน  อธิการบดี\nมหาวิทยาลัยขอให้ดำเนินการ")
    assert header_fields(doc, Options())["to"][0].value == "อธิการบดี"


PLAN_TABLES = """แผนพัฒนาจังหวัดตัวอย่าง พ.ศ. ๒๕๖๖ – ๒๕๗๐

ประเด็นการพัฒนาที่ ๑ ยกระดับการท่องเที่ยว
    เป้าประสงค์
        รายได้จากการท่องเที่ยวเพิ่มขึ้น
ประเด็นการพัฒนาที่ ๒ ส่งเสริมการผลิตสินค้าเกษตรปลอดภัย

ส่วนที่ ๓ บัญชีรายการชุดโครงการ

| ลำดับ | ชื่อโครงการ | หน่วยดำเนินการ | งบประมาณ (บาท) |
|---|---|---|---|
| | **ประเด็นการพัฒนาที่ ๑** | | |
| ๑ | โครงการพัฒนาเส้นทางท่องเที่ยว | สำนักงานการท่องเที่ยวและกีฬาจังหวัดกาญจนบุรี | ๑๘,๕๐๐,๐๐๐ |
| | **ประเด็นการพัฒนาที่ ๒** | | |
| ๒ | โครงการส่งเสริมการผลิตพืชผักปลอดภัย | สำนักงานเกษตรจังหวัดกาญจนบุรี | ๔,๘๐๐,๐๐๐ |
"""

PLAN_TYPED_TABLE = """โครงการ/กิจกรรม                              หน่วยดำเนินการ                    งบประมาณ (บาท)
ยุทธศาสตร์ที่ ๑  พัฒนาศักยภาพการผลิตสินค้าเกษตร
    กลยุทธ์  เพิ่มประสิทธิภาพการผลิต
  โครงการเพิ่มประสิทธิภาพการผลิตข้าวคุณภาพดี  สำนักงานเกษตรจังหวัดพิษณุโลก   ๕,๔๐๐,๐๐๐
ยุทธศาสตร์ที่ ๒  ส่งเสริมการท่องเที่ยว
  โครงการพัฒนาแหล่งท่องเที่ยวทางประวัติศาสตร์      สำนักงานการท่องเที่ยวและกีฬาจังหวัดพิษณุโลก     ๔,๒๐๐,๐๐๐
"""


@pytest.mark.parametrize("text, expected", [
    pytest.param(PLAN_TABLES, [("ยกระดับการท่องเที่ยว", [("โครงการพัฒนาเส้นทางท่องเที่ยว", 18_500_000.0)]),
                               ("ส่งเสริมการผลิตสินค้าเกษตรปลอดภัย",
                                [("โครงการส่งเสริมการผลิตพืชผักปลอดภัย", 4_800_000.0)])],
                 id="project-table-grouped-by-issue-rows"),
    pytest.param(PLAN_TYPED_TABLE, [("พัฒนาศักยภาพการผลิตสินค้าเกษตร",
                                     [("โครงการเพิ่มประสิทธิภาพการผลิตข้าวคุณภาพดี", 5_400_000.0)]),
                                    ("ส่งเสริมการท่องเที่ยว",
                                     [("โครงการพัฒนาแหล่งท่องเที่ยวทางประวัติศาสตร์", 4_200_000.0)])],
                 id="typed-table-with-issue-headings"),
])
def test_plan_issues_and_projects_from_tables(text, expected):
    found = plan.extract(Document.from_text(text), Options())[0].value
    assert [(i["title"], [(p["name"], p["budget_baht"]) for p in i["projects"]])
            for i in found["strategic_issues"]] == expected


def test_an_issue_title_wrapped_before_its_conjunction_is_read_whole():
    """A text layer wraps a long issue heading; the line that carries it on opens with และ/หรือ."""
    text = ("ประเด็นการพัฒนาที่ ๔ เสริมสร้างคุณภาพชีวิต ความมั่นคง\nและการบริหารจัดการทรัพยากรธรรมชาติอย่างยั่งยืน\n"
            "    เป้าประสงค์\n        ประชาชนมีคุณภาพชีวิตที่ดี\n"
            "ประเด็นการพัฒนาที่ ๕ ส่งเสริมการท่องเที่ยว\nเป้าประสงค์ รายได้เพิ่มขึ้น\n")
    found = plan.extract(Document.from_text(text), Options())[0]
    assert [i["title"] for i in found.value["strategic_issues"]] == [
        "เสริมสร้างคุณภาพชีวิต ความมั่นคง และการบริหารจัดการทรัพยากรธรรมชาติอย่างยั่งยืน", "ส่งเสริมการท่องเที่ยว"]
    heading = found.parts["/strategic_issues/0"]
    assert text[heading.start:heading.end].endswith("อย่างยั่งยืน")


def test_witnesses_announced_by_a_signing_row_read_across_the_table():
    # How OCR gives a two-column witness table: the ลงชื่อ row across, then each name on its own line.
    text = ("(นายอนุชิต ศรีบุญเรือง)\nนายกเทศมนตรีนครขอนแก่น\nลงซี่ซิ .......... พยาน ลงชื่อ .......... พยาน\n"
            "(นางสาวนันทนา ภูมิสะอาด)\n\n(นางสาวกาญจนา ทองแสน)\n")
    assert _people(text) == [("นายอนุชิต ศรีบุญเรือง", "นายกเทศมนตรีนครขอนแก่น", False),
                             ("นางสาวนันทนา ภูมิสะอาด", None, True), ("นางสาวกาญจนา ทองแสน", None, True)]


def test_three_party_title_ends_at_the_blank_line_once_its_sides_are_named():
    text = ("บันทึกข้อตกลงความร่วมมือ\nการขับเคลื่อนการดำเนินงานส่งเสริมสุขภาพ\nระหว่าง\nกรมอนามัย\n"
            "กรมส่งเสริมการปกครองท้องถิ่น\nและ\nสำนักงานหลักประกันสุขภาพแห่งชาติ\n------------------\n\n"
            "หลักการและเหตุผล\nพระราชบัญญัติการสาธารณสุข พ.ศ. ๒๕๓๕ กำหนดให้ราชการส่วนท้องถิ่นมีอำนาจหน้าที่\n")
    title = agreements.extract(Document.from_text(text), Options())[0].value["title"]
    assert title == ("บันทึกข้อตกลงความร่วมมือ การขับเคลื่อนการดำเนินงานส่งเสริมสุขภาพ ระหว่าง กรมอนามัย "
                     "กรมส่งเสริมการปกครองท้องถิ่น และ สำนักงานหลักประกันสุขภาพแห่งชาติ")


def test_sides_listed_on_one_line_with_the_last_joined_to_its_name():
    text = ("บันทึกข้อตกลงความร่วมมือ\nว่าด้วยการส่งเสริมการค้าชายแดน\n"
            "ระหว่าง จังหวัดสงขลา หอการค้าจังหวัดสงขลา และสภาอุตสาหกรรมจังหวัดสงขลา\n\n"
            "โดยที่การค้าชายแดนผ่านด่านศุลกากรมีมูลค่าสูง ทั้งสามฝ่ายจึงตกลงร่วมมือกัน ดังนี้\n\n"
            "๑. จังหวัดจะประสานส่วนราชการที่เกี่ยวข้อง\n๒. ทั้งสามฝ่ายจะร่วมกันจัดประชุม\n"
            "ทำ ณ วันที่ ๑๐ มิถุนายน ๒๕๕๔ ณ ศาลากลางจังหวัดสงขลา\n")
    agreement = agreements.extract(Document.from_text(text), Options())[0].value
    assert agreement["title"] == ("บันทึกข้อตกลงความร่วมมือ ว่าด้วยการส่งเสริมการค้าชายแดน ระหว่าง จังหวัดสงขลา "
                                  "หอการค้าจังหวัดสงขลา และสภาอุตสาหกรรมจังหวัดสงขลา")
    assert agreement["parties"] == ["จังหวัดสงขลา", "หอการค้าจังหวัดสงขลา",
                                    "สภาอุตสาหกรรมจังหวัดสงขลา"]
    assert [c["text"] for c in agreement["clauses"]] == ["จังหวัดจะประสานส่วนราชการที่เกี่ยวข้อง",
                                                         "ทั้งสามฝ่ายจะร่วมกันจัดประชุม"]


def test_bordered_signature_table_read_by_ocr_with_a_blank_row_and_a_wrapped_cell():
    # What OCR makes of a bordered table: bars for its borders, a blank line where the dotted row was,
    # the last position wrapped under the row.
    text = ("| (นายก ใจดี) | (นายข ใจงาม) | (นายค ใจเย็น) |\n\n"
            "| อธิบดีกรมอนามัย | อธิบดีกรมส่งเสริมการปกครองท้องถิ่น | เลขาธิการสำนักงานหลักประกันสุขภาพ\n"
            "แห่งชาติ |\n")
    doc = Document(RawDocument(path="scan.pdf", sha256="", media_type="application/pdf",
                               pages=[PageText(text, "ocr")]))
    found = signatories.extract(doc, Options())
    assert [(c.value["name"], c.value["position"]) for c in found] == [
        ("นายก ใจดี", "อธิบดีกรมอนามัย"), ("นายข ใจงาม", "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"),
        ("นายค ใจเย็น", "เลขาธิการสำนักงานหลักประกันสุขภาพแห่งชาติ")]


def test_scanned_agreement_whose_witness_rows_were_lost_keeps_its_witnesses_apart():
    text = ("บันทึกข้อตกลงความร่วมมือ\nระหว่าง\nสำนักงานพัฒนาวิทยาศาสตร์และเทคโนโลยีแห่งชาติ\nกับ\nกรมส่งเสริมการเกษตร\n\n"
            "ข้อ 1 ทั้งสองฝ่ายจะร่วมกันถ่ายทอดเทคโนโลยี\n\n"
            "ทั้งสองฝ่ายได้อ่านและเข้าใจข้อความโดยตลอดแล้ว จึงได้ลงนามไว้เป็นสำคัญต่อหน้าพยาน\n\n"
            "(ดร.ภูริพัฒน์ สุวรรณโชติ)\nผู้อำนวยการสำนักงานพัฒนาวิทยาศาสตร์และเทคโนโลยีแห่งชาติ\n\n"
            "(นายธนวัฒน์ อินทร์แก้ว)\nอธิบดีกรมส่งเสริมการเกษตร\n\n"
            "(ดร.กมลชนก ศรีประเสริฐ)\nรองผู้อำนวยการสำนักงานพัฒนาวิทยาศาสตร์และเทคโนโลยีแห่งชาติ\n\n"
            "(นางสาวปิยนุช บัวทอง)\nรองอธิบดีกรมส่งเสริมการเกษตร\n")
    doc = Document(RawDocument(path="scan.pdf", sha256="", media_type="application/pdf",
                               pages=[PageText(text, "ocr")]))
    agreement = agreements.extract(doc, Options())[0].value
    assert [p["name"] for p in agreement["signatories"]] == ["ดร.ภูริพัฒน์ สุวรรณโชติ", "นายธนวัฒน์ อินทร์แก้ว"]
    assert [p["name"] for p in agreement["witnesses"]] == ["ดร.กมลชนก ศรีประเสริฐ", "นางสาวปิยนุช บัวทอง"]


def _scanned_people(text: str) -> list[tuple[str, str | None, bool]]:
    doc = Document(RawDocument(path="scan.pdf", sha256="", media_type="application/pdf",
                               pages=[PageText(text, "ocr")]))
    return [(c.value["name"], c.value["position"], c.value["witness"]) for c in signatories.extract(doc, Options())]


@pytest.mark.parametrize("rows", [
    pytest.param("พยาน ลงชื่อ\nพยาน\n", id="row-split-at-the-columns-once-its-dots-are-gone"),
    pytest.param("(asta) พยาน\n\n(ลงชื่อ) พยาน\n", id="garbled-bracketed-label"),
])
def test_witness_rows_a_scan_reads_without_their_dots(rows):
    text = ("(นายอนุชิต ศรีบุญเรือง)\nนายกเทศมนตรีนครขอนแก่น\n" + rows +
            "(นางสาวนันทนา ภูมิสะอาด)\n\n(นางสาวกาญจนา ทองแสน)\n")
    assert _scanned_people(text) == [("นายอนุชิต ศรีบุญเรือง", "นายกเทศมนตรีนครขอนแก่น", False),
                                     ("นางสาวนันทนา ภูมิสะอาด", None, True), ("นางสาวกาญจนา ทองแสน", None, True)]


def test_scanned_position_stops_at_the_heading_over_the_next_signature():
    text = ("(พลตำรวจเอก อดิศร ชัยวัฒนากุล)\n\nผู้บัญชาการตำรวจแห่งชาติ\n\n"
            "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์\n\n(นางสาวพัชรินทร์ อุดมศักดิ์)\n\n"
            "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์\n")
    assert [(name, position) for name, position, _ in _scanned_people(text)] == [
        ("พลตำรวจเอก อดิศร ชัยวัฒนากุล", "ผู้บัญชาการตำรวจแห่งชาติ"),
        ("นางสาวพัชรินทร์ อุดมศักดิ์", "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์")]


COVER_AND_MOU = ("ที่ ศธ ๐๕๙๐/๑๕๔๓\nเรื่อง ขอเชิญร่วมพิธีลงนามบันทึกความเข้าใจ\nเรียน อธิการบดี\n"
                 "ที่ประชุมเห็นชอบร่างบันทึกความเข้าใจ และกำหนดให้มีพิธีลงนามในวันที่ ๒๕ พฤศจิกายน ๒๕๕๗\n"
                 "จึงเรียนมาเพื่อโปรดทราบ\n\n\f"
                 "บันทึกความเข้าใจ\nว่าด้วยความร่วมมือทางวิชาการ\nระหว่าง\nมหาวิทยาลัยแม่ฟ้าหลวง\nกับ\nมหาวิทยาลัยพะเยา\n\n"
                 "๑. ทั้งสองฝ่ายจะแลกเปลี่ยนบุคลากร\n๒. ทั้งสองฝ่ายจะร่วมกันวิจัย\n{signed}\n")


@pytest.mark.parametrize("signed, expected", [
    ("ทำ ณ วันที่ ........ เดือน ................ พ.ศ. ๒๕๕๗", None),
    ("ทั้งสองฝ่ายได้ลงนามไว้เป็นสำคัญ", "2014-11-25"),
], ids=["draft-left-blank", "copy-without-its-date"])
def test_a_draft_left_to_be_dated_takes_no_date_from_the_letter_that_plans_its_signing(signed, expected):
    text = COVER_AND_MOU.format(signed=signed)
    agreement = agreements.extract(Document.from_text(text), Options())[0].value
    assert agreement["date"] == expected
