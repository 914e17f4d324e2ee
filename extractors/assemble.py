"""Choosing among candidates and assembling the canonical record, with provenance and warnings."""
from __future__ import annotations

from extractors import (agreements, contact, dates, doc_type, document_number, gazette, header_fields, line_roles,
                        plan, registry)
from extractors.base import Candidate, evidence
from models.options import Options
from models.record import Record, Source
from pipeline.document import Document
from pipeline.line_roles import line_scores


def best(candidates: list[Candidate]) -> Candidate | None:
    return max(candidates, key=lambda c: c.confidence, default=None)


class Assembly:
    """Collects chosen values with their evidence and the warnings about them."""

    def __init__(self, doc: Document, options: Options):
        self.doc, self.options = doc, options
        self.provenance: dict = {}
        self.warnings: list[str] = []

    def take(self, pointer: str, candidate: Candidate | None):
        if candidate is None:
            return None
        ev = evidence(self.doc, candidate)
        self.provenance[pointer] = ev
        if ev.confidence < self.options.warn_below_confidence:
            self.warnings.append(f"{pointer}: low confidence {ev.confidence:.2f} ({candidate.rule})")
        for sub, part in candidate.parts.items():
            self.take(pointer + sub, part)
        return candidate.value

    def choose(self, pointer: str, candidates: list[Candidate]):
        chosen = best(candidates)
        others = {str(c.value) for c in candidates if c.confidence >= 0.85} - {str(chosen.value) if chosen else ""}
        if chosen is not None and others:
            self.warnings.append(f"{pointer}: other candidates {sorted(others)} (kept {chosen.value!r}, "
                                 f"{chosen.rule})")
        return self.take(pointer, chosen)


def _person(value: dict) -> dict:
    return {"name": value["name"], "position": value["position"], "acting": value["acting"]}


def assemble(doc: Document, options: Options) -> Record:
    """Run every extractor on a normalised document and build its record."""
    a = Assembly(doc, options)
    kind = a.choose("/doc_type", doc_type.extract(doc, options)) or "other"
    headers = header_fields.extract(doc, options)
    found_agreements = agreements.extract(doc, options)
    first_agreement = found_agreements[0].start if found_agreements else len(doc.text)
    letter_lines = doc.line_at(first_agreement).index if found_agreements else len(doc.lines)

    date_candidates = [c for c in dates.extract(doc, options) if c.start < first_agreement or kind == "mou"]
    date = a.choose("/date", date_candidates)
    date_raw = a.provenance["/date"].text if date else None

    context = registry.Context(headers=headers, letter_lines=letter_lines)
    number_candidates = registry.run(kind, "number", doc, options, context)
    likeliest = best(number_candidates)
    doubt = document_number.unreadable(doc, likeliest) if likeliest else None
    if doubt:
        a.warnings.append(f"/number: {likeliest.value['value']!r} left out: {doubt}")
        number_candidates = []
    number = a.choose("/number", number_candidates)
    subject_candidates = registry.run(kind, "subject", doc, options, context)
    if options.line_role_model is not None and subject_candidates:
        scores = line_scores(doc, options.line_role_model)
        subject_candidates = [line_roles.trim_subject(doc, c, scores) for c in subject_candidates]
    subject = a.choose("/subject", subject_candidates)
    issuer_value = a.choose("/issuer", registry.run(kind, "issuer", doc, options, context))

    record_agreements = []
    for i, candidate in enumerate(found_agreements):
        value = dict(a.take(f"/agreements/{i}", candidate))
        value["signatories"] = [_person(p) for p in value["signatories"]]
        value["witnesses"] = [_person(p) for p in value["witnesses"]]
        record_agreements.append(value)

    people = registry.run(kind, "signatories", doc, options, context)
    signers = [_person(a.take(f"/signatories/{i}", c)) for i, c in enumerate(people)]

    if kind == "mou" and record_agreements:
        # A stand-alone agreement: its title, signers, first party and signing date are the document's,
        # with the same evidence.
        mou, parts = record_agreements[0], found_agreements[0].parts
        subject = subject or a.take("/subject", parts.get("/title"))
        issuer_value = issuer_value or a.take("/issuer", parts.get("/parties/0"))
        if not date and "/date" in parts:
            date = a.take("/date", parts["/date"])
            date_raw = a.provenance["/date"].text
        if not signers:
            signers = [_person(a.take(f"/signatories/{i}", parts[f"/signatories/{i}"]))
                       for i in range(len(mou["signatories"]))]

    # A regulation's, order's or announcement's own provisions (ข้อ 1, ข้อ 2 …), per rules/profiles.json.
    own_clauses = [a.take(f"/clauses/{i}", c)
                   for i, c in enumerate(registry.run(kind, "clauses", doc, options, context))]

    plan_value = a.take("/plan", best(plan.extract(doc, options)))
    number_value = None
    if number:
        raw_start, raw_end = a.provenance["/number"].raw_start, a.provenance["/number"].raw_end
        number_value = {"raw": doc.raw_text[raw_start:raw_end], **number}
        if number["agency_code"] and not number["agency"]:
            a.warnings.append(f"/number: unknown agency letter code {number['agency_code']!r}")

    gazette_candidates = gazette.extract(doc, options)
    gazette_value = None
    if gazette_candidates:
        gazette_value = dict(gazette_candidates[0].value)
        a.provenance["/gazette"] = gazette.evidence(doc, gazette_candidates[0])
        a.warnings.extend(gazette.warnings(gazette_candidates))

    raw = doc.raw
    return Record(
        source=Source(path=raw.path, sha256=raw.sha256, media_type=raw.media_type, pages=doc.page_count,
                      text_method=raw.text_method, ocr_confidence=raw.ocr_confidence,
                      pages_detail=[vars(p.decision) for p in raw.pages if p.decision] or None),
        doc_type=kind,
        number=number_value,
        date=date,
        date_raw=date_raw,
        subject=subject,
        to=a.take("/to", best(headers.get("to", []))),
        references=[a.take(f"/references/{i}", c) for i, c in enumerate(headers.get("references", []))],
        enclosures=[a.take(f"/enclosures/{i}", c) for i, c in enumerate(headers.get("enclosures", []))],
        issuer=issuer_value,
        signatories=signers,
        contact=a.take("/contact", best(contact.extract(doc, options))),
        agreements=record_agreements,
        clauses=own_clauses,
        plan=plan_value,
        gazette=gazette_value,
        provenance=a.provenance,
        warnings=a.warnings + dates.impossible_dates(doc.text) + [note for page in raw.pages for note in page.notes],
    )
