"""Termination notice, term and entry into force of an agreement, in all their Thai wordings."""
from __future__ import annotations

import re

from pythainlp.util import thaiword_to_num

from extractors.base import Candidate, flat, load_rules
from models.options import Options
from pipeline.document import Document

UNITS = {"วัน": ("day", 1), "สัปดาห์": ("week", 7), "อาทิตย์": ("week", 7), "เดือน": ("month", 30),
         "ปี": ("year", 365)}
NUMBER_WORD = "(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน)+"
# A number word must start a word: after a space, a bracket or a quantity word, never inside
# another word ("เรียบร้อยภายในสามเดือน" holds ร้อย).
_WORD_START = r"(?:(?<=[\s(])|(?<=ไม่น้อยกว่า)|(?<=อย่างน้อย)|(?<=ภายใน)|(?<=เป็นเวลา)|(?<=ไม่เกิน)|(?<=ล่วงหน้า)|(?<=ระยะเวลา)|(?<=กำหนด)|^)"
PERIOD = re.compile(rf"(?:ไม่น้อยกว่า|อย่างน้อย|ภายใน|เป็นเวลา|ไม่เกิน)?\s*(?P<number>\d+|{_WORD_START}{NUMBER_WORD})\s*"
                    r"(?:\([^()\n]{1,20}\)\s*)?(?P<unit>วัน|สัปดาห์|อาทิตย์|เดือน|ปี)(?!ที่)")
RENEWAL = re.compile(r"(?P<renewal>(?:ให้)?(?:ต่ออายุ|ขยาย(?:ระยะ)?เวลา)[^\n]{0,40}?(?:โดย)?อัตโนมัติ[^\n]{0,60}?(?:คราวละ\s*\S+\s*\S+)?"
                     r"|(?:ต่ออายุ|ขยาย(?:ระยะ)?เวลา)(?:ออกไป)?คราวละ\s*\S+\s*(?:ปี|เดือน))")
EFFECTIVE = re.compile(r"มีผล(?:บังคับ)?(?:ใช้)?(?:บังคับ)?(?:\s*นับ)?\s*(?P<when>(?:ตั้งแต่|นับแต่|นับตั้งแต่)[^\n]{2,80}?เป็นต้นไป)"
                       r"|มีผล[^\n]{0,60}?(?P<from_signing>นับ(?:แต่|ตั้งแต่|จาก)วันที่ลงนาม)")


def parse_period(text: str) -> dict | None:
    """A period as ``raw``, ``value``, ``unit``, ``days``.

    >>> parse_period("ไม่น้อยกว่าเก้าสิบวัน")["days"], parse_period("3 เดือน")["days"], parse_period("สองสัปดาห์")["value"]
    (90, 90, 2)
    """
    m = PERIOD.search(text)
    if not m:
        return None
    number = m.group("number")
    try:
        value = int(number) if number.isdigit() else thaiword_to_num(number)
    except ValueError:
        return None
    unit, days = UNITS[m.group("unit")]
    return {"raw": flat(m.group().strip()), "value": value, "unit": unit, "days": value * days}


def extract(doc: Document, options: Options, start: int = 0, end: int | None = None) -> dict[str, list[Candidate]]:
    """``termination_notice``, ``duration``, ``renewal`` and ``effective`` candidates inside ``[start, end)``."""
    end = len(doc.text) if end is None else end
    text = doc.text[start:end]
    found: dict[str, list[Candidate]] = {}
    previous_end = 0
    for m in PERIOD.finditer(text):
        # What leads up to a period is the text since the previous period, at most 300 characters.
        before = text[max(previous_end, m.start() - 300):m.start()]
        previous_end = m.end()
        for rule in load_rules("periods"):
            if rule.pattern.search(before):
                period = parse_period(m.group())
                if period:
                    lead = len(m.group()) - len(m.group().lstrip())
                    s, e = start + m.start() + lead, start + m.end()
                    found.setdefault(rule.data["field"], []).append(Candidate(period, s, e, rule.id, rule.confidence))
                break
    m = RENEWAL.search(text)
    if m:
        found["renewal"] = [Candidate(flat(m.group("renewal")), start + m.start(), start + m.end(), "renewal.automatic",
                                      0.8)]
    m = EFFECTIVE.search(text)
    if m:
        group = "when" if m.group("when") else "from_signing"
        found["effective"] = [Candidate(flat(m.group(group)), start + m.start(group), start + m.end(group),
                                        f"effective.{group}", 0.85)]
    return found
