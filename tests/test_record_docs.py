"""The record's description lives in the project: docs/record.md names every field, and every field
of the JSON Schema carries a description."""
from __future__ import annotations

from models.record import Record
from tests.conftest import ROOT


def schema_fields() -> dict[str, dict]:
    schema = Record.model_json_schema()
    fields = {f"Record.{name}": spec for name, spec in schema["properties"].items()}
    for model, definition in schema["$defs"].items():
        fields |= {f"{model}.{name}": spec for name, spec in definition.get("properties", {}).items()}
    return fields


def test_every_schema_field_is_described():
    undescribed = [name for name, spec in schema_fields().items() if not spec.get("description")]
    assert undescribed == []


def test_docs_record_md_names_every_field():
    text = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    missing = sorted({name.split(".")[1] for name in schema_fields()} - {
        word.strip("`.[]") for chunk in text.split("`")[1::2] for word in chunk.replace("[]", ".").split(".")})
    assert missing == []
