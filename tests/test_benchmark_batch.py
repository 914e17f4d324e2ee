"""The batch benchmark in small: it runs end to end and prints its side-by-side table (the figures
themselves are for benchmarks/batch.py at full size, not asserted here)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_batch_benchmark_prints_the_table():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--files", "12", "--modes",
                             "bare,threads"], capture_output=True, text=True, timeout=900, cwd=str(ROOT))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    rows = {line.split()[0]: line.split() for line in lines if line.startswith(("bare ", "threads "))}
    assert rows["bare"][1] == "12" and rows["threads"][1] == "12"  # every document, both ways
    assert any(line.startswith("threads: ") and "× bare extraction's time" in line for line in lines)
