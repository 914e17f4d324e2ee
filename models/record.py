"""The canonical record (../shared/spec/record.md, schema version 1) as pydantic models.

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

    page: int
    decision: Literal["used", "repaired", "ocr"]
    score: float = Field(ge=0, le=1, description="the text layer's readability 0..1 (after repair when repaired)")
    reason: str


class Source(_Model):
    path: str
    sha256: str
    media_type: str
    pages: int = 1
    text_method: TextMethod = "text"
    ocr_confidence: float | None = None
    pages_detail: list[PageDetail] | None = Field(None, description="each PDF page's text layer decision")


class DocumentNumber(_Model):
    """The document's own number: the ``ที่ …`` line of a letter or order."""

    raw: str
    value: str
    agency_code: str | None = None
    agency: str | None = Field(None, description="the agency the letter code stands for, when known")
    circular: bool = False


class Person(_Model):
    name: str
    position: str | None = None
    acting: str | None = Field(None, description="รักษาราชการแทน / ปฏิบัติราชการแทน / รักษาการแทน, as written")


class Contact(_Model):
    unit: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


class Clause(_Model):
    label: str
    text: str


class Period(_Model):
    """A notice period or a term: value and unit as written, days converted with 7 / 30 / 365."""

    raw: str
    value: int
    unit: PeriodUnit
    days: int


class Agreement(_Model):
    title: str | None = None
    date: str | None = None
    parties: list[str] = []
    party_aliases: dict[str, list[str]] = Field(default_factory=dict,
                                                description="bracketed abbreviations, e.g. (สสส.)")
    clauses: list[Clause] = []
    termination_notice: Period | None = None
    effective: str | None = None
    duration: Period | None = None
    renewal: str | None = Field(None, description="automatic renewal or extension, as written")
    signatories: list[Person] = []
    witnesses: list[Person] = []


class Project(_Model):
    name: str
    owner: str | None = None
    budget_baht: float | None = None


class StrategicIssue(_Model):
    label: str | None = None
    title: str
    goals: list[str] = []
    indicators: list[str] = []
    strategies: list[str] = []
    projects: list[Project] = []


class PlanPeriod(_Model):
    start_year: int | None = None
    end_year: int | None = None


class Plan(_Model):
    plan_type: str | None = None
    area: str | None = None
    period: PlanPeriod | None = None
    fiscal_year: int | None = None
    vision: str | None = None
    strategic_issues: list[StrategicIssue] = []


class Gazette(_Model):
    """Where a Royal Gazette (ราชกิจจานุเบกษา) document was published, from its running header."""

    volume: int = Field(description="เล่ม")
    section: str = Field(description="ตอนที่ with its letter (61 ก), or พิเศษ 215 ง for ตอนพิเศษ")
    page: int | None = Field(None, description="หน้า: the document's first page in the issue")
    published: str | None = Field(None, description="publication date, ISO 8601 (the document's own date stays /date)")
    published_raw: str | None = None


class Evidence(_Model):
    """Where a value was read: page, half-open span in the normalised text and in the raw text."""

    page: int
    start: int
    end: int
    raw_start: int | None = None
    raw_end: int | None = None
    text: str
    rule: str
    confidence: float = Field(ge=0, le=1)


class Record(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    doc_type: DocType = "other"
    number: DocumentNumber | None = None
    date: str | None = None
    date_raw: str | None = None
    subject: str | None = None
    to: str | None = None
    references: list[str] = []
    enclosures: list[str] = []
    issuer: str | None = None
    signatories: list[Person] = []
    contact: Contact | None = None
    agreements: list[Agreement] = []
    clauses: list[Clause] = []
    plan: Plan | None = None
    gazette: Gazette | None = None
    provenance: dict[str, Evidence] = {}
    warnings: list[str] = []
