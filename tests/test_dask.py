"""The same ingest flow on a Dask cluster (prefect-dask's DaskTaskRunner): a local cluster of two
worker processes stands in for an archive's machines."""
from __future__ import annotations

import pytest

from flows.ingest import ingest_flow, runner_for
from models import db
from models.options import Options
from tests.test_batch_runs import make_documents

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (make test installs it)")
pytest.importorskip("prefect_dask")


@pytest.mark.slow
def test_ingest_on_a_two_worker_dask_cluster(tmp_path, prefect_harness):
    make_documents(tmp_path / "inbox", range(12))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        flow = ingest_flow.with_options(task_runner=runner_for("dask", cluster.scheduler_address, 1))
        report = flow([str(tmp_path / "inbox")], url, str(tmp_path / "quarantine"), Options(), workers=1)
        with distributed.Client(cluster) as client:
            # both workers took part: each ran at least one task
            ran = client.run(lambda: __import__("flows.worker", fromlist=["_pools"])._pools.__len__())
    assert report.full_counts()["loaded"] == 12 and report.exit_code() == 0
    assert db.counts(db.connect(url))["documents"] == 12
    assert sorted(ran.values()) == [1, 1]
