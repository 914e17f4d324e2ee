"""Contact details of the issuing unit: the phone line of a memo, the footer block of a letter."""
from __future__ import annotations

import re

from extractors.base import Candidate, flat
from models.options import Options
from pipeline.document import Document

PHONE_LINE = re.compile(r"(?:^|\s)(?:โทร(?:ศัพท์)?\.?(?:\s*/\s*โทรสาร)?|Tel\.?)\s*(?P<rest>\d.*)$", re.I)
PHONE = re.compile(r"\d[\d\s-]{5,}\d(?:\s*ต่อ\s*\d+(?:\s*-\s*\d+)?)?")
FAX = re.compile(r"โทรสาร\s*(?P<fax>(?:ต่อ\s*)?\d[\d\s-]*\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def extract(doc: Document, options: Options) -> list[Candidate]:
    """The first phone line, with the unit lines right above it (letters) and fax and email near it.

    >>> doc = Document.from_text("สำนักส่งเสริมการพัฒนาเศรษฐกิจ\\nโทร./โทรสาร ๐ ๒๒๔๑ ๙๐๐๐ ต่อ ๔๑๓๒-๓")
    >>> extract(doc, Options())[0].value["phone"]
    '0 2241 9000 ต่อ 4132-3'
    """
    for line in doc.lines:
        m = PHONE_LINE.search(line.text)
        if not m:
            continue
        phone = PHONE.search(m.group("rest"))
        if not phone:
            continue
        value = {"unit": None, "phone": flat(phone.group()), "fax": None, "email": None}
        if "โทรสาร" in line.text[:m.start("rest")]:
            value["fax"] = value["phone"]
        fax = FAX.search(line.text)
        if fax:
            value["fax"] = flat(fax.group("fax"))
        unit_lines = []
        for above in reversed(doc.lines[max(0, line.index - 3):line.index] if m.start() == 0 else []):
            if above.blank or len(above.text) > 80 or above.text.startswith(("(", "ส่วนราชการ")):
                break
            unit_lines.insert(0, above.text)
        if unit_lines:
            value["unit"] = flat(" ".join(unit_lines))
        email = EMAIL.search(" ".join(x.text for x in doc.lines[line.index:line.index + 3]))
        value["email"] = email.group() if email else None
        return [Candidate(value, line.start, line.end, "contact.phone_line", 0.8)]
    return []
