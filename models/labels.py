"""Thai words for what a person reads: document types, Buddhist-era dates, export column labels.

The record keeps its codes (``external_letter``) and ISO dates; these labels sit beside them in the
review page, the Excel export and the API's ``*_th`` fields.
"""
from __future__ import annotations

from datetime import date, datetime

DOC_TYPE_TH = {
    "external_letter": "หนังสือภายนอก",
    "memo": "บันทึกข้อความ",
    "stamped_letter": "หนังสือประทับตรา",
    "order": "คำสั่ง",
    "regulation": "ระเบียบ / ข้อบังคับ",
    "announcement": "ประกาศ / แถลงการณ์",
    "news": "ข่าว",
    "mou": "บันทึกข้อตกลง",
    "plan": "แผน",
    "minutes": "รายงานการประชุม",
    "presentation": "เอกสารนำเสนอ",
    "other": "อื่น ๆ",
}

THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


def doc_type_th(code: str | None) -> str:
    """The Thai name of a document type code.

    >>> doc_type_th("external_letter")
    'หนังสือภายนอก'
    """
    return DOC_TYPE_TH.get(code or "", code or "")


def be_date(value: str | date | datetime | None) -> str:
    """An ISO date as a Thai reader writes it, in the Buddhist era (BE = CE + 543).

    >>> be_date("2013-12-07")
    '7 ธันวาคม 2556'
    >>> be_date(None)
    ''
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {THAI_MONTHS[value.month - 1]} {value.year + 543}"


def be_datetime(value: datetime | None) -> str:
    """A moment (UTC as stored) with its Buddhist-era date and the time.

    >>> be_datetime(datetime(2026, 12, 2, 8, 5))
    '2 ธันวาคม 2569 08:05 UTC'
    """
    return f"{be_date(value)} {value:%H:%M} UTC" if value else ""


# Export columns: (key, Thai label). The keys are the plain CSV header; --excel writes the labels.
EXPORT_COLUMNS = (
    ("path", "แฟ้มต้นฉบับ"),
    ("sha256", "รหัสเอกสาร (sha256)"),
    ("doc_type", "ประเภทหนังสือ"),
    ("number", "เลขที่หนังสือ"),
    ("date", "ลงวันที่ (ค.ศ.)"),
    ("subject", "เรื่อง"),
    ("to", "เรียน"),
    ("issuer", "ส่วนราชการเจ้าของหนังสือ"),
    ("signatories", "ผู้ลงนาม"),
    ("agreements", "บันทึกข้อตกลง"),
    ("parties", "คู่ภาคี"),
    ("date_be", "ลงวันที่ (พ.ศ.)"),
    ("corrections", "จำนวนการแก้ไขโดยผู้ตรวจ"),
)

# What each record value is called on the review page, by its JSON pointer with indexes removed.
FIELD_TH = {
    "/doc_type": "ประเภทหนังสือ",
    "/number": "เลขที่หนังสือ",
    "/number/value": "เลขที่หนังสือ",
    "/date": "ลงวันที่",
    "/date_raw": "ลงวันที่ (ตามที่พิมพ์)",
    "/subject": "เรื่อง",
    "/to": "เรียน",
    "/references": "อ้างถึง",
    "/enclosures": "สิ่งที่ส่งมาด้วย",
    "/issuer": "ส่วนราชการเจ้าของหนังสือ",
    "/signatories": "ผู้ลงนาม",
    "/signatories/name": "ผู้ลงนาม",
    "/signatories/position": "ตำแหน่งผู้ลงนาม",
    "/contact": "ติดต่อ",
    "/agreements": "บันทึกข้อตกลง",
    "/agreements/title": "ชื่อบันทึกข้อตกลง",
    "/agreements/date": "วันที่ลงนามบันทึกข้อตกลง",
    "/agreements/parties": "คู่ภาคี",
    "/agreements/clauses": "ข้อตกลง",
    "/agreements/clauses/text": "ข้อตกลง",
    "/agreements/termination_notice": "การบอกเลิก (แจ้งล่วงหน้า)",
    "/agreements/effective": "มีผลบังคับใช้",
    "/agreements/duration": "ระยะเวลา",
    "/agreements/signatories": "ผู้ลงนามบันทึกข้อตกลง",
    "/agreements/signatories/name": "ผู้ลงนามบันทึกข้อตกลง",
    "/agreements/signatories/position": "ตำแหน่งผู้ลงนามบันทึกข้อตกลง",
    "/agreements/witnesses": "พยาน",
    "/clauses": "ข้อ",
    "/clauses/text": "ข้อ",
    "/plan": "แผน",
}


def field_th(pointer: str) -> str:
    """The Thai name of a record value, by its JSON pointer.

    >>> field_th("/agreements/0/parties/3")
    'คู่ภาคี'
    """
    generic = "/" + "/".join(part for part in pointer.strip("/").split("/") if not part.isdigit())
    return FIELD_TH.get(generic, pointer)
