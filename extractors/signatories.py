"""Signature blocks: ``(นายสมชาย ใจดี)`` with the position lines under it.

Names stand alone on their line in brackets (or after ลงชื่อ). Position lines follow, at most four,
until a blank line (one blank line right after the name is allowed). Witnesses (พยาน) are told apart. Signature tables flattened into one line give
several names on the line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.base import Candidate, flat, load_rules
from extractors.organisations import find_organisations
from models.catalog import honorific_alternation, honorifics, positions
from models.options import Options
from pipeline.document import Document, Line
from pipeline.normalise import PAGE_BREAK
from pipeline.ocr_repair import levenshtein_at_most_one

ACTING = re.compile(r"(รักษาราชการแทน|ปฏิบัติราชการแทน|รักษาการแทน|รักษาการในตำแหน่ง)\s*(.*)")
WITNESS = re.compile(r"พยาน")
NOT_A_NAME_CHARACTER = re.compile(r"[^\u0e01-\u0e4e\s.]")
BARE_NAME_IN_BRACKETS = re.compile(r"^\(\s*(?P<name>[\u0e01-\u0e4e]+(?:\s+[\u0e01-\u0e4e]+){1,2})\s*\)$")
DOT_LEADER = re.compile(r"[.…_]{2,}")
CONTACT_LINE = re.compile(r"^(?:โทร|Tel|e-?mail|อีเมล)", re.I)
MAX_POSITION_LINES = 4
MAX_POSITION_LINE_CHARS = 90


@lru_cache(maxsize=1)
def _name_in_brackets() -> re.Pattern:
    titles = honorific_alternation()
    # The closing bracket may be lost at the end of a scanned line.
    return re.compile(rf"\(\s*(?P<name>(?:{titles})\s*[^()|\d]{{2,60}}?)\s*(?:\)|$)")


@lru_cache(maxsize=1)
def _signed_name() -> re.Pattern:
    titles = honorific_alternation()
    return re.compile(rf"^ลงชื่อ[\s.…_]*(?P<name>(?:{titles})\s*[^()|\d.…_]{{2,60}}?)\s*(?:[.…_]+|ผู้\S+|$)")


@dataclass(frozen=True)
class SignatureLine:
    line: Line
    names: list[tuple[str, int, int]]  # name, start, end


def signature_lines(doc: Document, lines: list[Line]) -> list[SignatureLine]:
    """Lines made of bracketed names only (stray ``|`` and dots allowed)."""
    out = []
    for line in lines:
        matches = list(_name_in_brackets().finditer(line.text))
        rest = _name_in_brackets().sub("", line.text)
        if matches and not re.sub(r"[\s|.…_]|ลงชื่อ|พยาน", "", rest):
            names = [(" ".join(m.group("name").split()), line.start + m.start("name"), line.start + m.end("name"))
                     for m in matches]
            out.append(SignatureLine(line, names))
            continue
        bare = BARE_NAME_IN_BRACKETS.match(line.text)
        above = doc.lines[line.index - 1].text.strip() if line.index else ""
        if bare and above in honorifics():
            # A rank too long for the name's line is set on the line above it: "พลตำรวจเอก" over "(ชยุต มณีรัตน์)".
            name = f"{above} {' '.join(bare.group('name').split())}"
            out.append(SignatureLine(line, [(name, doc.lines[line.index - 1].start, line.start + bare.end("name"))]))
            continue
        m = _signed_name().match(line.text)
        if m:
            out.append(SignatureLine(line, [(" ".join(m.group("name").split()), line.start + m.start("name"),
                                             line.start + m.end("name"))]))
    return out


def is_scan_noise(text: str) -> bool:
    """A short line of stray marks a scan leaves around signatures and stamps ("a ๓๑ Ss").

    >>> is_scan_noise("a 31 Ss"), is_scan_noise("ปลัดกระทรวงมหาดไทย")
    (True, False)
    """
    thai = sum(1 for ch in text if "\u0e01" <= ch <= "\u0e2e")
    return thai < 3 and len(text.strip()) < 12


# The issuing unit's contact block under a letter's signature: on a scan only a blank line, which OCR
# also puts inside positions, sets it apart, so a blank line followed by one of these ends the position.
UNIT_LINE = re.compile(r"^(?:สำนัก|กลุ่ม|กอง|ฝ่าย|งาน|ศูนย์|ส่วน|โทร|ไปรษณีย์)")
# A signature block typed right of the margin; the issuing unit's contact block starts at the margin.
SIGNATURE_INDENT = 12
MARGIN_INDENT = 4


def _back_at_margin(doc: Document, name: Line, line: Line) -> bool:
    # OCR text keeps no margins: a name's "indent" there is only where its column stood in the row.
    return (doc.blank_lines_reliable and doc.indent(name) >= SIGNATURE_INDENT
            and doc.indent(line) < MARGIN_INDENT)


def _position_lines(doc: Document, after: Line, limit: int) -> list[Line]:
    """Short lines under a name; typed memos and scans may leave blank lines in between."""
    # Stray marks around signatures and stamps come from scans; typed text means its short lines ("เขต 2").
    following = [line for line in doc.lines[after.index + 1:limit]
                 if line.blank or doc.blank_lines_reliable or not is_scan_noise(line.text)]
    if following and following[0].blank:
        following = following[1:]
    taken: list[Line] = []
    for n, line in enumerate(following):
        if len(taken) == MAX_POSITION_LINES:
            break
        if line.blank:
            nxt = following[n + 1] if n + 1 < len(following) else None
            if (doc.blank_lines_reliable or not taken or nxt is None or nxt.blank or UNIT_LINE.match(nxt.text)
                    or _heads_next_signature(following[n + 1:])):
                break
            continue
        if (_name_in_brackets().search(line.text) or len(line.text) > MAX_POSITION_LINE_CHARS
                or CONTACT_LINE.match(line.text) or line.text == PAGE_BREAK or SIGN_ON_LINE.match(line.text)
                or _back_at_margin(doc, after, line)):
            break
        taken.append(line)
    rest = [line for line in following if not line.blank and line.index > (taken[-1].index if taken else 0)]
    if taken and rest and CONTACT_LINE.match(rest[0].text):
        return []  # a contact block (unit lines over a phone line), not a position
    return taken


def _heads_next_signature(lines: list[Line]) -> bool:
    """Whether the first of these lines is the heading over the next signer's name (a party's name
    printed over its signature), the next line with text being a name in brackets."""
    texts = [line for line in lines if not line.blank][:2]
    return len(texts) == 2 and bool(_name_in_brackets().search(texts[1].text))


def _wraps_inside_a_known_name(before: str, after: str) -> bool:
    joined = f"{before} {after}"
    return any(org.known and org.start < len(before) < org.end for org in find_organisations(joined))


def join_position(lines: list[str]) -> str:
    """Position lines as one value; a line ending in ``/``, or wrapped inside an agency's name,
    continues without a space.

    >>> join_position(["ผู้ว่าราชการจังหวัดเชียงใหม่/", "หัวหน้ากลุ่มจังหวัดภาคเหนือ", "ตอนบน 1"])
    'ผู้ว่าราชการจังหวัดเชียงใหม่/หัวหน้ากลุ่มจังหวัดภาคเหนือ ตอนบน 1'
    >>> join_position(["เลขาธิการสำนักงานหลักประกันสุขภาพ", "แห่งชาติ"])
    'เลขาธิการสำนักงานหลักประกันสุขภาพแห่งชาติ'
    """
    out = ""
    for text in lines:
        text = flat(text)
        glue = "" if not out or out.endswith("/") or _wraps_inside_a_known_name(out, text) else " "
        out = f"{out}{glue}{text}"
    return out


# A position OCR read without its first letters keeps at least this many of its title.
MIN_TITLE_KEPT = 5


def restore_position_head(position: str) -> str:
    """A position whose first letters OCR lost or misread, the title's rest one letter off at most,
    given its title back from the list of positions.

    >>> restore_position_head("าราชการจังหวัดอุบลราชธานี"), restore_position_head("วัญชาการตำรวจแห่งชาติ")
    ('ผู้ว่าราชการจังหวัดอุบลราชธานี', 'ผู้บัญชาการตำรวจแห่งชาติ')
    >>> restore_position_head("ประธานหอการค้าจังหวัดสงขลา")
    'ประธานหอการค้าจังหวัดสงขลา'
    """
    if position.startswith(positions()):
        return position
    # The fewest letters lost wins (ผู้ว่าราชการจังหวัด over รองผู้ว่าราชการจังหวัด for าราชการจังหวัด).
    matches = [(cut, title) for title in positions() for cut in range(1, len(title) // 2 + 1)
               if len(title) - cut >= MIN_TITLE_KEPT and levenshtein_at_most_one(position[:len(title) - cut], title[cut:])]
    if not matches:
        return position
    cut, title = min(matches, key=lambda m: (m[0], -len(m[1])))
    return title + position[len(title) - cut:]


def trailing_witnesses(people: list[Candidate], sides: int) -> list[Candidate]:
    """An agreement signed before witnesses (ต่อหน้าพยาน) whose signing rows a scan lost (the dotted
    ลงชื่อ … พยาน lines): signed by twice as many people as it has sides, the second half are the
    witnesses, as the sides sign first."""
    signers = [p for p in people if not p.value["endorsement"]]
    if sides < 2 or len(signers) != 2 * sides or any(p.value["witness"] for p in signers):
        return people
    late = {id(p) for p in signers[sides:]}
    return [Candidate({**p.value, "witness": True}, p.start, p.end, p.rule, p.confidence, p.parts)
            if id(p) in late else p for p in people]


COUNTERSIGN = re.compile(r"^ผู้รับสนอง(?:พระบรม|พระ)?ราชโองการ\s*$")


@lru_cache(maxsize=1)
def _starts_with_title() -> re.Pattern:
    return re.compile(honorific_alternation())


def countersignatures(doc: Document, first_line: int, last_line: int) -> list[Candidate]:
    """The minister countersigning an Act (ผู้รับสนองพระบรมราชโองการ): name lines, then the position."""
    out = []
    for line in doc.lines[first_line:last_line]:
        if not COUNTERSIGN.match(line.text):
            continue
        following = [x for x in doc.lines[line.index + 1:line.index + 6] if not x.blank]
        if not following or not _starts_with_title().match(following[0].text):
            continue
        name_lines = [following[0]]
        for x in following[1:3]:
            if any(x.text.startswith(p) for p in positions()) or len(name_lines) == 2:
                break
            name_lines.append(x)
        rest = following[len(name_lines):]
        name = flat(" ".join(x.text for x in name_lines))
        position = flat(rest[0].text) if rest and len(rest[0].text) <= MAX_POSITION_LINE_CHARS else None
        value = {"name": name, "position": position, "acting": None, "witness": False, "endorsement": False}
        out.append(Candidate(value, name_lines[0].start, name_lines[-1].end, "signatory.countersignature", 0.85))
    return out


def extract(doc: Document, options: Options, first_line: int = 0, last_line: int | None = None) -> list[Candidate]:
    """People who sign within lines ``[first_line, last_line)``; witnesses carry ``witness=True``.

    >>> doc = Document.from_text("ขอแสดงความนับถือ\\n\\n(นายโชคชัย เตชะธนรัญ) |\\nรองอธิบดี รักษาการแทน\\nอธิบดีกรมส่งเสริมการปกครองท้องถิ่น")
    >>> [(c.value["name"], c.value["position"]) for c in extract(doc, Options())]
    [('นายโชคชัย เตชะธนรัญ', 'รองอธิบดี รักษาการแทน อธิบดีกรมส่งเสริมการปกครองท้องถิ่น')]
    """
    last_line = len(doc.lines) if last_line is None else last_line
    found = []
    signatures = signature_lines(doc, doc.lines[first_line:last_line])
    witnesses_due = _witnesses_announced(doc, signatures, first_line)
    for sig in signatures:
        position_lines = _position_lines(doc, sig.line, last_line) if len(sig.names) == 1 else []
        position = join_position([line.text for line in position_lines]) or None
        if position and not doc.blank_lines_reliable:
            position = restore_position_head(position)
        # Only the signature block itself says พยาน: the name line or a short ลงชื่อ line above it
        # (the closing formula "…ต่อหน้าพยาน" above the first signer does not make him a witness).
        above = doc.lines[sig.line.index - 1] if sig.line.index > first_line else None
        above_text = DOT_LEADER.sub("", above.text) if above is not None else ""
        context = sig.line.text + (" " + above_text if len(above_text) < 40 else "")
        witness = (bool(WITNESS.search(context)) or bool(position and WITNESS.match(position))
                   or sig.line.index in witnesses_due)
        endorsement = _under_endorsement(doc, sig.line, first_line)
        for name, start, end in sig.names:
            acting = ACTING.search(position or "")
            value = {"name": name, "position": position,
                     "acting": flat(acting.group(0)) if acting else None, "witness": witness,
                     "endorsement": endorsement}
            confidence = 0.92 if position else 0.75
            if NOT_A_NAME_CHARACTER.search(name):
                confidence = min(confidence, 0.5)  # brackets, bars, Latin letters: a misread name
            parts = {}
            if position_lines:
                parts["/position"] = Candidate(position, position_lines[0].start, position_lines[-1].end,
                                               "signatory.position_lines", confidence)
            found.append(Candidate(value, start, end, "signatory.bracketed_name", confidence, parts))
    found += countersignatures(doc, first_line, last_line)
    return found + signers_after_given_on(doc, first_line, last_line, found)


# The row a signer signs on: ลงชื่อ … (OCR reads it ลงซื่อ, ลงซี่ซิ), the dots, and พยาน for a witness;
# read across a table without its dots, a row may open with the previous column's พยาน.
# A garbled (ลงชื่อ) before พยาน is still a witness's row ("(asta) พยาน").
SIGN_ON_LINE = re.compile(r"^\(?ลง[ชซ]|^พยาน(?:\s|$)|^\S{1,10}\s*พยาน$")


def _witnesses_announced(doc: Document, signatures: list[SignatureLine], first_line: int) -> set[int]:
    """Name lines that a signing row above them marks as witnesses: a row read across a table
    (``ลงชื่อ … พยาน   ลงชื่อ … พยาน``) announces as many witnesses as it says พยาน, who are the
    names that follow it."""
    name_lines = [sig.line.index for sig in signatures]
    rows: list[tuple[int, int]] = []  # (last line of a signing row, witnesses it announces)
    for line in doc.lines[first_line:name_lines[-1] if name_lines else first_line]:
        if not SIGN_ON_LINE.match(line.text):
            continue
        count = len(WITNESS.findall(line.text))
        if rows and not any(rows[-1][0] < n < line.index for n in name_lines):
            rows[-1] = (line.index, rows[-1][1] + count)  # the row's columns read as lines of their own
        else:
            rows.append((line.index, count))
    due: set[int] = set()
    for last, count in rows:
        due |= set([n for n in name_lines if n > last][:count])
    return due


# A superior's remark over a signature on a memo (เห็นควรอนุมัติ, อนุมัติ / ไม่อนุมัติ, ทราบ): that
# signature approves or acknowledges the memo; it does not sign it.
# Tick boxes (☐, or a symbol font's private-use glyph) and bullets may stand before the remark.
ENDORSEMENT = re.compile(r"^[^\u0e01-\u0e4eA-Za-z0-9]*(?:เห็นควร|อนุมั(?:ติ)?|ไม่อนุมัติ|ทราบ|เห็นชอบ|ความเห็น|ลงนามแล้ว)")


def _under_endorsement(doc: Document, name_line: Line, first_line: int) -> bool:
    """Whether the nearest text above a signature (ลงชื่อ and dot lines passed over) is a remark."""
    for line in reversed(doc.lines[max(first_line, name_line.index - 4):name_line.index]):
        text = DOT_LEADER.sub("", line.text).replace("ลงชื่อ", "").strip()
        if not text:
            continue
        return bool(ENDORSEMENT.match(text))
    return False


@lru_cache(maxsize=1)
def _bare_name() -> re.Pattern:
    """A name typed without brackets: an optional title, then two or three Thai words."""
    titles = honorific_alternation()
    return re.compile(rf"^(?P<name>(?:(?:{titles})\s*)?[\u0e01-\u0e4e.]{{2,30}}(?:\s+[\u0e01-\u0e4e]{{2,30}}){{1,2}})$")


def _given_on() -> re.Pattern:
    return next(rule.pattern for rule in load_rules("clause_end") if rule.id == "clause_end.given_on")


def _names_an_office(text: str) -> bool:
    """An organisation's name begins one of the line's words: an office, not a person. Inside a word
    it is part of a name (วิศาลจิตร holds ศาล, a court's head word).

    >>> _names_an_office("ศาลปกครองกลาง"), _names_an_office("นายจิรุตม์ วิศาลจิตร")
    (True, False)
    """
    return any(org.start == 0 or text[org.start - 1].isspace() for org in find_organisations(text))


def signers_after_given_on(doc: Document, first_line: int, last_line: int,
                           found: list[Candidate]) -> list[Candidate]:
    """The signer of a regulation, order or announcement typed without brackets under its given-on
    line (ประกาศ ณ วันที่ …, สั่ง ณ …, ให้ไว้ ณ …): the name line, then the position lines.

    >>> doc = Document.from_text("สั่ง ณ วันที่ ๓๐ เมษายน พ.ศ. ๒๕๖๓\\nนายจุฬา สุขมานพ\\nผู้อำนวยการสำนักงานการบินพลเรือนแห่งประเทศไทย")
    >>> [(c.value["name"], c.value["position"]) for c in extract(doc, Options())]
    [('นายจุฬา สุขมานพ', 'ผู้อำนวยการสำนักงานการบินพลเรือนแห่งประเทศไทย')]
    """
    out = []
    for line in doc.lines[first_line:last_line]:
        if not _given_on().match(line.text) or any(c.start > line.end for c in found):
            continue
        following = [x for x in doc.lines[line.index + 1:min(last_line, line.index + 6)] if not x.blank]
        if not following:
            continue
        m = _bare_name().match(following[0].text)
        if not m or any(following[0].text.startswith(p) for p in positions()) or _names_an_office(m.group("name")):
            continue
        position_lines = _position_lines(doc, following[0], last_line)
        position = join_position([x.text for x in position_lines]) or None
        value = {"name": " ".join(m.group("name").split()), "position": position,
                 "acting": flat(ACTING.search(position).group(0)) if position and ACTING.search(position) else None,
                 "witness": False, "endorsement": False}
        parts = {}
        if position_lines:
            parts["/position"] = Candidate(position, position_lines[0].start, position_lines[-1].end,
                                           "signatory.position_lines", 0.8)
        out.append(Candidate(value, following[0].start, following[0].end, "signatory.after_given_on", 0.8, parts))
    return out


def closing_block(doc: Document, candidates: list[Candidate]) -> list[Candidate]:
    """A letter's own signers: the first signature block and those beside it. Signatures further on,
    past body text or a page break (forms and records attached to the letter), sign those.

    >>> doc = Document.from_text("ขอแสดงความนับถือ\\n(นายก ใจดี)\\nอธิบดี\\n\\fแบบรายงานการส่งมอบงานซึ่งแนบท้ายหนังสือฉบับนี้\\n(นายข ใจงาม)\\nผู้รับมอบงาน")
    >>> [c.value["name"] for c in closing_block(doc, extract(doc, Options()))]
    ['นายก ใจดี']
    """
    out: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.start):
        if out:
            gap = doc.text[out[-1].end:candidate.start]
            if PAGE_BREAK in gap or any(len(text) > MAX_POSITION_LINE_CHARS for text in gap.split("\n")):
                break
        out.append(candidate)
    return out


def memo_writer(doc: Document, candidates: list[Candidate]) -> list[Candidate]:
    """A memo's signer: whoever signs its first signature line. The blocks under it are the chain
    the memo goes up (the head's endorsement, the director's approval), whose remark is often
    handwritten and lost on a scan.

    >>> doc = Document.from_text("จึงเรียนมาเพื่อโปรดพิจารณา\\n(นางสาวก ใจดี)\\nนักวิชาการพัสดุ\\n(นายข ใจงาม)\\nหัวหน้างาน")
    >>> [c.value["name"] for c in memo_writer(doc, extract(doc, Options()))]
    ['นางสาวก ใจดี']
    """
    first = min(candidates, key=lambda c: c.start, default=None)
    if first is None:
        return []
    line = doc.line_at(first.start).index
    return [c for c in candidates if doc.line_at(c.start).index == line]
