"""The extractor version: a digest of the code and rules that turn raw pages into a record
(extractors/, the normalisation and segmentation in pipeline/), so a record made by older rules is
known as such and ``saraban reprocess`` can make it again from the stored reading."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PIPELINE_PARTS = ("normalise.py", "ocr_repair.py", "segment.py", "document.py", "markup.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Twelve hex digits, the same wherever the same code is installed."""
    here = Path(__file__).resolve().parent
    pipeline = here.parent / "pipeline"
    files = sorted([*here.glob("*.py"), *(here / "rules").glob("*"), *(pipeline / "data").glob("*"),
                    *(pipeline / name for name in _PIPELINE_PARTS)])
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
