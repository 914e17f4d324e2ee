"""What a person types into ``search``, read the way documents are read: Buddhist-era or Gregorian
dates, Thai or Arabic digits, a year alone or a month and year standing for a range."""
from __future__ import annotations

import calendar
import re

from extractors.dates import MONTHS, parse_thai_date, year_to_ce
from models.errors import QueryError
from models.search_text import arabic_digits

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MONTH_YEAR = re.compile(r"^(?:เดือน\s*)?(\S+)\s+(?:(?:พ\.ศ\.|พุทธศักราช|ค\.ศ\.)\s*)?(\d{2,4})$")


def _bound(year: int, month: int | None, day: int | None, end: bool) -> str:
    month = month or (12 if end else 1)
    day = day or (calendar.monthrange(year, month)[1] if end else 1)
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date_bound(value: str, end: bool = False) -> str:
    """A --since / --until value as an ISO Gregorian date; a year or month alone covers all of it.

    >>> parse_date_bound("2556-01-01"), parse_date_bound("๒๕๕๖"), parse_date_bound("2013-03-05")
    ('2013-01-01', '2013-01-01', '2013-03-05')
    >>> parse_date_bound("1 ม.ค. 2556"), parse_date_bound("ธันวาคม 2556", end=True)
    ('2013-01-01', '2013-12-31')
    """
    text = " ".join(arabic_digits(value).split())
    iso = _ISO.match(text)
    try:
        if iso:
            year = year_to_ce(int(iso.group(1)))
            if year is None:
                raise ValueError("no such year")
            month, day = (int(g) if g else None for g in iso.group(2, 3))
            return _bound(year, month, day, end)
        found = parse_thai_date(text)
        if found:
            return found
        month_year = _MONTH_YEAR.match(text)
        if month_year and month_year.group(1) in MONTHS:
            year = year_to_ce(int(month_year.group(2)), "ค.ศ." if "ค.ศ." in text else None)
            if year:
                return _bound(year, MONTHS[month_year.group(1)], None, end)
    except ValueError as exc:
        raise QueryError(f"date {value!r} is not a date ({exc})") from exc
    raise QueryError(f"date {value!r} is not a date saraban reads (try 2556-01-01, 2013-01-01 or \"1 ม.ค. 2556\")")
