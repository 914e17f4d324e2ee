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


class UnreadableDocument(InputError):
    """No page of the document yields text: every text layer was missing or broken and OCR found
    nothing either. The reason names each page's decision; the file is quarantined, never stored
    as an empty record."""


class LimitExceeded(InputError):
    """The document is over a per-document limit (Options.max_*): refused before the work is done."""

    stage = "limits"


class EncodingRefused(DecodeError):
    """The bytes are text in an encoding saraban recognises but does not load (UTF-32)."""


class WorkerFailed(SarabanError):
    """The worker process reading this document died (a crash in a native library, memory) or ran
    out of time; the document is quarantined and the batch goes on with a fresh worker."""

    stage = "isolation"


class WorkerTimeout(WorkerFailed):
    """The document took longer than Options.max_seconds."""


class OrchestrationError(SarabanError):
    """The Prefect API or the task runner could not be started or reached."""

    stage = "orchestration"


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
