"""Each PDF page's text layer judged before it is trusted: PDFs made at test time, one per breakage
Thai PDFs show (glyph soup from a font without a usable Unicode map, split sara am, marks out of
order, a scan over a garbage layer, a mix), each asserting the page's decision."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from extractors.process import process_document
from models.errors import UnreadableDocument
from pipeline.ingest import read_document
from pipeline.text_layer_judge import judge, measure, repair
from tests.conftest import RAW, THAI_FONT

FONTS = THAI_FONT.parent
needs_fonts = pytest.mark.skipif(not (FONTS / "Garuda.ttf").exists() or not THAI_FONT.exists(),
                                 reason="fonts-tlwg not installed")

ACT = ["พระราชบัญญัติ", "ว่าด้วยการกำหนดอำนาจหน้าที่ของสำนักงานส่งเสริมการปกครองท้องถิ่น",
       "มาตรา ๑ พระราชบัญญัตินี้เรียกว่า พระราชบัญญัติกำหนดอำนาจหน้าที่",
       "มาตรา ๒ ให้สำนักงานมีอำนาจหน้าที่ดำเนินการตามที่กำหนดไว้ในหนังสือเล่มนี้",
       "มาตรา ๓ ให้รัฐมนตรีว่าการกระทรวงมหาดไทยรักษาการตามพระราชบัญญัตินี้"]
LETTER = ["ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖", "กรมส่งเสริมการปกครองท้องถิ่น", "๗ ธันวาคม ๒๕๕๖",
          "เรื่อง ขอความร่วมมือประชาสัมพันธ์", "เรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด",
          "ตามที่กรมส่งเสริมการปกครองท้องถิ่นได้ดำเนินโครงการพัฒนาศักยภาพบุคลากรท้องถิ่น"]


def split_sara_am(line: str) -> str:
    """The layer a font writes when sara am's nikhahit is lost: a space before its aa."""
    return line.replace("\u0e33", " \u0e32")


def marks_out_of_order(line: str) -> str:
    """Tone marks written after the aa they stand before (หนา้), or after the next consonant (เลม่)."""
    line = re.sub("([\u0e48\u0e49])\u0e32", "\u0e32\\1", line)
    return re.sub("(?<=[\u0e01-\u0e2e])([\u0e48\u0e49])([\u0e01-\u0e2e])(?![\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])",
                  "\\2\\1", line)


def break_unicode_map(data: bytes, font: str) -> bytes:
    """The PDF with ``font``'s ToUnicode map pointing Thai glyphs at ASCII symbols and letters, as a
    font with its own encoding does; same byte lengths, so the cross-reference table stays right."""
    found = re.search(rb"/BaseFont /[A-Z]+\+" + font.encode() + rb"\s.*?/ToUnicode (\d+) 0 R", data, re.S)
    start = data.index(b"\n%s 0 obj" % found.group(1))
    end = data.index(b"endobj", start)
    soup = re.sub(rb"(<[0-9A-F]{4}> )<0E([0-9A-F]{2})>",
                  lambda m: m.group(1) + b"<%04X>" % (0x21 + (int(m.group(2), 16) * 7) % 94), data[start:end])
    return data[:start] + soup + data[end:]


