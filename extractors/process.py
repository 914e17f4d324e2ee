"""The whole job for one file, top to bottom: ingest → pages → normalise → extract → assemble.

``saraban extract`` and the tests call ``process_document``; Prefect tasks wrap ``extract_with_text``,
which also hands back the normalised text for the search index.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from extractors.assemble import assemble
from models.errors import ExtractionError, SarabanError
from models.options import Options
from models.record import Record
from pipeline.document import Document
from pipeline.ingest import read_document
from pipeline.pages import PageText, RawDocument


@dataclass(frozen=True)
class StageTimes:
    """Wall seconds of each stage for one document (``saraban extract --timings``, benchmarks)."""

    pages: int
    ocr_pages: int
    read: float       # ingest: text layers, rasterising and OCR
    normalise: float
    extract: float

    def as_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Extracted:
    record: Record
    text: str
    times: StageTimes
    raw: RawDocument | None = None  # the pages as read (with OCR words): stored, so reprocessing needs no OCR


def extract_with_text(path: str | Path, options: Options | None = None) -> Extracted:
    options = options or Options()
    started = time.perf_counter()
    raw = read_document(path, options)
    return extract_from_raw(raw, options, time.perf_counter() - started)


def extract_from_raw(raw: RawDocument, options: Options | None = None, read_s: float = 0.0) -> Extracted:
    """The record from pages already read: the tail of ``extract_with_text``, and ``saraban reprocess``."""
    options = options or Options()
    path = raw.path
    started = time.perf_counter() - read_s
    read = time.perf_counter()
    document = Document(raw)
    normalised = time.perf_counter()
    try:
        record = assemble(document, options)
    except SarabanError:
        raise
    except Exception as exc:  # an extractor bug must name the file, not kill the batch
        raise ExtractionError(f"{type(exc).__name__}: {exc}", path=str(path)) from exc
    times = StageTimes(len(raw.pages), sum(p.method == "ocr" for p in raw.pages), read - started,
                       normalised - read, time.perf_counter() - normalised)
    return Extracted(record, document.text, times, raw)


def value_spans(record: Record) -> list[tuple[int, int, str]]:
    """Each extracted value's span in the normalised text, labelled by its field (``/agreements/0/parties/1``
    is ``agreements.parties``); values with no span of their own (empty spans) are left out."""
    spans = []
    for pointer, evidence in record.provenance.items():
        label = ".".join(part for part in pointer.strip("/").split("/") if not part.isdigit())
        if evidence.end > evidence.start:
            spans.append((evidence.start, evidence.end, label))
    return spans


def process_document(path: str | Path, options: Options | None = None) -> Record:
    return extract_with_text(path, options).record


_WARM_UP_LETTER = """บันทึกข้อความ
ส่วนราชการ สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดแพร่ โทรศัพท์ ๐-๕๔๕๓-๔๑๑๙
ที่ พร ๐๐๗๗.๓/ว ๕๑๐ วันที่ ๑๑ ตุลาคม ๒๕๕๕
เรื่อง บันทึกข้อตกลงว่าด้วยความร่วมมือในการจัดตั้งศูนย์ปฏิบัติการร่วม
เรียน ท้องถิ่นอำเภอทุกอำเภอ
อ้างถึง หนังสือกระทรวงมหาดไทย ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖ ลงวันที่ ๗ ธันวาคม ๒๕๕๖
สิ่งที่ส่งมาด้วย สำเนาบันทึกข้อตกลง จำนวน ๑ ชุด
ด้วยกระทรวงมหาดไทย ได้ลงนามบันทึกข้อตกลงความร่วมมือระหว่างกระทรวงมหาดไทย กับ มหาวิทยาลัยเชียงใหม่
ข้อ ๑ ทั้งสองฝ่ายตกลงร่วมมือกัน มีผลตั้งแต่วันที่ลงนาม เป็นระยะเวลา ๓ ปี
จึงเรียนมาเพื่อโปรดทราบ
(นายสมชาย ใจดี)
ท้องถิ่นจังหวัดแพร่
"""


def warm_up() -> Record:
    """A short letter extracted from memory, so that the word lists, patterns and tables each stage
    loads on first use are loaded before the first real document (a worker process's first one
    otherwise takes seconds longer).

    >>> warm_up().number.value
    'พร 0077.3/ว 510'
    """
    from pipeline.markup import html_to_text
    from pipeline.segment import words

    words("ระหว่างกรมส่งเสริมการปกครองท้องถิ่น กับ มหาวิทยาลัยเชียงใหม่")  # the word list with agency names
    html_to_text("<p>ข้อ&nbsp;๑</p>")  # the HTML entity table
    raw = RawDocument(path="<warm-up>", sha256="0" * 64, media_type="text/plain",
                      pages=[PageText(text=_WARM_UP_LETTER, method="text")])
    return extract_from_raw(raw).record
