"""The whole job for one file, top to bottom: ingest → pages → normalise → extract → assemble.

``saraban extract`` and the tests call ``process_document``; Prefect tasks wrap ``extract_with_text``,
which also hands back the normalised text for the search index.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractors.assemble import assemble
from models.errors import ExtractionError, SarabanError
from models.options import Options
from models.record import Record
from pipeline.document import Document
from pipeline.ingest import read_document


@dataclass(frozen=True)
class Extracted:
    record: Record
    text: str


def extract_with_text(path: str | Path, options: Options | None = None) -> Extracted:
    options = options or Options()
    raw = read_document(path, options)
    document = Document(raw)
    try:
        return Extracted(assemble(document, options), document.text)
    except SarabanError:
        raise
    except Exception as exc:  # an extractor bug must name the file, not kill the batch
        raise ExtractionError(f"{type(exc).__name__}: {exc}", path=str(path)) from exc


def process_document(path: str | Path, options: Options | None = None) -> Record:
    return extract_with_text(path, options).record