def make_pdf(path: Path, pages: list[dict]) -> Path:
    """A PDF page by page: ``lines`` in ``font`` (shaped as office suites write it unless
    ``shaped`` is False), over an ``image`` covering the page when given, the text then invisible."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    pdf = FPDF()
    pdf.compress = False
    pdf.add_font("Laksaman", fname=str(THAI_FONT))
    pdf.add_font("Garuda", fname=str(FONTS / "Garuda.ttf"))
    for page in pages:
        pdf.add_page()
        pdf.set_font(page.get("font", "Laksaman"), size=16)
        pdf.set_text_shaping(page.get("shaped", True))
        if page.get("image"):
            pdf.image(str(page["image"]), x=0, y=0, w=210, h=297)
            pdf.text_mode = TextMode.INVISIBLE
        for line in page.get("lines", []):
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
        pdf.text_mode = TextMode.FILL
    data = bytes(pdf.output())
    if any(page.get("font") == "Garuda" for page in pages):
        data = break_unicode_map(data, "Garuda")  # Garuda stands for a font embedded without a usable map
    path.write_bytes(data)
    return path


def decisions(raw) -> list[str]:
    return [page.decision.decision for page in raw.pages]


# --- the measures, on text ------------------------------------------------------------------------

@pytest.mark.parametrize("text, decision", [
    pytest.param("\n".join(LETTER), "used", id="good-letter"),
    pytest.param("\n".join(split_sara_am(line) for line in ACT), "repaired", id="split-sara-am"),
    pytest.param("\n".join(marks_out_of_order(line) for line in ACT), "repaired", id="marks-out-of-order"),
    pytest.param(" ".join("  ".join(" ".join(word) for word in line.split()) for line in LETTER[3:]), "repaired",
                 id="spaced-out-letters"),
    pytest.param("\n".join(LETTER).encode("cp874").decode("latin-1"), "repaired", id="thai-read-as-latin1"),
    pytest.param("\n".join(LETTER[:3] + ["\x06!\x08\x0b!\x08\"!\x08\"#\x08$\x1a\x01%\x1d&\x15\x1e'\x1d(\x18\x01" * 3]),
                 "ocr",
                 id="glyph-numbers-as-control-characters"),
    pytest.param("%0%211> คBO#ค%1O'02NN2%>#/>??/>'BN#2> 1B์ " * 4, "ocr", id="glyph-soup-from-the-issue"),
    pytest.param("", "ocr", id="no-text-layer"),
    # a hospital's scanned announcement whose old OCR layer wrote Thai in a legacy 8-bit font: few symbols,
    # no Thai, but Latin words with digits and brackets inside them
    pytest.param("o.d fiarn1flu6ru:r r lilfrl:nrj:v,frrr-:fir{Juorja::nsionr:lirlru - --- - - uavfrluiu:orunud\n"
                 "r.u tri rfl urid tn u Yu1uuyr n n:fi UI\n"
                 "o.e.J LIJ LUlJ6l t, mqAd tAfl rlfl [tA vfl 0{tJU t}J1U ntno I\n"
                 "o.a fi n:urf, uaas {urvru:rnra u:flotunr:lirnuuasaru'r:ndurJfr uhlruuonnar\n"
                 "o. o o a 1 il'r : n ri! : n 6'n : u 1 u u u ei ua u : a u u e{ld tffLu o ryg r n riu ii )",
                 "ocr", id="legacy-font-ocr-layer-read-as-latin"),
    pytest.param("Nulla felis erat, imperdiet eu, ullamcorper non, nonummy quis, elit. Suspendisse potenti. "
                 "Ut a eros at ligula vehicula pretium. Maecenas feugiat pede vel risus, see p1 and COVID19 "
                 "at www.example.com or mail info@example.com.", "used", id="english-page"),
])
def test_page_decision_from_text(text, decision, options):
    assert judge(text, 1, options).decision == decision


def test_repairs_give_back_the_words(options):
    broken = "\n".join(marks_out_of_order(split_sara_am(line)) for line in ACT)
    assert broken != "\n".join(ACT)
    judgement = judge(broken, 1, options)
    assert judgement.decision == "repaired" and judgement.text == "\n".join(ACT)
    assert "join_split_sara_am" in judgement.reason and measure(judgement.text).invalid == 0


def test_word_export_marks_one_letter_late_are_moved_back(options):
    """Word's PDF export writes a vowel or tone mark after the next letter (จดัการ, แกไ้ข, ขอ้มูล)
    and sara am as aa and a space (ดา เนินการ)."""
    layer = "\n".join(["1. จดัการเพิ่ม ลบ แกไ้ขขอ้มูลส่วนตวัของผใู้ช้", "2. จดัการคน้หาขอ้มูลหน่วยงาน",
                       "3. แกไ้ขสถานะการดา เนินการของหน่วยงาน", "4. บนัทึกรายละเอียดขอ้มูลจดหมายรับเขา้"])
    judgement = judge(layer, 1, options)
    assert judgement.decision == "repaired" and "move_late_marks" in judgement.reason
    for word in ("จัดการ", "แก้ไขข้อมูล", "ส่วนตัวของผู้ใช้", "ค้นหา", "ดำเนินการ", "บันทึก", "รับเข้า"):
        assert word in judgement.text


def test_a_clean_page_is_not_touched_by_the_repairs():
    text = "\n".join(LETTER + ACT)
    assert repair(text) == (text, [])


# --- PDFs made at test time ---------------------------------------------------------------------

@needs_fonts
def test_split_sara_am_page_is_repaired(tmp_path, options):
    raw = read_document(make_pdf(tmp_path / "am.pdf", [{"lines": [split_sara_am(x) for x in ACT], "shaped": False}]),
                        options)
    assert decisions(raw) == ["repaired"]
    assert "อำนาจหน้าที่ของสำนักงาน" in raw.pages[0].text
    assert "join_split_sara_am" in raw.pages[0].decision.reason


@needs_fonts
def test_reordered_marks_page_is_repaired(tmp_path, options):
    pdf = make_pdf(tmp_path / "marks.pdf", [{"lines": [marks_out_of_order(x) for x in ACT], "shaped": False}])
    record = process_document(pdf, options)
    [detail] = record.source.pages_detail
    assert detail.decision == "repaired" and "reorder_marks" in detail.reason
    assert any("page 1: text layer repaired" in w for w in record.warnings)
    assert record.source.text_method == "pdf_text"


@needs_fonts
def test_glyph_soup_is_judged_broken(tmp_path, options):
    """A Thai font embedded without a usable Unicode map: its layer goes to OCR, never used."""
    import pypdfium2 as pdfium

    pdf = make_pdf(tmp_path / "soup.pdf", [{"lines": LETTER, "font": "Garuda"}])
    layer = pdfium.PdfDocument(str(pdf))[0].get_textpage().get_text_range()
    judgement = judge(layer, 1, options)
    assert judgement.decision == "ocr" and "glyph soup" in judgement.reason, (layer, judgement.reason)


@pytest.mark.ocr
@needs_fonts
def test_glyph_soup_page_is_read_by_ocr(tmp_path, options):
    record = process_document(make_pdf(tmp_path / "soup.pdf", [{"lines": LETTER, "font": "Garuda"}]), options)
    assert [d.decision for d in record.source.pages_detail] == ["ocr"]
    assert record.source.text_method == "ocr"
    assert record.to == "ผู้ว่าราชการจังหวัด ทุกจังหวัด"  # read from the pixels: the layer has no Thai at all


@pytest.mark.ocr
@needs_fonts
def test_scan_over_a_garbage_text_layer_is_ocrd(tmp_path, options):
    scan = tmp_path / "scan.jpg"
    Image.open(RAW / "scan_002_dfd2a0fd8d76cdea-p01.png").convert("L").save(scan, quality=85)
    pdf = make_pdf(tmp_path / "scan.pdf", [{"image": scan, "lines": LETTER * 3, "font": "Garuda"}])
    raw = read_document(pdf, options)
    assert decisions(raw) == ["ocr"]
    assert "glyph soup" in raw.pages[0].decision.reason
    assert "ที่" in raw.pages[0].text and raw.pages[0].ocr_confidence


@pytest.mark.ocr
@needs_fonts
def test_mixed_pdf_each_page_decided_on_its_own(tmp_path, options):
    pdf = make_pdf(tmp_path / "mixed.pdf", [
        {"lines": LETTER, "shaped": False},  # written character by character: the layer is the text
        {"lines": [split_sara_am(marks_out_of_order(x)) for x in ACT], "shaped": False},
        {"lines": ACT, "font": "Garuda"},
        {},  # a blank page: nothing to read anywhere
    ])
    record = process_document(pdf, options)
    assert [(d.page, d.decision) for d in record.source.pages_detail] == [
        (1, "used"), (2, "repaired"), (3, "ocr"), (4, "ocr")]
    assert record.source.text_method == "mixed"
    assert any(w.startswith("page 3: text layer is glyph soup") and w.endswith("OCR used") for w in record.warnings)
    assert any(w.startswith("page 4: no text could be read") for w in record.warnings)
    assert "OCR found no text" in record.source.pages_detail[3].reason
    assert record.number.value == "มท 0891.3/ว 2556"


@pytest.mark.ocr
@needs_fonts
def test_a_document_with_no_readable_page_is_quarantined(prefect_harness, tmp_path, options):
    from flows.ingest import ingest_flow

    folder = tmp_path / "in"
    folder.mkdir()
    make_pdf(folder / "blank.pdf", [{}, {}])
    with pytest.raises(UnreadableDocument, match="page 1: no text layer; OCR found no text"):
        read_document(folder / "blank.pdf", options)
    quarantine = tmp_path / "quarantine"
    report = ingest_flow([str(folder)], f"sqlite:///{tmp_path / 'db.sqlite'}", str(quarantine), options)
    assert report.counts() == {"loaded": 0, "already_present": 0, "quarantined": 1}
    [entry] = list(quarantine.iterdir())
    error = json.loads((entry / "error.json").read_text(encoding="utf-8"))
    assert error["type"] == "UnreadableDocument" and error["stage"] == "ingest"
    assert "no text could be read from any page" in error["message"] and "page 2: no text layer" in error["message"]


# --- the Royal Gazette's running header ----------------------------------------------------------

@needs_fonts
def test_gazette_header_is_furniture_and_a_field_of_its_own(tmp_path, options):
    header = "เล่ม ๑๔๒ ตอนที่ ๖๑ ก หน้า {} ราชกิจจานุเบกษา ๑๘ กันยายน ๒๕๖๘"
    body = ["ประกาศกระทรวงมหาดไทย", "เรื่อง กำหนดอำนาจหน้าที่ของสำนักงานส่งเสริมการปกครองท้องถิ่น",
            "ข้อ ๑ ประกาศนี้ให้ใช้บังคับตั้งแต่วันถัดจากวันประกาศในราชกิจจานุเบกษาเป็นต้นไป"]
    end = ["ข้อ ๒ ให้ปลัดกระทรวงมหาดไทยรักษาการตามประกาศนี้", "ประกาศ ณ วันที่ ๑๐ กันยายน พ.ศ. ๒๕๖๘"]
    pdf = make_pdf(tmp_path / "gazette.pdf", [{"lines": [header.format("๑")] + body},
                                              {"lines": [marks_out_of_order(x) for x in [header.format("๒")] + end],
                                               "shaped": False}])
    record = process_document(pdf, options)
    assert record.gazette.model_dump() == {"volume": 142, "section": "61 ก", "page": 1, "published": "2025-09-18",
                                           "published_raw": "๑๘ กันยายน ๒๕๖๘"}
    assert record.date == "2025-09-10"  # the document's own date, not the issue's
    evidence = record.provenance["/gazette"]
    assert evidence.page == 1 and evidence.start == evidence.end and evidence.text.startswith("เล่ม ๑๔๒")
    assert "ราชกิจจานุเบกษา 18" not in record.model_dump_json()  # the header is nowhere in the values
    assert record.source.pages_detail[1].decision == "repaired"  # เลม่ … หนา้ mended, then recognised
