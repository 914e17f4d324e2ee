"""Imports point one way: flows → extractors → pipeline → models; heavy libraries stay in their room."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = ["models", "pipeline", "extractors", "flows"]
ROOMS = {"prefect": {"flows"}, "tesserocr": {"pipeline"}, "pdfplumber": {"pipeline"}, "pypdfium2": {"pipeline"},
         "sqlalchemy": {"models"}, "cv2": {"pipeline"}}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


SOURCES = [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")]


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_import_direction(path):
    layer = path.relative_to(ROOT).parts[0]
    allowed = set(LAYERS[:LAYERS.index(layer) + 1])
    used = imports(path)
    assert not (used & set(LAYERS)) - allowed, f"{path} imports a layer above it"
    for library, rooms in ROOMS.items():
        assert library not in used or layer in rooms, f"{library} belongs in {rooms}, not {layer}"
