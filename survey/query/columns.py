"""Columns of query results: the text of one field of a record, and sorting records by a field."""

from __future__ import annotations

from typing import Any

from survey.load.taxonomy import Taxonomy, normalise
from survey.query.index import QueryIndex
from survey.query.matched_metrics import Choices, chosen_metrics

DEFAULT_COLUMNS = ("id", "type", "year", "memory", "architecture", "title")
# column -> record facet holding term ids (shown as labels)
_TERM_COLUMNS = {"memory": "memory", "architecture": "architecture", "level": "level", "domain": "domain",
                 "compression": "compression", "phase": "phase", "challenge": "challenge", "topic": "topic",
                 "evaluation": "evaluation", "tool": "tool", "metric": "metric", "weights": "weights",
                 "activations": "activations", "kv-cache": "kv_cache"}
_VOCABULARY = {"memory": "memory", "architecture": "architecture", "level": "level", "domain": "domain",
               "compression": "compression", "phase": "phase", "challenge": "challenge", "topic": "topic",
               "evaluation": "evaluation", "tool": "simulator", "metric": "metric", "weights": "format",
               "activations": "format", "kv-cache": "format"}
_LISTS = {"people": "people", "person": "people", "affiliations": "affiliations", "models": "models",
          "workloads": "workloads", "draws-on": "draws_on"}
_SCALARS = ("id", "type", "year", "title", "venue", "doi", "arxiv", "url", "summary", "path")
_ALIASES = {"challenges": "challenge", "topics": "topic", "phases": "phase", "metrics": "metric", "arch": "architecture",
            "mem": "memory", "kv": "kv-cache", "method": "evaluation", "simulator": "tool", "author": "people",
            "model": "models", "workload": "workloads"}


def known_columns(index: QueryIndex) -> list[str]:
    metric_kinds = [t.id for t in index.taxonomy["metric"]]
    return sorted({*_SCALARS, *_TERM_COLUMNS, *_LISTS}) + metric_kinds


def column_name(name: str, index: QueryIndex) -> str | None:
    """The canonical column for `name` (a field, an alias or a metric kind), or None."""
    key = _ALIASES.get(normalise(name), normalise(name))
    if key in _SCALARS or key in _TERM_COLUMNS or key in _LISTS:
        return key
    term = index.taxonomy["metric"].resolve(name)
    return term.id if term else None


def cell(record: dict[str, Any], column: str, index: QueryIndex, choices: Choices | None = None) -> str:
    """The text shown for `column` of `record` (labels for terms; for a metric kind, the best value with its unit
    among the values that satisfy the query's conditions, given by `choices`)."""
    if column in _SCALARS:
        value = record.get(column)
        if column == "type" and value is not None:
            return index.taxonomy.label("contribution-type", value)
        return "" if value is None else str(value)
    if column in _TERM_COLUMNS:
        vocabulary = _VOCABULARY[column]
        return ", ".join(index.taxonomy.label(vocabulary, v) for v in record["terms"].get(_TERM_COLUMNS[column], []))
    if column in _LISTS:
        return ", ".join(str(v) for v in record.get(_LISTS[column]) or [])
    metric = best_metric(record, column, index, choices)
    if metric is None:
        return ""
    return f"{_range_text(metric['low'], metric['high'])} {metric['canonical_unit']}"


def best_metric(record: dict[str, Any], kind: str, index: QueryIndex,
                choices: Choices | None = None) -> dict[str, Any] | None:
    """The record's best metric of `kind` (highest, or lowest where lower is better) in canonical units, among
    those the query's conditions let through (`choices`; all without)."""
    found = [m for m in chosen_metrics(record, choices) if m["kind"] == kind and m["low"] is not None]
    if not found:
        return None
    if lower_is_better(kind, index.taxonomy):
        return min(found, key=lambda m: m["low"])
    return max(found, key=lambda m: m["high"])


def lower_is_better(kind: str, taxonomy: Taxonomy) -> bool:
    """Whether smaller values of `kind` are better (`better: lower` in taxonomy.yaml)."""
    term = taxonomy["metric"].terms.get(kind)
    return term is not None and term.better == "lower"


def sort_records(records: list[dict[str, Any]], column: str, descending: bool,
                 index: QueryIndex, choices: Choices | None = None) -> list[dict[str, Any]]:
    """Records sorted by `column` (a metric kind by the value shown, see `cell`); records without a value come
    last either way; ties keep id order."""
    def key(record: dict[str, Any]) -> Any:
        if column in ("year",):
            return record.get("year")
        if column in _SCALARS or column in _TERM_COLUMNS or column in _LISTS:
            text = cell(record, column, index)
            return text.lower() if text else None
        metric = best_metric(record, column, index, choices)
        return None if metric is None else (metric["low"] if lower_is_better(column, index.taxonomy) else metric["high"])

    keyed = [(key(r), r) for r in records]
    present = sorted((item for item in keyed if item[0] is not None), key=lambda item: item[0], reverse=descending)
    return [r for _, r in present] + [r for k, r in keyed if k is None]


def format_number(value: float) -> str:
    """Four significant digits, no exponent for everyday magnitudes."""
    if value == 0:
        return "0"
    if 1e4 <= abs(value) < 1e7:
        return str(round(value))
    return f"{value:.4g}" if 1e-3 <= abs(value) < 1e4 else f"{value:.3g}"


def _range_text(low: float, high: float) -> str:
    return format_number(low) if low == high else f"{format_number(low)}-{format_number(high)}"
