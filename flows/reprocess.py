"""``saraban reprocess``: records made by an older extractor version made again from the pages
stored when the documents were read (no file is read again, no OCR), in place (no duplicates),
reporting which fields changed."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from extractors.process import extract_from_raw
from extractors.version import extractor_version
from models import db
from models.options import Options
from pipeline.pages import reading_from_json

log = logging.getLogger(__name__)
IGNORED = {"provenance", "warnings"}


@dataclass
class ReprocessReport:
    version: str
    examined: int = 0
    changed: dict[str, list[str]] = field(default_factory=dict)  # path -> fields whose value changed
    failed: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"extractor version {self.version}: {self.examined} documents made again, "
               f"{len(self.changed)} changed, {len(self.failed)} failed"]
        fields = Counter(f for changed in self.changed.values() for f in changed)
        if fields:
            out.append("fields changed: " + ", ".join(f"{name} ×{n}" for name, n in fields.most_common()))
        out += [f"  {path}: {', '.join(changed)}" for path, changed in list(self.changed.items())[:50]]
        out += [f"  failed {path}: {reason}" for path, reason in self.failed]
        return out


def changed_fields(old: dict, new: dict) -> list[str]:
    """Top-level record fields whose values differ (evidence and warnings aside).

    >>> changed_fields({"subject": "ก", "date": None, "warnings": []}, {"subject": "ข", "date": None, "warnings": ["x"]})
    ['subject']
    """
    return sorted(k for k in old.keys() | new.keys() if k not in IGNORED and old.get(k) != new.get(k))


def reprocess(url: str, options: Options | None = None) -> ReprocessReport:
    options = options or Options()
    version = extractor_version()
    engine = db.connect(url)
    report = ReprocessReport(version)
    for document_id, old, pages in list(db.stale_readings(engine, version)):
        raw = reading_from_json(pages)
        report.examined += 1
        try:
            extracted = extract_from_raw(raw, options)
            db.replace_record(engine, document_id, extracted.record, extracted.text, version)
        except Exception as exc:  # noqa: BLE001 - one document's failure is reported, the rest go on
            report.failed.append((raw.path, str(exc)))
            continue
        changed = changed_fields(old, extracted.record.model_dump(mode="json"))
        if changed:
            report.changed[raw.path] = changed
            log.info("%s: %s changed", raw.path, ", ".join(changed))
    engine.dispose()
    return report
