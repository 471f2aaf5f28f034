"""Query records: each entry flattened to plain data with resolved term ids and metrics in canonical units.

Records are what the query engine, the exports and the cache work on. They hold only JSON data (no pydantic,
no pint), so that a cached query needs neither library. `full` records hold the whole entry as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from survey.load.model import Entry, Metric
    from survey.load.taxonomy import Taxonomy, Vocabulary

# Entry-level facets: record key -> (vocabulary, attribute of Entry).
ENTRY_FACETS: dict[str, tuple[str, str]] = {
    "architecture": ("architecture", "architecture"),
    "level": ("level", "level"),
    "memory": ("memory", "memory"),
    "domain": ("domain", "domain"),
    "compression": ("compression", "compression"),
    "phase": ("phase", "phases"),
    "challenge": ("challenge", "challenges"),
    "topic": ("topic", "topics"),
}
PRECISION_OPERANDS = ("weights", "activations", "kv_cache", "accumulation")
# Metric conditions held as taxonomy terms: condition key -> vocabulary.
CONDITION_TERMS = {"phase": "phase", "level": "level", "evaluation": "evaluation", "tool": "simulator"}
# Free-form metric conditions copied as written.
CONDITION_VALUES = ("model", "batch", "context_length", "node_nm", "voltage", "frequency", "sparsity", "workload",
                    "notes")


def metrics_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A record's metric records. The cache keeps them as one JSON string per record, decoded on first use,
    so that a query that never looks at an entry's metrics does not pay for building them."""
    found = record.get("metrics")
    if found is None:
        import json

        found = record["metrics"] = json.loads(record.pop("metrics_json", "[]"))
    return found


def stored(record: dict[str, Any]) -> dict[str, Any]:
    """`record` as the cache stores it (metrics as a JSON string)."""
    if "metrics" not in record:
        return record
    import json

    body = {k: v for k, v in record.items() if k != "metrics"}
    body["metrics_json"] = json.dumps(record["metrics"], ensure_ascii=False, separators=(",", ":"))
    return body


def resolve_term(vocabulary: Vocabulary, text: str) -> str:
    """The term id `text` names, or the text itself when the taxonomy does not know it."""
    term = vocabulary.resolve(str(text))
    return term.id if term else str(text)


def build_record(entry: Entry, taxonomy: Taxonomy, path: str) -> dict[str, Any]:
    """The query record of one entry; `path` is the file relative to the knowledge base's root."""
    terms: dict[str, list[str]] = {}
    for key, (vocabulary, attribute) in ENTRY_FACETS.items():
        terms[key] = [resolve_term(taxonomy[vocabulary], v) for v in getattr(entry, attribute)]
    formats = taxonomy["format"]
    for operand in PRECISION_OPERANDS:
        values = getattr(entry.precision, operand) if entry.precision else []
        terms[operand] = [resolve_term(formats, v) for v in values]
    terms["evaluation"] = [resolve_term(taxonomy["evaluation"], e.method) for e in entry.evaluation]
    terms["tool"] = [resolve_term(taxonomy["simulator"], e.tool) for e in entry.evaluation if e.tool]
    metrics = [_metric_record(entry, m, terms, taxonomy) for m in entry.metrics]
    terms["metric"] = sorted({m["kind"] for m in metrics})
    return {
        "id": entry.id,
        "path": path,
        "type": resolve_term(taxonomy["contribution-type"], entry.type),
        "title": entry.title,
        "year": entry.year,
        "venue": entry.venue,
        "doi": entry.doi,
        "arxiv": entry.arxiv,
        "url": entry.url,
        "summary": entry.summary,
        "people": [p.name for p in entry.people],
        "affiliations": sorted({a for p in entry.people for a in p.affiliations}),
        "models": entry.model_names,
        "workloads": list(entry.workloads),
        "node_nm": [e.node_nm for e in entry.evaluation if e.node_nm is not None],
        "draws_on": list(entry.draws_on),
        "terms": terms,
        "metrics": metrics,
    }


def full_record(entry: Entry) -> dict[str, Any]:
    """The whole entry as plain JSON data, fields in the model's order, empty fields left out."""
    return entry.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _metric_record(entry: Entry, metric: Metric, entry_terms: dict[str, list[str]],
                   taxonomy: Taxonomy) -> dict[str, Any]:
    kind_term = taxonomy["metric"].resolve(metric.kind)
    kind = kind_term.id if kind_term else metric.kind
    canonical = kind_term.canonical_unit if kind_term else None
    factor = _factor(metric.unit, canonical)
    low, high = metric.low, metric.high
    conditions, inherited = _conditions(entry, metric, entry_terms, taxonomy)
    return {
        "kind": kind,
        "value": metric.value,
        "range": list(metric.range) if metric.range else None,
        "unit": metric.unit,
        "qualifier": metric.qualifier,
        "baseline": metric.baseline,
        "canonical_unit": canonical,
        "low": low * factor if factor is not None and low is not None else None,
        "high": high * factor if factor is not None and high is not None else None,
        "conditions": conditions,
        "inherited": inherited,
    }


def _factor(unit: str, canonical: str | None) -> float | None:
    if canonical is None:
        return None
    from survey.load import units

    try:
        return units.factor(unit, canonical)
    except ValueError:
        return None


def _conditions(entry: Entry, metric: Metric, entry_terms: dict[str, list[str]],
                taxonomy: Taxonomy) -> tuple[dict[str, Any], list[str]]:
    """A metric's conditions, flattened; a condition the metric leaves out is taken from the entry when the
    entry states exactly one value for it (one evaluation method, one phase, one format of an operand, ...).

    Precision answers only where the source pairs it with the value: an operand's formats are the metric's own,
    or the entry's when the entry names one format for that operand. Formats named but not paired with the
    value go under `unpaired_precision` (shown, never matched, grouped or exported as the value's precision):
    the entry's when it names several for an operand the metric leaves out, and a range's own when they are
    several (its ends are at different formats). Returns (conditions, inherited keys)."""
    given = metric.conditions
    conditions: dict[str, Any] = {}
    inherited: list[str] = []
    for key, vocabulary in CONDITION_TERMS.items():
        value = getattr(given, key)
        if value is not None:
            conditions[key] = resolve_term(taxonomy[vocabulary], value)
        elif len(set(entry_terms.get(key, []))) == 1:
            conditions[key] = entry_terms[key][0]
            inherited.append(key)
    formats = taxonomy["format"]
    unpaired: dict[str, list[str]] = {}
    for operand in PRECISION_OPERANDS:
        values = sorted({resolve_term(formats, v) for v in (getattr(given.precision, operand) if given.precision else [])})
        if len(values) > 1 and metric.range is not None:
            unpaired[operand] = values  # the ends of a range at different formats: neither end is "at" one of them
        elif values:
            conditions[operand] = values
        elif len(set(entry_terms.get(operand, []))) == 1:  # the entry's only format is the metric's
            conditions[operand] = [entry_terms[operand][0]]
            inherited.append(operand)
        elif entry_terms.get(operand):  # the entry names several: which one this value is at is not said
            unpaired[operand] = sorted(set(entry_terms[operand]))
    if unpaired:
        conditions["unpaired_precision"] = unpaired
    for key in CONDITION_VALUES:
        value = getattr(given, key)
        if value is not None:
            conditions[key] = value
    if "node_nm" not in conditions and len({e.node_nm for e in entry.evaluation if e.node_nm is not None}) == 1:
        conditions["node_nm"] = next(e.node_nm for e in entry.evaluation if e.node_nm is not None)
        inherited.append("node_nm")
    return conditions, sorted(inherited)
