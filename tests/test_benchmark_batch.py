"""The batch benchmark in small: it runs end to end and prints its side-by-side table and the peak
memory at two batch sizes (the figures themselves are for benchmarks/batch.py at full size, not
asserted here)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_batch_benchmark_prints_the_table():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--files", "12", "--modes",
                             "bare,threads", "--memory", "24"], capture_output=True, text=True, timeout=900, cwd=str(ROOT))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    rows = {line.split()[0]: line.split() for line in lines if line.startswith(("bare ", "threads "))}
    assert rows["bare"][1] == "12" and rows["threads"][1] == "12"  # every document, both ways
    assert any(line.startswith("threads: ") and "× bare extraction's time" in line and "CPU" in line for line in lines)
    cpu = {mode: float(row[4]) for mode, row in rows.items()}
    assert cpu["bare"] > 0 and cpu["threads"] > 0  # CPU seconds of every process the mode ran
    [memory] = [line for line in lines if line.startswith("peak RSS of the ingest process")]
    assert "at 12 files" in memory and "at 24 files" in memory and "24 loaded" in memory
