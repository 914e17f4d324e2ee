"""News pages read from a scan: the headline printed twice and wrapped differently, the credit line
without the rule above it."""
from __future__ import annotations

from extractors import web_page
from models.options import Options
from pipeline.document import Document


def _record_of(tmp_path, name: str, content: str):  # noqa: ANN001, ANN202
    """The record of ``content`` saved as ``name``, read as saraban reads a file."""
    from extractors.process import extract_with_text

    page = tmp_path / name
    page.write_text(content, encoding="utf-8")
    return extract_with_text(str(page), Options()).record

# As OCR returns a thaigov.go.th page: the headline after the site's name, wrapped at one place,
# then again alone, wrapped elsewhere, with a letter misread in each copy (น้ำ → นำ / น้า).
SCANNED_PAGE = """รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-โฆษกรัฐบาลแจงเหตุเรือล่มกลางแม่นำเจ้าพระยา จ.อยุธยา เกิดจากรับ
ผู้โดยสารเกินอัตรา ขอให้ทุกฝ่ายเคารพกฎหมาย

วันจันทร์ที่ 31 ตุลาคม 2559

โฆษกรัฐบาลแจงเหตุเรือล่มกลางแม่น้าเจ้าพระยา จ.อยุธยา เกิดจากรับผู้โดยสารเกินอัตรา ขอให้ทุกฝ่าย
เคารพกฎหมาย

วันนี้ เวลา 13.15 น. ณ ศูนย์แถลงข่าวรัฐบาล ตึกนารีสโมสร ทำเนียบรัฐบาล พลโท สรรเสริญ แก้วกำเนิด โฆษกประจำสำนักนายกรัฐมนตรี
กล่าวถึงเหตุเรือล่ม

กลุ่มประชาสัมพันธ์และเผยแพร่ สำนักโฆษก

ที่มา : http://www.thaigov.go.th/news/contents/details/490
"""


def test_a_headline_printed_twice_and_wrapped_differently_is_found_whole():
    found = web_page.title(Document.from_text(SCANNED_PAGE), Options())
    assert [(c.value, c.rule) for c in found] == [
        ("โฆษกรัฐบาลแจงเหตุเรือล่มกลางแม่น้าเจ้าพระยา จ.อยุธยา เกิดจากรับผู้โดยสารเกินอัตรา ขอให้ทุกฝ่าย เคารพกฎหมาย",
         "subject.web_title_echoed")]


def test_the_credit_line_over_the_source_names_the_publisher():
    found = web_page.publisher(Document.from_text(SCANNED_PAGE), Options())
    assert ("กลุ่มประชาสัมพันธ์และเผยแพร่ สำนักโฆษก", "issuer.web_credit_over_source") in [(c.value, c.rule) for c in found]


ORDER_AS_MARKDOWN = """[หน้าแรก](/) | [ข่าวประชาสัมพันธ์](/news) | [ติดต่อเรา](/contact)

คำสั่งกรมการปกครอง
ที่ ๑๒/๒๕๖๕
เรื่อง แต่งตั้งคณะทำงานจัดทำแผนปฏิบัติราชการ

ข้อ ๑\tให้คณะทำงานประกอบด้วย ผู้แทนทุกสำนัก
ข้อ ๒\tให้คณะทำงานรายงานผลต่ออธิบดี

สั่ง ณ วันที่ ๓ มีนาคม พ.ศ. ๒๕๖๕

ลงชื่อ ....................          ลงชื่อ ....................
    (นายสมชาย ใจดี)                     (นางสาวสมหญิง รักงาน)
    อธิบดีกรมการปกครอง                    รองอธิบดีกรมการปกครอง

---

สงวนลิขสิทธิ์ © 2565 กรมการปกครอง | แผนผังเว็บไซต์
"""


def test_an_order_posted_as_markdown_is_read_past_the_sites_menu_and_footer(tmp_path):
    """The menu's ข่าวประชาสัมพันธ์ does not make the order a news item, and the columns typed with
    spaces still say who signs in which."""
    record = _record_of(tmp_path, "order.md", ORDER_AS_MARKDOWN)
    assert record.doc_type == "order"
    assert record.subject == "แต่งตั้งคณะทำงานจัดทำแผนปฏิบัติราชการ"
    assert record.date == "2022-03-03"
    assert [(s.name, s.position) for s in record.signatories] == [
        ("นายสมชาย ใจดี", "อธิบดีกรมการปกครอง"), ("นางสาวสมหญิง รักงาน", "รองอธิบดีกรมการปกครอง")]


