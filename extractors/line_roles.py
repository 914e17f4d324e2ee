"""Line roles read off records: where a gold record's values stand in the normalised text (the training
labels of ``pipeline/line_roles.py``), and where the rules' extracted values stand (their evidence).

A gold value is found by its letters with white space ignored (the record's values have line breaks
folded into spaces); a long one whose middle differs (a page number or catchword dropped) by its
first and last letters. A value printed more than once (a signer's name in the preamble and under the
signature) has one line of its role — the first copy, or the last for signatories — and the lines of
its other copies are left unknown for that role rather than called wrong. A gold value not found at
all leaves its role unscored in that document.

``trim_subject`` is where the classifier may change a record (``Options.line_role_model``, off by
default: benchmarks/README.md has the measurements that keep it off).
"""
from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from extractors.base import Candidate, flat
from extractors.dates import find_dates
from models.record import Record
from pipeline.document import Document
from pipeline.line_roles import ROLES, THRESHOLD, LineExample, document_lines, line_features

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ENDS = 20  # letters of a long value's head and tail that locate it when its middle differs

_POINTER_ROLES = [
    (re.compile(r"/number"), "number"),
    (re.compile(r"/date"), "date"),
    (re.compile(r"/subject|/agreements/\d+/title"), "subject"),
    (re.compile(r"/to"), "addressee"),
    (re.compile(r"(/agreements/\d+)?/signatories/\d+"), "signature_name"),
    (re.compile(r"(/agreements/\d+)?/signatories/\d+/position"), "signature_position"),
    (re.compile(r"(/agreements/\d+)?/clauses/\d+"), "clause"),
]


@dataclass
class LineRoles:
    """Roles of a document's lines: ``positive[role]`` the line indexes that have it, ``unknown[role]``
    those not to be counted either way; ``unscored`` the roles the gold does not speak of."""

    positive: dict[str, set[int]] = field(default_factory=lambda: {role: set() for role in ROLES})
    unknown: dict[str, set[int]] = field(default_factory=lambda: {role: set() for role in ROLES})
    unscored: set[str] = field(default_factory=set)
    missing: list[str] = field(default_factory=list)  # gold values not found in the text

    def of_line(self, index: int) -> dict[str, float]:
        return {role: float(index in self.positive[role]) for role in ROLES
                if role not in self.unscored and index not in self.unknown[role]}


# Tone marks and the vowels written above or below: a text layer that lost them (ผูวาราชการ) still
# finds its value by the letters left.
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _key(text: str, skeleton: bool = False) -> str:
    key = "".join(text.translate(_THAI_DIGITS).replace("\u0e4d\u0e32", "\u0e33").split())
    return _MARKS.sub("", key) if skeleton else key


