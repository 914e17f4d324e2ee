"""User mistakes get one line naming the value and the reason, a usage exit code, no traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from extractors.process import extract_with_text
from flows.cli import main
from models import db
from tests.conftest import RAW, ROOT


@pytest.mark.parametrize("argv, words", [
    pytest.param(["search", "--since", "yesterday"], "'yesterday' is not a date", id="since-yesterday"),
    pytest.param(["search", "--db", "nonsense", "มท"], "bad database URL 'nonsense'", id="bad-db-url"),
    pytest.param(["search", "--db", "postgresql+psycopg://u:secret@127.0.0.1:1/x", "มท"], "cannot open database",
                 id="unreachable-db"),
    pytest.param(["export", "-o", "/no/such/folder/out.csv"], "folder /no/such/folder does not exist",
                 id="export-into-missing-folder"),
    pytest.param(["search", "ก" * 60_000], "search text is 60,000 characters", id="huge-query"),
    pytest.param(["ingest", "/no/such/inbox"], "no such file or folder: /no/such/inbox", id="mistyped-path"),
    pytest.param(["ingest", "--max-pages", "0", "x"], "'0' must be at least 1", id="bad-limit"),
])
def test_one_clear_line(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SARABAN_DATA_DIR", str(tmp_path))
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's own errors
        code = exited.code
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "secret" not in err


def test_broken_pipe_is_quiet(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = db.connect(url)
    extracted = extract_with_text(RAW / "000_af5cc0d685e0151e.txt")
    for n in range(200):  # enough output to fill a pipe
        record = extracted.record.model_copy(update={"source": extracted.record.source.model_copy(
            update={"sha256": f"{n:064x}"})})
        db.load_record(engine, record, extracted.text)
    command = f"{sys.executable} -m flows.cli export --db {url} | head -c 10"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=str(ROOT))
    assert result.returncode == 0 and result.stderr == "" and len(result.stdout) == 10
