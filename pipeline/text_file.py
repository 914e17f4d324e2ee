"""Decoding text files: UTF-8 (with or without BOM), UTF-16 with BOM, legacy TIS-620/cp874."""
from __future__ import annotations

import codecs

from models.errors import DecodeError

THAI_BLOCK = range(0x0E01, 0x0E5C)


def decode_text(data: bytes, path: str) -> str:
    """Decode bytes, trying the encodings Thai government files are found in.

    >>> decode_text("ที่ มท".encode("cp874"), "a.txt")
    'ที่ มท'
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # TIS-620 is cp874 without the Windows extras; cp874 decodes both.
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8, UTF-16 or TIS-620/cp874 text ({exc.reason} at byte {exc.start})",
                          path=path) from exc
    if not any(ord(c) in THAI_BLOCK for c in text):
        raise DecodeError("not UTF-8, and decoding as TIS-620/cp874 gives no Thai", path=path)
    return text
