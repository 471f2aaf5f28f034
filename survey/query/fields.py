"""The fields a query can name, what record data each reads, and how its values compare."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from survey.load.taxonomy import normalise

Getter = Callable[[dict[str, Any]], list[Any]]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # id | term | text | number | format
    get: Getter
    vocabulary: str | None = None
    aliases: tuple[str, ...] = ()
    help: str = ""


def _terms(facet: str) -> Getter:
    return lambda record: record["terms"].get(facet, [])


def _one(key: str) -> Getter:
    return lambda record: [record[key]] if record.get(key) is not None else []


def _many(*keys: str) -> Getter:
    return lambda record: [v for key in keys for v in (record.get(key) or [])]


ENTRY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "id", _one("id"), help="entry id; * and ? are wildcards"),
    FieldSpec("type", "term", _one("type"), "contribution-type"),
    FieldSpec("title", "text", _one("title")),
    FieldSpec("summary", "text", _one("summary")),
    FieldSpec("text", "text", lambda r: [r["title"], r.get("summary") or ""], help="title and summary"),
    FieldSpec("venue", "text", _one("venue")),
    FieldSpec("doi", "text", _one("doi")),
    FieldSpec("arxiv", "text", _one("arxiv")),
    FieldSpec("person", "text", _many("people"), aliases=("people", "author", "speaker", "name")),
    FieldSpec("affiliation", "text", _many("affiliations"), aliases=("institution", "affiliations")),
    FieldSpec("model", "text", _many("models"), aliases=("models",)),
    FieldSpec("workload", "text", _many("workloads"), aliases=("workloads", "dataset")),
    FieldSpec("year", "number", _one("year")),
    FieldSpec("node", "number", _many("node_nm"), aliases=("node-nm",), help="technology node in nm"),
    FieldSpec("architecture", "term", _terms("architecture"), "architecture", ("arch",)),
    FieldSpec("level", "term", _terms("level"), "level"),
    FieldSpec("memory", "term", _terms("memory"), "memory", ("mem",)),
    FieldSpec("domain", "term", _terms("domain"), "domain"),
    FieldSpec("compression", "term", _terms("compression"), "compression"),
    FieldSpec("phase", "term", _terms("phase"), "phase", ("phases",)),
    FieldSpec("challenge", "term", _terms("challenge"), "challenge", ("challenges",)),
    FieldSpec("topic", "term", _terms("topic"), "topic", ("topics",)),
    FieldSpec("evaluation", "term", _terms("evaluation"), "evaluation", ("method", "evidence")),
    FieldSpec("tool", "term", _terms("tool"), "simulator", ("simulator",)),
    FieldSpec("metric", "term", _terms("metric"), "metric", ("metrics", "kind"),
              help="the entry reports a metric of this kind"),
    FieldSpec("precision", "format", lambda r: r["terms"]["weights"] + r["terms"]["activations"], "format",
              help="weight or activation format; <, <=, >, >= compare bits"),
    FieldSpec("weights", "format", _terms("weights"), "format"),
    FieldSpec("activations", "format", _terms("activations"), "format"),
    FieldSpec("kv-cache", "format", _terms("kv_cache"), "format", ("kv",)),
    FieldSpec("accumulation", "format", _terms("accumulation"), "format"),
)


def _condition(key: str) -> Getter:
    return lambda metric: _listed(metric["conditions"].get(key))


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# Conditions of a metric, for `kind[condition ...]`; getters read a metric record.
CONDITION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("phase", "term", _condition("phase"), "phase"),
    FieldSpec("level", "term", _condition("level"), "level"),
    FieldSpec("evaluation", "term", _condition("evaluation"), "evaluation", ("method", "evidence")),
    FieldSpec("tool", "term", _condition("tool"), "simulator", ("simulator",)),
    FieldSpec("precision", "format", lambda m: _listed(m["conditions"].get("weights"))
              + _listed(m["conditions"].get("activations")), "format"),
    FieldSpec("weights", "format", _condition("weights"), "format"),
    FieldSpec("activations", "format", _condition("activations"), "format"),
    FieldSpec("kv-cache", "format", _condition("kv_cache"), "format", ("kv",)),
    FieldSpec("model", "text", _condition("model")),
    FieldSpec("workload", "text", _condition("workload")),
    FieldSpec("sparsity", "text", _condition("sparsity")),
    FieldSpec("notes", "text", _condition("notes")),
    FieldSpec("baseline", "text", lambda m: _listed(m.get("baseline"))),
    FieldSpec("qualifier", "text", lambda m: _listed(m.get("qualifier"))),
    FieldSpec("batch", "number", _condition("batch")),
    FieldSpec("context", "number", _condition("context_length"), aliases=("context-length",)),
    FieldSpec("node", "number", _condition("node_nm"), aliases=("node-nm",)),
)


def field_table(specs: tuple[FieldSpec, ...]) -> dict[str, FieldSpec]:
    """Every name and alias (normalised) -> its field."""
    table: dict[str, FieldSpec] = {}
    for spec in specs:
        for name in (spec.name, *spec.aliases):
            table[normalise(name)] = spec
    return table
