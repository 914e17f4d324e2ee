"""Decoding text files: UTF-8 (with or without BOM), UTF-16 and UTF-32 (with or without BOM), legacy
TIS-620/cp874; and control characters cleaned out of every page's text before it goes further."""
from __future__ import annotations

import codecs
import re
from dataclasses import replace

from models.errors import DecodeError
from pipeline.pages import PageText

THAI_BLOCK = range(0x0E01, 0x0E5C)
# A few undecodable bytes in otherwise good UTF-8 (a stray byte from a copy-and-paste) are replaced
# and named in the record's warnings; more than this share means the file is not UTF-8.
STRAY_BYTE_SHARE = 0.01
# C0 and C1 control characters but tab, line feed, carriage return and form feed (a page break),
# and the non-characters U+FFFE/U+FFFF: they hide text from search and PostgreSQL refuses NUL.
CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a BOM, told by where the zero bytes fall: ASCII and Thai letters
    (U+0E01-U+0E5B) leave the high bytes 0x00 or 0x0E.

    >>> _wide_encoding("ที่ มท 2556".encode("utf-16-le")), _wide_encoding("ที่ มท".encode("utf-32-be"))
    ('utf-16-le', 'utf-32-be')
    """
    sample = data[:4096]
    if len(sample) >= 8 and len(data) % 4 == 0:
        quads = [sample[i:i + 4] for i in range(0, len(sample) - 3, 4)]
        if all(q[2] == 0 and q[3] == 0 for q in quads):
            return "utf-32-le"
        if all(q[0] == 0 and q[1] == 0 for q in quads):
            return "utf-32-be"
    if len(sample) >= 4 and len(data) % 2 == 0:
        high_odd, high_even = sample[1::2], sample[0::2]
        for high, name in ((high_odd, "utf-16-le"), (high_even, "utf-16-be")):
            share = sum(b in (0, 0x0E) for b in high) / len(high)
            if share >= 0.9 and high.count(0) >= 1:
                return name
    return None


def decode_text_with_notes(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Decoded text and what was done to decode it (stray bytes replaced), for the record's warnings.

    >>> decode_text_with_notes("เรื่อง ".encode() + b"\\xff" + "ขอเชิญ".encode(), "a.txt")
    ('เรื่อง \\ufffdขอเชิญ', ('1 byte not valid UTF-8 replaced (first at byte 19)',))
    """
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[len(bom):], name, path), ()
    wide = _wide_encoding(data)
    if wide:
        return _strict(data, wide, path), ()
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if any(ord(c) in THAI_BLOCK or c.isascii() and c.isalpha() for c in text) and stray <= max(3, STRAY_BYTE_SHARE * len(text)):
        return text, (f"{stray} byte{'s' if stray > 1 else ''} not valid UTF-8 replaced (first at byte {first})",)
    # TIS-620 is cp874 without the Windows extras; cp874 decodes both.
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8, UTF-16, UTF-32 or TIS-620/cp874 text ({exc.reason} at byte {exc.start})",
                          path=path) from exc
    if not any(ord(c) in THAI_BLOCK for c in text):
        raise DecodeError("not UTF-8, and decoding as TIS-620/cp874 gives no Thai", path=path)
    return text, ()


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"looks like {encoding.upper()} but is not ({exc.reason} at byte {exc.start})",
                          path=path) from exc


def decode_text(data: bytes, path: str) -> str:
    """Decode bytes, trying the encodings Thai government files are found in.

    >>> decode_text("ที่ มท".encode("cp874"), "a.txt")
    'ที่ มท'
    >>> decode_text("ที่ มท".encode("utf-16-le"), "a.txt")
    'ที่ มท'
    """
    return decode_text_with_notes(data, path)[0]


def clean_page(page: PageText) -> PageText:
    """Control characters out of a page's text, named in its notes. A page with word boxes keeps its
    offsets (each becomes a space); other pages lose them.

    >>> clean_page(PageText("ที่\\x00 มท", "text")).text
    'ที่ มท'
    """
    found = CONTROL.findall(page.text)
    if not found:
        return page
    text = CONTROL.sub(" " if page.words else "", page.text)
    note = f"{len(found)} control character{'s' if len(found) > 1 else ''} removed (such as U+{ord(found[0]):04X})"
    return replace(page, text=text, notes=page.notes + (note,))