# A table-layout page: its menu a plain cell of links, a breadcrumb trail over the order, nothing
# named nav or menu; the order itself one paragraph a line, as sites post them.
ORDER_AS_TABLE_PAGE = """<html><body><table>
<tr><td><a href="/">หน้าแรก</a> | <a href="/news">ข่าวประชาสัมพันธ์</a> | <a href="/ann">ประกาศ</a></td></tr>
<tr><td><div><a href="/">หน้าแรก</a> » <a href="/news">ข่าวประชาสัมพันธ์</a></div>
<p>คำสั่งกรมการปกครอง</p><p>ที่ ๑๒/๒๕๖๕</p><p>เรื่อง แต่งตั้งคณะทำงานจัดทำแผนปฏิบัติราชการ</p>
<p>ข้อ ๑ ให้คณะทำงานประกอบด้วย ผู้แทนทุกสำนัก ดู<a href="/att">รายชื่อ</a></p>
<p>สั่ง ณ วันที่ ๓ มีนาคม พ.ศ. ๒๕๖๕</p>
<p>(นายสมชาย ใจดี)</p><p>อธิบดีกรมการปกครอง</p></td></tr>
<tr><td><a href="/map">แผนผังเว็บไซต์</a> · <a href="/contact">ติดต่อเรา</a></td></tr>
</table></body></html>"""


def test_an_order_on_a_table_layout_page_is_read_without_the_menu_of_links(tmp_path):
    """Cells and lists of nothing but links (menu, breadcrumb trail, footer) are dropped; a link
    inside a sentence stays."""
    from pipeline.markup import html_to_text

    text = html_to_text(ORDER_AS_TABLE_PAGE)
    assert "ข่าวประชาสัมพันธ์" not in text and "แผนผังเว็บไซต์" not in text
    assert "ผู้แทนทุกสำนัก ดูรายชื่อ" in text
    record = _record_of(tmp_path, "order.html", ORDER_AS_TABLE_PAGE)
    assert record.doc_type == "order"
    assert record.subject == "แต่งตั้งคณะทำงานจัดทำแผนปฏิบัติราชการ"
    assert record.date == "2022-03-03"
    assert [(s.name, s.position) for s in record.signatories] == [("นายสมชาย ใจดี", "อธิบดีกรมการปกครอง")]


def test_a_letter_typed_into_a_pre_block_keeps_its_lines_and_columns(tmp_path):
    """Old sites post a letter as typed, in <pre>: its lines and the gaps between the signers' columns
    are the letter's layout, not markup to collapse."""
    letter = ORDER_AS_MARKDOWN.split("\n\n", 1)[1].split("\n---", 1)[0]
    record = _record_of(tmp_path, "order.html",
                        '<table><tr><td><a href="/">หน้าแรก</a> | <a href="/news">ข่าวประชาสัมพันธ์</a></td></tr>'
                        f"<tr><td><pre>\n{letter}</pre></td></tr></table>")
    assert record.doc_type == "order"
    assert record.subject == "แต่งตั้งคณะทำงานจัดทำแผนปฏิบัติราชการ"
    assert [(s.name, s.position) for s in record.signatories] == [
        ("นายสมชาย ใจดี", "อธิบดีกรมการปกครอง"), ("นางสาวสมหญิง รักงาน", "รองอธิบดีกรมการปกครอง")]


# A letter as a word processor saves it as a web page: a paragraph a line, empty paragraphs between
# blocks, the two signers side by side in a table (a row a line), the contact block below.
LETTER_AS_WORD_PAGE = """<html><body>
<p class=MsoNormal>ที่ มท ๐๘๑๐.๒/ว ๑๒๓</p><p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>๑๔ มกราคม ๒๕๖๗</p><p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>เรื่อง ขอเชิญประชุมคณะทำงาน</p><p class=MsoNormal>ด้านการพัฒนาระบบข้อมูล</p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>เรียน ผู้ว่าราชการจังหวัดทุกจังหวัด</p><p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>ด้วยกรมส่งเสริมการปกครองท้องถิ่นจะจัดประชุมคณะทำงาน จึงขอเชิญเข้าร่วมประชุม</p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<table><tr><td>(นายสมชาย ใจดี)</td><td>(นางสาวสมหญิง รักงาน)</td></tr>
<tr><td>อธิบดีกรมส่งเสริมการปกครองท้องถิ่น</td><td>รองอธิบดีกรมส่งเสริมการปกครองท้องถิ่น</td></tr></table>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>กองพัฒนาระบบข้อมูล</p><p class=MsoNormal>โทร. ๐ ๒๒๔๑ ๙๐๐๐</p>
</body></html>"""


def test_a_letter_saved_as_a_web_page_by_a_word_processor_keeps_its_blocks_and_signers(tmp_path):
    """Empty paragraphs set its blocks apart, so its paragraphs are lines of one block (a subject on
    two lines stays whole); signers side by side in a row are read as columns, each with his position."""
    record = _record_of(tmp_path, "letter.html", LETTER_AS_WORD_PAGE)
    assert record.subject == "ขอเชิญประชุมคณะทำงาน ด้านการพัฒนาระบบข้อมูล"
    assert record.to == "ผู้ว่าราชการจังหวัดทุกจังหวัด"
    assert [(s.name, s.position) for s in record.signatories] == [
        ("นายสมชาย ใจดี", "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"),
        ("นางสาวสมหญิง รักงาน", "รองอธิบดีกรมส่งเสริมการปกครองท้องถิ่น")]
