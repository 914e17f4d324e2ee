"""Readers of further formats, registered by the module that reads them: each declares the media
type and file name endings it reads (pipeline/word.py). pipeline/ingest.py consults the registry
for any file its built-in text, PDF and image readers do not take."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.options import Options
from pipeline.pages import PageText

ReadPages = Callable[[str, Options], list[PageText]]


@dataclass(frozen=True)
class Reader:
    media_type: str
    suffixes: tuple[str, ...]
    read: ReadPages


READERS: dict[str, Reader] = {}


def register(media_type: str, suffixes: tuple[str, ...]) -> Callable[[ReadPages], ReadPages]:
    def add(read: ReadPages) -> ReadPages:
        READERS[media_type] = Reader(media_type, suffixes, read)
        return read
    return add


def by_suffix() -> dict[str, str]:
    return {suffix: r.media_type for r in READERS.values() for suffix in r.suffixes}
