"""Batches as an archive runs them: killed with SIGKILL at several moments and resumed, and several
runs at once over overlapping folders (SQLite, and PostgreSQL with the postgres marker). Each run is
a real `saraban ingest` process."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from models import db
from tests.conftest import RAW

LETTERS = sorted(RAW.glob("00[0-4]_*.txt"))


def make_documents(folder: Path, numbers: range) -> None:
    """Distinct documents: the sample letters, each with a line of its own appended."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        source = LETTERS[n % len(LETTERS)]
        (folder / f"doc_{n:03d}.txt").write_bytes(source.read_bytes() + f"\nอ้างอิงชุดที่ {n}\n".encode())
    old = time.time() - 60  # not "still being written"
    for path in folder.iterdir():
        os.utime(path, (old, old))


def saraban(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.cli", *args], env=env, cwd=str(Path(__file__).parents[1]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.fixture
def env(tmp_path, prefect_harness) -> dict[str, str]:
    """The test session's Prefect server (a run's own server costs 20 s to start)."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "SARABAN_DATA_DIR": str(tmp_path / "data")}


def sqlite_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def descendants(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return children + [d for c in children for d in descendants(c)]


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_killed_runs_resume_with_nothing_lost_or_doubled(tmp_path, env):
    inbox, database = tmp_path / "inbox", tmp_path / "db.sqlite"
    make_documents(inbox, range(40))
    args = ["ingest", str(inbox), "--db", f"sqlite:///{database}", "--settle", "0"]
    # 1: its own Prefect server, killed while starting; the server and the workers die with it
    own = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    run = saraban(args, own, tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not descendants(run.pid):
        time.sleep(0.2)
    time.sleep(2)
    children = descendants(run.pid)
    assert children, "the run started no server"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    time.sleep(3)
    assert not [c for c in children if alive(c)], "processes left behind by a killed run"
    # 2, 3: killed mid-batch, after a few documents and after more
    for stored in (3, 15):
        run = saraban(args, env, tmp_path)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and sqlite_count(database) < stored and run.poll() is None:
            time.sleep(0.05)
        workers = descendants(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        time.sleep(1)
        assert not [c for c in workers if alive(c)]
    # 4: resumed to the end
    run = saraban(args, env, tmp_path)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone() == (40, 40)
        # no half-written document: every one has its signatories' rows when its record lists some
        orphans = conn.execute("SELECT count(*) FROM signatories WHERE document_id NOT IN "
                               "(SELECT id FROM documents)").fetchone()[0]
        assert orphans == 0
    assert not (tmp_path / "data" / "quarantine").exists()


def run_in_parallel(tmp_path: Path, env: dict[str, str], url: str) -> list[subprocess.CompletedProcess]:
    """Three runs at once: folders A (0-29), B (15-44) and both."""
    make_documents(tmp_path / "a", range(0, 30))
    make_documents(tmp_path / "b", range(15, 45))
    runs = [saraban(["ingest", *folders, "--db", url, "--settle", "0"], env, tmp_path)
            for folders in ([str(tmp_path / "a")], [str(tmp_path / "b")], [str(tmp_path / "a"), str(tmp_path / "b")])]
    return [subprocess.CompletedProcess(r.args, r.wait(600), *r.communicate()) for r in runs]


def assert_stored_once(runs, engine, tmp_path: Path) -> None:
    for run in runs:
        assert run.returncode == 0, run.stdout + run.stderr
        assert "quarantined: 0" in run.stdout
    # 45 distinct documents (the same letter's text differs by its appended line)
    assert db.counts(engine)["documents"] == 45
    assert not (tmp_path / "data" / "quarantine").exists()


@pytest.mark.slow
def test_parallel_runs_on_sqlite_store_each_document_once(tmp_path, env):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runs = run_in_parallel(tmp_path, env, url)
    assert_stored_once(runs, db.connect(url), tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_parallel_runs_on_postgres_store_each_document_once(tmp_path, env, postgres_url):
    base = postgres_url
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"saraban_parallel_{uuid.uuid4().hex[:8]}"
    admin = make_url(base).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        runs = run_in_parallel(tmp_path, env, url)
        engine = db.connect(url)
        assert_stored_once(runs, engine, tmp_path)
        engine.dispose()
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
