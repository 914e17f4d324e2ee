"""The canonical record (docs/record.md, schema version 1) as pydantic models.

Field names are a contract read by other systems: add fields, never rename.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

DocType = Literal["external_letter", "memo", "stamped_letter", "order", "regulation", "announcement",
                  "news", "mou", "plan", "minutes", "presentation", "other"]
TextMethod = Literal["text", "pdf_text", "ocr", "mixed"]
PeriodUnit = Literal["day", "week", "month", "year"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageDetail(_Model):
    """How one PDF page was read: its text layer ``used`` as it is, ``repaired``, or ``ocr``."""

    page: int = Field(description="1-based page number")
    decision: Literal["used", "repaired", "ocr"] = Field(description="the text layer used as it is, repaired, "
                                                                     "or the page read by OCR")
    score: float = Field(ge=0, le=1, description="the text layer's readability 0..1 (after repair when repaired)")
    reason: str = Field(description="why, in words")


class Source(_Model):
    path: str = Field(description="the file as given on the command line")
    sha256: str = Field(description="SHA-256 of the file's bytes: the document's identity (the API's id)")
    media_type: str = Field(description="text/plain, text/markdown, text/html, application/pdf, image/png, "
                                        "image/jpeg or image/tiff")
    pages: int = Field(1, description="physical pages (1 for plain text unless it marks pages)")
    text_method: TextMethod = Field("text", description="how the text was obtained: text, pdf_text (the PDF's "
                                                        "text layer), ocr, or mixed")
    ocr_confidence: float | None = Field(None, description="mean OCR word confidence 0..1 where OCR was used")
    pages_detail: list[PageDetail] | None = Field(None, description="each PDF page's text layer decision")


class DocumentNumber(_Model):
    """The document's own number: the ``ที่ …`` line of a letter or order."""

    raw: str = Field(description="the number as printed, e.g. พร ๐๐๗๗.๓/ว ๕๑๐")
    value: str = Field(description="the number normalised, e.g. พร 0077.3/ว 510")
    agency_code: str | None = Field(None, description="the letter code before the digits, e.g. พร")
    agency: str | None = Field(None, description="the agency the letter code stands for, when known")
    circular: bool = Field(False, description="true when /ว marks a circular (หนังสือเวียน)")


class Person(_Model):
    """Someone who signs: a document's or an agreement's signatory, or a witness."""

    name: str = Field(description="the name as printed, with its honorific")
    position: str | None = Field(None, description="the position as printed under the name")
    acting: str | None = Field(None, description="รักษาราชการแทน / ปฏิบัติราชการแทน / รักษาการแทน, as written")


class Contact(_Model):
    """The contact block at the foot of a letter."""

    unit: str | None = Field(None, description="the unit to contact")
    phone: str | None = Field(None, description="telephone number(s) as printed")
    fax: str | None = Field(None, description="fax number(s) as printed")
    email: str | None = Field(None, description="e-mail address as printed")


class Clause(_Model):
    """A numbered clause of an agreement, or a numbered provision (ข้อ) of a regulation or order."""

    label: str = Field(description="the clause number in Arabic digits, e.g. 1 or 2.1")
    text: str = Field(description="the clause's text")


class Period(_Model):
    """A notice period or a term: value and unit as written, days converted with 7 / 30 / 365."""

    raw: str = Field(description="as written, e.g. ไม่น้อยกว่าเก้าสิบวัน")
    value: int = Field(description="the number as written (Thai number words count)")
    unit: PeriodUnit = Field(description="day, week, month or year")
    days: int = Field(description="the period in days (7 / 30 / 365 a week, month, year)")


class Agreement(_Model):
    """An MOU or agreement in the document (บันทึกข้อตกลง / บันทึกความเข้าใจ)."""

    title: str | None = Field(None, description="the agreement's title")
    date: str | None = Field(None, description="date signed, ISO 8601; null if the document never says")
    parties: list[str] = Field([], description="one entry per organisation that is a party, full name as written")
    party_aliases: dict[str, list[str]] = Field(default_factory=dict,
                                                description="bracketed abbreviations, e.g. (สสส.)")
    clauses: list[Clause] = Field([], description="the agreement's numbered clauses")
    termination_notice: Period | None = Field(None, description="notice needed to end the agreement")
    effective: str | None = Field(None, description="when it takes effect, as written")
    duration: Period | None = Field(None, description="the agreement's term")
    renewal: str | None = Field(None, description="automatic renewal or extension, as written")
    signatories: list[Person] = Field([], description="who signs the agreement")
    witnesses: list[Person] = Field([], description="witnesses (พยาน): they sign nothing")