class _Compact:
    """The normalised text without white space (and, as a ``skeleton``, without Thai marks), each
    letter remembering its offset."""

    def __init__(self, text: str, skeleton: bool = False):
        self.skeleton = skeleton
        self.offsets = [i for i, ch in enumerate(text)
                        if not ch.isspace() and not (skeleton and _MARKS.fullmatch(ch))]
        self.text = "".join(text[i].translate(_THAI_DIGITS) for i in self.offsets)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end - 1] + 1

    def find_all(self, value: str, after: int = 0) -> list[tuple[int, int]]:
        """Spans (normalised offsets) of every copy of ``value`` from normalised offset ``after`` on."""
        after = bisect.bisect_left(self.offsets, after)
        key = _key(value, self.skeleton)
        if not key:
            return []
        hits, at = [], self.text.find(key, after)
        while at >= 0:
            hits.append(self.span(at, at + len(key)))
            at = self.text.find(key, at + len(key))
        if hits or len(key) < 2 * _ENDS:
            return hits
        head, tail = key[:_ENDS], key[-_ENDS:]
        at = self.text.find(head, after)
        while at >= 0:
            end = self.text.find(tail, at + len(head), at + len(key) + len(key) // 4 + _ENDS)
            if end >= 0:
                hits.append(self.span(at, end + len(tail)))
                at = end
            at = self.text.find(head, at + 1)
        return hits


def _alternatives(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict) and "any" in value:
        return [v for alt in value["any"] for v in _alternatives(alt)]
    if isinstance(value, dict):  # a document number: its value as normalised, or as printed
        return [v for part in (value.get("value"), value.get("raw")) for v in _alternatives(part)]
    return [str(value)] if str(value).strip() else []


def _lines_of(doc: Document, start: int, end: int) -> list[int]:
    return [line.index for line in doc.lines if line.start < end and line.end > start and not line.blank]


class _GoldReader:
    def __init__(self, doc: Document):
        self.doc, self.roles = doc, LineRoles()
        self.compact, self.skeleton = _Compact(doc.text), _Compact(doc.text, skeleton=True)

    def find_all(self, value: str, after: int = 0) -> list[tuple[int, int]]:
        return self.compact.find_all(value, after) or self.skeleton.find_all(value, after)

    def mark(self, role: str, spans: list[tuple[int, int]], name: str, last: bool = False) -> None:
        if not spans:
            self.roles.missing.append(f"{role}: {name[:40]}")
            self.roles.unscored.add(role)
            return
        chosen = spans[-1] if last else spans[0]
        self.roles.positive[role].update(_lines_of(self.doc, *chosen))
        for other in spans:
            if other != chosen:
                self.roles.unknown[role].update(_lines_of(self.doc, *other))

    def value(self, role: str, value, last: bool = False) -> None:
        spans = [span for alt in _alternatives(value) for span in self.find_all(alt)]
        self.mark(role, sorted(set(spans)), str(value), last)

    def date(self, iso) -> None:
        wanted = set(_alternatives(iso))
        spans = [(d.start, d.end) for d in find_dates(self.doc.text) if d.iso in wanted]
        self.mark("date", spans, str(iso))

    def clauses(self, clauses: list[dict]) -> None:
        after = 0
        for clause in clauses:
            spans = self.find_all(clause.get("text") or "", after)
            if not spans:
                self.roles.missing.append(f"clause {clause.get('label')}")
                self.roles.unscored.update({"clause_start", "clause_body"})
                continue
            lines = _lines_of(self.doc, *spans[0])
            self.roles.positive["clause_start"].add(lines[0])
            self.roles.positive["clause_body"].update(lines[1:])
            after = spans[0][0] + 1


def gold_line_roles(doc: Document, gold: dict) -> LineRoles:
    """Where a gold record's values stand, line by line.

    >>> doc = Document.from_text("ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖\\nเรื่อง ขอเชิญ\\nประชุม\\nเรียน ผู้ว่า")
    >>> roles = gold_line_roles(doc, {"number": {"value": "มท 0891.3/ว 2556"}, "subject": "ขอเชิญประชุม"})
    >>> roles.positive["number"], roles.positive["subject"], "addressee" in roles.unscored
    ({0}, {1, 2}, True)
    """
    reader = _GoldReader(doc)
    agreements = gold.get("agreements") or []
    for key, role in (("number", "number"), ("subject", "subject"), ("to", "addressee")):
        if key not in gold:
            reader.roles.unscored.add(role)
        elif gold[key]:
            reader.value(role, gold[key])
    for agreement in agreements:
        if agreement.get("title") and _key(str(agreement["title"])) != _key(str(gold.get("subject"))):
            reader.value("subject", agreement["title"])
    if "date" not in gold:
        reader.roles.unscored.add("date")
    elif gold["date"]:
        reader.date(gold["date"])
    people = list(gold.get("signatories") or []) + [p for a in agreements for p in a.get("signatories") or []]
    if "signatories" not in gold:
        reader.roles.unscored.update({"signature_name", "signature_position"})
    for part, role in (("name", "signature_name"), ("position", "signature_position")):
        for value in {json.dumps(p[part], ensure_ascii=False): p[part] for p in people if p.get(part)}.values():
            reader.value(role, value, last=True)
    if "clauses" not in gold and not agreements:
        reader.roles.unscored.update({"clause_start", "clause_body"})
    for clauses in [gold.get("clauses") or []] + [a.get("clauses") or [] for a in agreements]:
        reader.clauses(clauses)
    return reader.roles


def pointer_role(pointer: str) -> str | None:
    """The line role of a record's value, by its provenance pointer.

    >>> pointer_role("/agreements/0/signatories/1/position"), pointer_role("/issuer")
    ('signature_position', None)
    """
    return next((role for pattern, role in _POINTER_ROLES if pattern.fullmatch(pointer)), None)


def record_line_roles(doc: Document, record: Record) -> dict[str, set[int]]:
    """The lines the rules read each role from: where the record's evidence of each value stands."""
    found: dict[str, set[int]] = {role: set() for role in ROLES}
    for pointer, evidence in record.provenance.items():
        role = pointer_role(pointer)
        if role is None or evidence.end <= evidence.start:
            continue
        lines = _lines_of(doc, evidence.start, evidence.end)
        if role == "clause":
            found["clause_start"].update(lines[:1])
            found["clause_body"].update(lines[1:])
        else:
            found[role].update(lines)
    return found


_SUBJECT_LABEL = re.compile(r"เ\s?ร\s?ื\s?่\s?อ\s?ง\s*")


def trim_subject(doc: Document, candidate: Candidate, scores: dict[int, dict[str, float]]) -> Candidate:
    """A subject that starts at its first line the line-role classifier calls subject: the lines above
    it (a letter's number and address, an order's heading run into the เรื่อง line) go, and so does
    a เรื่อง label left at its start. Unchanged when the classifier calls none of its lines subject.

    >>> doc = Document.from_text("ที่ มท 0810.6/ว 1234\\nถนนนครราชสีมา\\nเรื่อง การระงับงาน")
    >>> scores = {0: {"subject": 0.1}, 1: {"subject": 0.2}, 2: {"subject": 0.9}}
    >>> trim_subject(doc, Candidate("…", 0, len(doc.text), "subject.above_addressee", 0.6), scores).value
    'การระงับงาน'
    """
    lines = [line for line in doc.lines if line.start < candidate.end and line.end > candidate.start
             and not line.blank]
    first = next((line for line in lines if scores.get(line.index, {}).get("subject", 0.0) >= THRESHOLD), None)
    if first is None or first is lines[0]:
        return candidate
    start = first.start
    label = _SUBJECT_LABEL.match(doc.text, start)
    start = label.end() if label and label.end() < candidate.end else start
    return replace(candidate, value=flat(doc.text[start:candidate.end]), start=start,
                   rule=candidate.rule + "+line_roles")


def training_examples(doc: Document, roles: LineRoles) -> Iterable[LineExample]:
    lines = document_lines(doc)
    for position, line in enumerate(lines):
        labels = roles.of_line(line.index)
        if labels:
            yield LineExample(line_features(doc, lines, position), labels)
