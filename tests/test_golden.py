"""Golden records: each bundled dev document's whole record (provenance aside), field by field.

``UPDATE_GOLDEN=1 pytest tests/test_golden.py`` rewrites them; the run then fails on purpose so the
flag is never left on. Review the diff of ``tests/golden/`` before committing it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from extractors.process import process_document
from tests.conftest import GOLDEN, RAW, RESOURCES, SHARED

DOCUMENTS = sorted(RAW.glob("*.txt")) + sorted(p for p in RESOURCES.iterdir() if p.suffix in (".txt", ".html", ".md") and p.name != "README.md")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def comparable(record) -> dict:
    data = record.model_dump(mode="json", exclude={"provenance"})
    data["source"].pop("path")
    return data


def differences(expected, actual, where="") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = sorted(set(expected) | set(actual))
        return [d for k in keys for d in differences(expected.get(k), actual.get(k), f"{where}/{k}")]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{where}/{i}")]
    return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_golden_record(path, options):
    golden = GOLDEN / f"{path.stem}.json"
    actual = comparable(process_document(path, options))
    if UPDATE:
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.fail(f"golden file {golden.name} rewritten: unset UPDATE_GOLDEN and review the diff")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    problems = differences(expected, actual)
    assert not problems, "\n".join(problems)


EXTRA = GOLDEN.parent / "gold_extra"
YARDSTICKS = [pytest.param(SHARED / "corpus" / "dev", id="dev-corpus"),
              pytest.param(EXTRA, id="gold-extra-real-thai-gov-texts")]


@pytest.mark.skipif(not (SHARED / "tools" / "score.py").is_file(), reason="shared scorer not beside the repo")
@pytest.mark.parametrize("corpus", YARDSTICKS)
def test_gold_set_score(corpus, tmp_path):
    """The shared scorer on a gold set: the yardstick of the project."""
    out = tmp_path / "out.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        subprocess.run([sys.executable, "-m", "flows.cli", "extract", str(corpus / "docs")], stdout=handle, check=True)
    score = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(corpus / "gold"),
                            "--pred", str(out)], capture_output=True, text=True, check=True).stdout
    micro_f1 = float(score.strip().splitlines()[-1].split("=")[1])
    assert micro_f1 >= 0.97, score
