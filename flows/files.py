"""Which files a batch covers: folders recurse, only readable document types, stable order."""
from __future__ import annotations

from pathlib import Path

from pipeline.ingest import SUPPORTED


def expand(paths: list[str]) -> list[Path]:
    """Files named directly are always taken (an unsupported one then fails loudly); folders give
    their supported files, sorted."""
    out: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                          and "quarantine" not in p.parts)
        else:
            out.append(path)
    return out
