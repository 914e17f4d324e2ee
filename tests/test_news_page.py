"""News pages read from a scan: the headline printed twice and wrapped differently, the credit line
without the rule above it."""
from __future__ import annotations

from extractors import web_page
from models.options import Options
from pipeline.document import Document

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
