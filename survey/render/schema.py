"""The JSON Schema of an entry, generated from the pydantic model and the taxonomy, agreeing with `survey check`.

What the schema accepts, `survey check` accepts and the other way round, for every rule a schema can state
(docs/entry-format.md, "What the schema checks"): taxonomy terms in any case and with any separators, as
`taxonomy.normalise` folds them (the enum lists the canonical words for completion, a pattern accepts the
rest); one value for a list field; numbers written as numbers; bare DOIs and arXiv ids; a source for every
metric, a value or a range, a baseline for a relative kind; text up to check's length limit. The schema holds
only standard keywords, so strict validators (ajv --strict) accept it.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from survey.load import identifiers
from survey.load.knowledge_base import TAXONOMY_FILE
from survey.load.model import Entry
from survey.load.taxonomy import Taxonomy, load_taxonomy

SCHEMA_ID = "https://github.com/llm-pim/survey/schema/entry.schema.json"
MAX_TEXT = 8_000  # survey.check.rules.MAX_TEXT (not imported: check pulls in the unit machinery)


def entry_schema(taxonomy: Taxonomy | None) -> dict[str, Any]:
    schema = Entry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    definitions = schema["$defs"]
    _add_identifier_patterns(schema, definitions)
    _add_metric_rules(definitions["Metric"], taxonomy)
    if taxonomy is not None:
        _add_terms(schema, taxonomy)
    _limit_text(schema)
    _drop_private_keywords(schema)
    return schema


def _add_identifier_patterns(schema: dict[str, Any], definitions: dict[str, Any]) -> None:
    patterns = identifiers.schema_patterns()
    for holder in (schema, definitions["Version"]):
        for name in ("doi", "arxiv"):
            _string_option(holder["properties"][name])["pattern"] = patterns[name]
    person = definitions["Person"]["properties"]
    for name in ("email", "orcid"):
        _string_option(person[name])["pattern"] = patterns[name]


def _string_option(node: dict[str, Any]) -> dict[str, Any]:
    """The `type: string` schema of a field (the string branch of an optional one)."""
    for option in node.get("anyOf", [node]):
        if option.get("type") == "string":
            return option
    raise KeyError("no string option")


def _add_metric_rules(metric: dict[str, Any], taxonomy: Taxonomy | None) -> None:
    """What check's metric rules say about presence: a source, exactly one of value and range, a baseline."""
    properties = metric["properties"]
    properties["source"] = {"$ref": properties["source"]["anyOf"][0]["$ref"],
                            "description": "Where the number was read (required)."}
    metric["required"] = sorted({*metric.get("required", []), "source"})
    metric["oneOf"] = [
        {"type": "object", "required": ["value"], "properties": {"value": {"type": "number"}}},
        {"type": "object", "required": ["range"], "properties": {"range": {"type": "array"}}},
    ]
    if taxonomy is None:
        return
    relative = [key for term in taxonomy["metric"] for key in _keys_of(taxonomy, "metric", term.id)
                if term.relative]
    if relative:
        metric["if"] = {"type": "object", "required": ["kind"],
                        "properties": {"kind": {"type": "string", "pattern": _folded_pattern(relative)}}}
        metric["then"] = {"type": "object", "required": ["baseline"],
                          "properties": {"baseline": {"type": "string", "pattern": f"[^{_whitespace_class()}]"}}}


def _keys_of(taxonomy: Taxonomy, vocabulary: str, term_id: str) -> list[str]:
    """The normalised words (id, label, aliases) that name `term_id`."""
    return sorted(key for key, owner in taxonomy[vocabulary]._lookup.items() if owner == term_id)


def _add_terms(schema: dict[str, Any], taxonomy: Taxonomy) -> None:
    """Every term field refers to its vocabulary's schema: an enum of ids and aliases (editor completion), or
    any other spelling check resolves."""
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            vocabulary = node.get("x-vocabulary")
            if isinstance(vocabulary, str) and vocabulary in taxonomy.vocabularies:
                used.add(vocabulary)
                _replace_strings(node, {"$ref": f"#/$defs/term-{vocabulary}"})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    for vocabulary in sorted(used):
        words: list[str] = []
        for term in taxonomy[vocabulary]:
            words.append(term.id)
            words.extend(a for a in term.aliases if a not in words)
        schema["$defs"][f"term-{vocabulary}"] = {
            "type": "string", "description": f"A term of the '{vocabulary}' vocabulary in taxonomy.yaml: its id, "
            "label or an alias, in any case, with '-', '_' or spaces between words.",
            "anyOf": [{"enum": words}, {"pattern": _folded_pattern(sorted(taxonomy[vocabulary]._lookup))}]}


def _replace_strings(node: dict[str, Any], term: dict[str, Any]) -> None:
    """Put `term` in place of each plain `type: string` schema inside `node` (the field, or its items)."""
    for key in ("items", "anyOf"):
        child = node.get(key)
        options = child if isinstance(child, list) else [child] if isinstance(child, dict) else []
        for option in options:
            _replace_strings(option, term)
    if node.get("type") == "string" and "anyOf" not in node:
        extra = {k: v for k, v in node.items() if k not in ("type", "enum")}
        node.clear()
        node.update(term, **extra)


def _folded_pattern(keys: list[str]) -> str:
    """An ECMA-262 pattern for the texts `taxonomy.normalise` turns into one of `keys`.

    normalise lower-cases, reads '_', '-' and white space alike and drops them at the ends; a key's words
    are joined by '-'.
    """
    separator = f"[-_{_whitespace_class()}]"
    alternatives = [f"{separator}+".join("".join(_any_case(char) for char in word) for word in key.split("-"))
                    for key in keys]
    return f"^{separator}*(?:{'|'.join(alternatives)}){separator}*$"


@lru_cache(maxsize=1)
def _whitespace_class() -> str:
    """The characters Python's str.split() and str.strip() treat as white space, as \\u escapes and ranges."""
    codes = [code for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs)


@lru_cache(maxsize=1)
def _lower_sources() -> dict[str, str]:
    """For each character, every other character whose lower case it is ('K' and KELVIN SIGN for 'k')."""
    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lower = char.lower()
        if len(lower) == 1 and lower != char:
            found[lower] = found.get(lower, "") + char
    return found


_SYNTAX = set("^$\\.*+?()[]{}|/-")


def _any_case(char: str) -> str:
    variants = char + _lower_sources().get(char, "")
    if len(variants) == 1:
        return f"\\{char}" if char in _SYNTAX else char
    return "[" + "".join(f"\\{c}" if c in _SYNTAX else c for c in variants) + "]"


def _limit_text(node: Any) -> None:
    """check refuses a value longer than MAX_TEXT characters (check.MAX_TEXT); so does the schema."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            node["maxLength"] = MAX_TEXT
        for value in node.values():
            _limit_text(value)
    elif isinstance(node, list):
        for value in node:
            _limit_text(value)


def _drop_private_keywords(node: Any) -> None:
    """x-vocabulary served the generation; a strict validator refuses keywords it does not know."""
    if isinstance(node, dict):
        node.pop("x-vocabulary", None)
        for value in node.values():
            _drop_private_keywords(value)
    elif isinstance(node, list):
        for value in node:
            _drop_private_keywords(value)


def entry_schema_json(root: Path) -> str:
    taxonomy, _ = load_taxonomy(str(root / TAXONOMY_FILE)) if (root / TAXONOMY_FILE).is_file() else (None, [])
    return json.dumps(entry_schema(taxonomy), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
