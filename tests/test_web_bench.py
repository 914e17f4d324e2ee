"""benchmarks/web.py in small: a 300-document archive, every request it times answers (no timing is
asserted here; the figures belong to the benchmark's own run)."""
from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_the_web_benchmark_runs_small(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "benchmarks" / "web.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    archive = bench.build(url, 300, tmp_path, with_scan=False, sample=20)
    assert archive["documents"] == 300 and len(archive["viewed"]) >= 20
    results = bench.measure(url, archive, requests=3)
    assert set(results) >= {"API list, first page (50)", "review page: document view", "API: one record in full"}
    assert all(r["n"] >= 3 and 0 < r["p50_ms"] <= r["p95_ms"] <= r["max_ms"] for r in results.values())
    paging = bench.keyset_against_offset(archive["engine"], 200, repeats=3)
    assert paging["depth"] == 200 and paging["keyset_ms"] > 0
