"""`survey schema`: a valid JSON Schema generated from the model, matching the committed file and real entries."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder, run_survey

from survey.load.yamlsource import parse_yaml


def _schema_output(root: Path) -> str:
    run = run_survey("--root", str(root), "schema")
    assert run.exit_code == 0, run.output
    return run.output


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(_schema_output(REPO))


def _as_json_data(text: str) -> Any:
    """An entry as an editor's yaml-language-server sees it: dates become text."""
    loaded = parse_yaml(text.encode(), "entry.yaml")
    assert not loaded.fatal, loaded.diagnostics

    def plain(value: object) -> str:
        assert isinstance(value, (datetime.date, datetime.datetime)), value
        return value.isoformat()

    return json.loads(json.dumps(loaded.data, default=plain))


def test_schema_is_a_valid_json_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"id", "title", "people"} <= set(schema["required"])


def test_schema_requires_the_contribution_type(schema: dict[str, Any]) -> None:
    assert "type" in schema["required"]


def test_committed_schema_file_equals_survey_schema_output() -> None:
    committed = (REPO / "schema" / "entry.schema.json").read_text(encoding="utf-8")
    assert committed == _schema_output(REPO), "run `survey schema > schema/entry.schema.json`"


def test_schema_output_is_deterministic() -> None:
    assert _schema_output(REPO) == _schema_output(REPO)


@pytest.mark.parametrize("path", sorted((REPO / "entries").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_entry_validates_against_the_schema(schema: dict[str, Any], path: Path) -> None:
    jsonschema.validate(_as_json_data(path.read_text(encoding="utf-8")), schema,
                        cls=jsonschema.Draft202012Validator)


def test_fixture_entry_validates_against_the_schema(schema: dict[str, Any]) -> None:
    jsonschema.validate(_as_json_data(VALID_ENTRY), schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_an_unknown_field(schema: dict[str, Any]) -> None:
    data = _as_json_data(VALID_ENTRY.replace("venue:", "venu:"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_schema_offers_taxonomy_terms_for_completion(schema: dict[str, Any]) -> None:
    memory = schema["properties"]["memory"]
    assert {"$ref": "#/$defs/term-memory"} in memory["anyOf"]  # one term, or a list of them
    words = next(option["enum"] for option in schema["$defs"]["term-memory"]["anyOf"] if "enum" in option)
    assert {"hbm3", "reram", "rram"} <= set(words)


def test_schema_rejects_an_unknown_taxonomy_term(schema: dict[str, Any]) -> None:
    data = _as_json_data(VALID_ENTRY.replace("memory: [hbm3]", "memory: [hbm9]"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_schema_without_a_taxonomy_still_works(kb: KnowledgeBaseFolder) -> None:
    (kb.root / "taxonomy.yaml").unlink()
    schema = json.loads(kb.run("schema").output)
    jsonschema.Draft202012Validator.check_schema(schema)
