"""The quarantine: a failed input is copied (never moved) beside an ``error.json`` saying why."""
from __future__ import annotations

import hashlib
import json
import platform
import shutil
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from models.errors import SarabanError


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def quarantine(path: str | Path, error: BaseException, folder: str | Path) -> Path:
    """Copy ``path`` into ``folder/<sha256[:16]>/`` with ``error.json``; a re-run overwrites, never duplicates."""
    path, folder = Path(path), Path(folder)
    try:
        data = path.read_bytes() if path.is_file() else b""
    except OSError:  # unreadable or vanished: the entry keeps the reason, without a copy
        data = b""
    digest = hashlib.sha256(data).hexdigest() if data else hashlib.sha256(str(path).encode()).hexdigest()
    target = folder / digest[:16]
    target.mkdir(parents=True, exist_ok=True)
    if data:
        (target / path.name).write_bytes(data)
        try:
            shutil.copystat(path, target / path.name)
        except OSError:
            pass
    details = error.as_dict() if isinstance(error, SarabanError) else {
        "type": type(error).__name__, "stage": "unknown", "retryable": False, "path": str(path),
        "message": str(error)}
    details.update({
        "path": str(path), "sha256": digest if data else None,
        "quarantined_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {"saraban": _version("saraban"), "python": platform.python_version(),
                     "pythainlp": _version("pythainlp"), "tesserocr": _version("tesserocr")},
    })
    (target / "error.json").write_text(json.dumps(details, ensure_ascii=False, indent=2), encoding="utf-8")
    return target