class Project(_Model):
    """A project of a plan's strategic issue."""

    name: str = Field(description="the project's name as written")
    owner: str | None = Field(None, description="the agency responsible")
    budget_baht: float | None = Field(None, description="its budget in baht")


class StrategicIssue(_Model):
    """A plan's strategic issue (ประเด็นยุทธศาสตร์)."""

    label: str | None = Field(None, description="its number, Arabic digits")
    title: str = Field(description="its title")
    goals: list[str] = Field([], description="เป้าประสงค์")
    indicators: list[str] = Field([], description="ตัวชี้วัด")
    strategies: list[str] = Field([], description="กลยุทธ์")
    projects: list[Project] = Field([], description="its projects")


class PlanPeriod(_Model):
    start_year: int | None = Field(None, description="first year, Gregorian")
    end_year: int | None = Field(None, description="last year, Gregorian")


class Plan(_Model):
    """A development or action plan (แผนพัฒนาจังหวัด / กลุ่มจังหวัด / แผนปฏิบัติราชการ)."""

    plan_type: str | None = Field(None, description="the kind of plan as written")
    area: str | None = Field(None, description="the province or province group it covers")
    period: PlanPeriod | None = Field(None, description="the years it covers")
    fiscal_year: int | None = Field(None, description="fiscal year, Gregorian (ปีงบประมาณ พ.ศ. 2554 → 2011)")
    vision: str | None = Field(None, description="วิสัยทัศน์")
    strategic_issues: list[StrategicIssue] = Field([], description="ประเด็นยุทธศาสตร์, in order")


class Gazette(_Model):
    """Where a Royal Gazette (ราชกิจจานุเบกษา) document was published, from its running header."""

    volume: int = Field(description="เล่ม")
    section: str = Field(description="ตอนที่ with its letter (61 ก), or พิเศษ 215 ง for ตอนพิเศษ")
    page: int | None = Field(None, description="หน้า: the document's first page in the issue")
    published: str | None = Field(None, description="publication date, ISO 8601 (the document's own date stays /date)")
    published_raw: str | None = Field(None, description="the publication date as printed")


class Evidence(_Model):
    """Where a value was read: page, half-open span in the normalised text and in the raw text."""

    page: int = Field(description="1-based page the value was read on")
    start: int = Field(description="start of the span in the normalised text")
    end: int = Field(description="end of the span in the normalised text (half-open)")
    raw_start: int | None = Field(None, description="start of the span in the raw text (pages joined)")
    raw_end: int | None = Field(None, description="end of the span in the raw text (half-open)")
    text: str = Field(description="the text as printed")
    rule: str = Field(description="id of the rule that found the value")
    confidence: float = Field(ge=0, le=1, description="the rule's confidence, scaled by OCR word confidence "
                                                      "on scans")


class Record(_Model):
    """One document: the canonical record (docs/record.md)."""

    schema_version: str = Field(SCHEMA_VERSION, description="version of this record layout")
    source: Source = Field(description="the input file and how its text was read")
    doc_type: DocType = Field("other", description="kind of document, per the Regulation on Correspondence "
                                                   "(external_letter = หนังสือภายนอก, memo = บันทึกข้อความ, …)")
    number: DocumentNumber | None = Field(None, description="the document's own number (ที่ …, ฉบับที่ …)")
    date: str | None = Field(None, description="the document's own date, ISO 8601 Gregorian (BE − 543)")
    date_raw: str | None = Field(None, description="the date as printed")
    subject: str | None = Field(None, description="เรื่อง")
    to: str | None = Field(None, description="เรียน: the addressee")
    references: list[str] = Field([], description="อ้างถึง: documents referred to")
    enclosures: list[str] = Field([], description="สิ่งที่ส่งมาด้วย: what is sent with it")
    issuer: str | None = Field(None, description="the issuing office")
    signatories: list[Person] = Field([], description="who signs this document (not people merely mentioned)")
    contact: Contact | None = Field(None, description="the contact block")
    agreements: list[Agreement] = Field([], description="each MOU or agreement in the document, in order")
    clauses: list[Clause] = Field([], description="a regulation's, order's or announcement's own numbered "
                                                  "provisions; a letter's points are not clauses")
    plan: Plan | None = Field(None, description="plan content, for plans and plans inside other documents")
    gazette: Gazette | None = Field(None, description="where a Royal Gazette document was published (its running header)")
    provenance: dict[str, Evidence] = Field({}, description="JSON pointer of each value → where it was read")
    warnings: list[str] = Field([], description="what could not be read cleanly, in words")
