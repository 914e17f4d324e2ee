"""Field extractors by name, each saying which record field it fills and what structure it reads.

Which extractors serve which document kind is data: ``rules/profiles.json`` names, per kind, the
extractors of each field in order of preference; ``default`` serves every kind that does not name
the field. Adding a document kind or a field's extractor is one registration here and one line there.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable, get_args

from extractors import clauses, document_number, header_fields, issuer, plan, signatories, web_page
from extractors.base import Candidate
from models.options import Options
from models.record import DocType
from pipeline.document import Document

DOC_TYPES = get_args(DocType)


@dataclass(frozen=True)
class Context:
    """What an extractor may read beyond the text: the labelled header fields (เรื่อง, ส่วนราชการ …)
    and the lines before the first agreement (where a covering letter's own parts end)."""

    headers: dict[str, list[Candidate]] = field(default_factory=dict)
    letter_lines: int | None = None


@dataclass(frozen=True)
class FieldExtractor:
    name: str
    field: str
    run: Callable[[Document, Options, Context], list[Candidate]]
    needs: tuple[str, ...] = ()


def _memo_office(doc: Document, options: Options, context: Context) -> list[Candidate]:
    office = context.headers.get("office", [])
    return [issuer.from_memo_office(office[0])] if office else []


def _signers(doc: Document, options: Options, context: Context) -> list[Candidate]:
    """Who signs the document itself: witnesses and endorsements of a memo (อนุมัติ, ทราบ) set aside,
    and a signer printed again (under an annex the document carries) counted once."""
    out, names = [], set()
    for c in signatories.extract(doc, options, 0, context.letter_lines):
        if not c.value["witness"] and not c.value["endorsement"] and c.value["name"] not in names:
            names.add(c.value["name"])
            out.append(c)
    return out


def _letter_signers(doc: Document, options: Options, context: Context) -> list[Candidate]:
    return signatories.closing_block(doc, _signers(doc, options, context))


def _memo_writer(doc: Document, options: Options, context: Context) -> list[Candidate]:
    return signatories.memo_writer(doc, _signers(doc, options, context))


def _own_clauses(doc: Document, options: Options, context: Context) -> list[Candidate]:
    """ข้อ 1, ข้อ 2 …; an announcement or order that numbers its provisions 1. 2. … instead."""
    return (clauses.extract(doc, options, 0, context.letter_lines, schemes=("clause.kho",))
            or clauses.extract(doc, options, 0, context.letter_lines, schemes=("clause.dotted",)))


EXTRACTORS: dict[str, FieldExtractor] = {e.name: e for e in (
    FieldExtractor("subject.header", "subject", lambda d, o, c: c.headers.get("subject", []), ("header_fields",)),
    FieldExtractor("subject.web_headline", "subject", lambda d, o, c: web_page.title(d, o)),
    FieldExtractor("subject.plan_title", "subject", lambda d, o, c: plan.title(d, o)),
    FieldExtractor("subject.title_block", "subject", lambda d, o, c: header_fields.title_block(d, o)),
    FieldExtractor("issuer.memo_office", "issuer", _memo_office, ("header_fields",)),
    FieldExtractor("issuer.titled_heading", "issuer", lambda d, o, c: issuer.from_heading(d)),
    FieldExtractor("issuer.address_block", "issuer", lambda d, o, c: issuer.from_address_block(d, o)),
    FieldExtractor("issuer.body_opening", "issuer", lambda d, o, c: issuer.from_body_opening(d)),
    FieldExtractor("issuer.web_publisher", "issuer", lambda d, o, c: web_page.publisher(d, o)),
    FieldExtractor("issuer.plan_office", "issuer", lambda d, o, c: plan.issuer(d, o)),
    FieldExtractor("clauses.own_provisions", "clauses", _own_clauses, ("letter_lines",)),
    FieldExtractor("number.document", "number", lambda d, o, c: document_number.extract(d, o)),
    FieldExtractor("number.edition", "number", lambda d, o, c: document_number.edition(d, o)),
    FieldExtractor("signatories.all", "signatories", _signers, ("letter_lines",)),
    FieldExtractor("signatories.closing_block", "signatories", _letter_signers, ("letter_lines",)),
    FieldExtractor("signatories.memo_writer", "signatories", _memo_writer, ("letter_lines",)),
)}
FIELDS = ("number", "subject", "issuer", "clauses", "signatories")


@lru_cache(maxsize=1)
def profiles() -> dict[str, dict[str, tuple[str, ...]]]:
    """``rules/profiles.json``, checked on load."""
    table = json.loads(resources.files("extractors").joinpath("rules/profiles.json").read_text("utf-8"))
    return validated_profiles(table)


def validated_profiles(table: dict) -> dict[str, dict[str, tuple[str, ...]]]:
    """A profile table whose kinds, fields and extractors are all known (each extractor filling that field).

    >>> validated_profiles({"memo": {"subject": ["issuer.memo_office"]}})
    Traceback (most recent call last):
    ValueError: rules/profiles.json: memo.subject: 'issuer.memo_office' is no extractor of it
    """
    out = {}
    for kind, fields in table.items():
        if kind == "//":
            continue
        if kind != "default" and kind not in DOC_TYPES:
            raise ValueError(f"rules/profiles.json: unknown document kind {kind!r}")
        for name_of_field, names in fields.items():
            if name_of_field not in FIELDS:
                raise ValueError(f"rules/profiles.json: {kind}: unknown field {name_of_field!r}")
            for name in names:
                if name not in EXTRACTORS or EXTRACTORS[name].field != name_of_field:
                    raise ValueError(f"rules/profiles.json: {kind}.{name_of_field}: {name!r} is no extractor of it")
        out[kind] = {f: tuple(names) for f, names in fields.items()}
    return out


def extractors_for(kind: str, name_of_field: str) -> tuple[FieldExtractor, ...]:
    """The extractors that fill a field for a document kind, in order of preference.

    >>> [e.name for e in extractors_for("plan", "subject")]
    ['subject.plan_title', 'subject.header']
    """
    table = profiles()
    names = table.get(kind, {}).get(name_of_field, table["default"].get(name_of_field, ()))
    return tuple(EXTRACTORS[name] for name in names)


def run(kind: str, name_of_field: str, doc: Document, options: Options, context: Context) -> list[Candidate]:
    """The first preferred extractor's candidates that finds any (``[]`` where none does)."""
    for extractor in extractors_for(kind, name_of_field):
        found = extractor.run(doc, options, context)
        if found:
            return found
    return []
