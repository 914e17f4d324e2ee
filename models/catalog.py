"""Lexicons shipped with saraban (one item per line, loaded once): agency codes, agencies,
honorifics, positions, provinces."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from pythainlp.corpus import provinces as pythainlp_provinces


def _lines(name: str) -> list[str]:
    text = resources.files("models").joinpath(f"data/{name}").read_text("utf-8")
    return [line.rstrip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def agency_codes() -> dict[str, str]:
    """Letter code → agency name.

    >>> agency_codes()["มท"]
    'กระทรวงมหาดไทย'
    """
    return {code: name for code, name, *_ in (line.split("\t") for line in _lines("agency_codes.tsv"))}


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """The 77 provinces' names without จังหวัด, longest first (PyThaiNLP's list, Bangkok included)."""
    names = set(pythainlp_provinces()) | {"กรุงเทพมหานคร", "บึงกาฬ"}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def agency_names() -> tuple[str, ...]:
    """Known organisation names (ministries, departments, provinces, universities), longest first."""
    names = set(_lines("agencies.txt"))
    names |= {name for name in agency_codes().values()}
    names |= {"จังหวัด" + p for p in provinces() if p != "กรุงเทพมหานคร"}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def honorifics() -> tuple[str, ...]:
    """Name prefixes (นาย, นางสาว, ดร., พลตำรวจเอก, ม.ล. …), longest first."""
    return tuple(sorted(_lines("honorifics.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def honorific_alternation() -> str:
    """The honorifics as one regular-expression alternation, longest first (นางสาว tried before นาง).

    >>> re.match(f"(?:{honorific_alternation()})", "นางสาวพัชรินทร์").group()
    'นางสาว'
    """
    return "|".join(re.escape(h) for h in honorifics())


@lru_cache(maxsize=1)
def positions() -> tuple[str, ...]:
    return tuple(sorted(_lines("positions.txt"), key=len, reverse=True))
