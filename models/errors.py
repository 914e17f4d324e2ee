"""One exception hierarchy for saraban: each error names its stage and whether a retry can help.

Only the CLI turns these into exit codes; everything else raises or records them.
"""
from __future__ import annotations


class SarabanError(Exception):
    """Base of every error saraban raises on purpose."""

    stage = "pipeline"
    retryable = False

    def __init__(self, message: str, *, path: str | None = None):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)
        self.reason = message

    def __reduce__(self):
        # A pickled error (a Prefect task state, another process) keeps its reason and path apart.
        return (_rebuild, (type(self), self.reason, self.path))

    def as_dict(self) -> dict:
        return {"type": type(self).__name__, "stage": self.stage, "retryable": self.retryable,
                "path": self.path, "message": self.reason}


class InputError(SarabanError):
    """The file cannot be read as a document (missing, empty, unknown type, undecodable)."""

    stage = "ingest"


class UnsupportedMediaType(InputError):
    """saraban has no reader for this kind of file."""


class DecodeError(InputError):
    """The bytes are not text in any encoding saraban knows (UTF-8, UTF-16, TIS-620/cp874)."""


class PdfError(InputError):
    """The PDF is damaged, encrypted or otherwise unreadable."""


class OcrError(SarabanError):
    """Tesseract failed on a page."""

    stage = "ocr"


class OcrNotInstalled(OcrError):
    """The tesseract binary or its Thai model is missing."""


class OcrTimeout(OcrError):
    """Tesseract took longer than the configured limit; a retry on a quieter machine may pass."""

    retryable = True


class ExtractionError(SarabanError):
    """An extractor crashed on this document (a bug: the record cannot be assembled)."""

    stage = "extract"


class StoreError(SarabanError):
    """The database refused the record."""

    stage = "store"
    retryable = True


class QueryError(SarabanError):
    """A search value saraban cannot read (a date, a limit); the message names the value."""

    stage = "search"


def _rebuild(kind: type[SarabanError], message: str, path: str | None) -> SarabanError:
    return kind(message, path=path)
