"""Agencies as entities: one entry per organisation with every name it is printed under.

Built from the lexicons already shipped (agency_codes.tsv: letter codes; agencies.txt: names) and
agency_entities.jsonl (abbreviations, English names, parents, renames, with its sources), so a name
is written once. An archive extends the list with a file of the same JSON shape.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from models.catalog import _lines, agency_codes
from models.errors import StoreError


@dataclass
class Agency:
    name: str
    kind: str | None = None
    codes: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    number_prefix: str | None = None
    founded: str | None = None
    successor: str | None = None
    successor_on: str | None = None
    source: str = "shipped"

    def names(self) -> list[tuple[str, str]]:
        """(name, kind) for every way the agency is written, its own name first."""
        return ([(self.name, "name")] + [(a, "alias") for a in self.aliases]
                + [(a, "abbreviation") for a in self.abbreviations] + [(e, "english") for e in self.english]
                + [(c, "code") for c in self.codes])


_FIELDS = {"name", "kind", "abbreviations", "english", "aliases", "parent", "number_prefix", "founded",
           "successor", "note"}


def parse_entities(lines: list[str], where: str, source: str) -> list[Agency]:
    """Agencies from JSON lines; a bad line is an error naming the file and line."""
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            item = json.loads(line)
            unknown = set(item) - _FIELDS
            if unknown or not isinstance(item.get("name"), str):
                raise ValueError(f"needs a 'name'; unknown fields {sorted(unknown)}" if unknown else "needs a 'name'")
        except ValueError as exc:
            raise StoreError(f"line {n}: not an agency line ({exc})", path=where) from exc
        successor = item.get("successor") or {}
        out.append(Agency(name=item["name"], kind=item.get("kind"), abbreviations=item.get("abbreviations", []),
                          english=item.get("english", []), aliases=item.get("aliases", []),
                          parent=item.get("parent"), number_prefix=item.get("number_prefix"),
                          founded=item.get("founded"), successor=successor.get("name"),
                          successor_on=successor.get("on"), source=source))
    return out


def merge(base: dict[str, Agency], extra: list[Agency]) -> dict[str, Agency]:
    """Extra entries add names to an agency of the same name, or add the agency."""
    for item in extra:
        known = base.get(item.name)
        if known is None:
            base[item.name] = item
            continue
        for attr in ("abbreviations", "english", "aliases"):
            values = getattr(known, attr)
            values.extend(v for v in getattr(item, attr) if v not in values)
        for attr in ("kind", "parent", "number_prefix", "founded", "successor", "successor_on"):
            if getattr(item, attr):
                setattr(known, attr, getattr(item, attr))
    return base


@lru_cache(maxsize=1)
def _shipped() -> tuple[Agency, ...]:
    entries: dict[str, Agency] = {}
    for line in _lines("agency_codes.tsv"):
        code, name, *rest = line.split("\t")
        kind = rest[0].split()[0] if rest else None
        entry = entries.setdefault(name, Agency(name=name, kind=kind))
        entry.codes.append(code)
    for name in _lines("agencies.txt"):
        entries.setdefault(name, Agency(name=name))
    text = resources.files("models").joinpath("data/agency_entities.jsonl").read_text("utf-8")
    merge(entries, parse_entities(text.splitlines(), "models/data/agency_entities.jsonl", "shipped"))
    return tuple(entries.values())


TOP_LEVEL = ""  # agency_parents' answer for an agency that answers to no ministry


@lru_cache(maxsize=1)
def agency_parents() -> dict[str, str]:
    """Agency name → the agency above it, as shipped; TOP_LEVEL for those the codes file lists as
    agencies of their own rank (courts' offices, the police, the Attorney General's office). Agencies
    whose place is not known are not keys.

    >>> agency_parents()["กรมส่งเสริมการปกครองท้องถิ่น"], agency_parents()["สำนักงานตำรวจแห่งชาติ"] == TOP_LEVEL
    ('กระทรวงมหาดไทย', True)
    """
    return {a.name: a.parent or TOP_LEVEL for a in _shipped() if a.parent or a.kind == "agency"}


def shipped_agencies() -> list[Agency]:
    """Every agency saraban ships, with its names.

    >>> dla = next(a for a in shipped_agencies() if a.name == "กรมส่งเสริมการปกครองท้องถิ่น")
    >>> dla.abbreviations, dla.english[0], dla.parent
    (['สถ.'], 'Department of Local Administration', 'กระทรวงมหาดไทย')
    """
    import copy

    assert agency_codes()  # the codes file is the first source; fail loudly if it is missing
    return copy.deepcopy(list(_shipped()))


def read_agencies(path: str | Path) -> list[Agency]:
    """An archive's own agency file (the shape of agency_entities.jsonl)."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise StoreError(f"cannot read the agency file ({exc.strerror or exc})", path=str(path)) from exc
    return parse_entities(text.splitlines(), str(path), "archive")
