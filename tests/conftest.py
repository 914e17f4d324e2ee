"""Shared fixtures: paths, options, one Prefect test server for the whole session."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from models.options import Options

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
RESOURCES = Path(__file__).resolve().parent / "resources"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"
THAI_FONT = Path("/usr/share/fonts/truetype/tlwg/Laksaman.ttf")


def tesseract_ready() -> bool:
    from pipeline.tesseract import installed_languages

    return importlib.util.find_spec("tesserocr") is not None and {"tha", "eng"} <= installed_languages()


def pytest_collection_modifyitems(config, items):
    skip_ocr = pytest.mark.skip(reason="tesseract with the tha model is not installed (make test installs it)")
    ready = tesseract_ready()
    for item in items:
        if "ocr" in item.keywords and not ready:
            item.add_marker(skip_ocr)


@pytest.fixture
def options() -> Options:
    return Options()


@pytest.fixture
def postgres_url() -> str:
    """The test server's URL; the test is skipped where none is set."""
    url = os.environ.get("SARABAN_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("SARABAN_TEST_POSTGRES_URL not set (.ci/run starts a server and sets it)")
    return url


@pytest.fixture(scope="session")
def prefect_harness():
    """One ephemeral Prefect server for every flow test (its start-up costs 15-20 s)."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
