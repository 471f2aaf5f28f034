"""The JSON Schema of an entry, generated from the pydantic model, with the taxonomy's terms as enums."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from survey.load.knowledge_base import TAXONOMY_FILE
from survey.load.model import Entry
from survey.load.taxonomy import Taxonomy, load_taxonomy

SCHEMA_ID = "https://github.com/llm-pim/survey/schema/entry.schema.json"


def entry_schema(taxonomy: Taxonomy | None) -> dict[str, Any]:
    schema = Entry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    if taxonomy is not None:
        _add_enums(schema, taxonomy)
    return schema


def _add_enums(node: Any, taxonomy: Taxonomy) -> None:
    """Give every term field an enum of its vocabulary's ids and aliases, for editor completion."""
    if isinstance(node, dict):
        vocabulary = node.get("x-vocabulary")
        if isinstance(vocabulary, str) and vocabulary in taxonomy.vocabularies:
            words: list[str] = []
            for term in taxonomy[vocabulary]:
                words.append(term.id)
                words.extend(a for a in term.aliases if a not in words)
            target = node.get("items", node)
            if "anyOf" in target:  # optional: str | None
                for option in target["anyOf"]:
                    if option.get("type") == "string":
                        option["enum"] = words
            elif target.get("type") == "string":
                target["enum"] = words
            elif target.get("type") == "array":
                target.setdefault("items", {})["enum"] = words
        for value in node.values():
            _add_enums(value, taxonomy)
    elif isinstance(node, list):
        for value in node:
            _add_enums(value, taxonomy)


def entry_schema_json(root: Path) -> str:
    taxonomy, _ = load_taxonomy(str(root / TAXONOMY_FILE)) if (root / TAXONOMY_FILE).is_file() else (None, [])
    return json.dumps(entry_schema(taxonomy), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
