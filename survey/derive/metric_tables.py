"""Metric tables: one per metric kind, values in canonical units, ranked only within comparable groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive import formulas as formula_registry
from survey.derive.evidence import EVIDENCE_TEXT, MEASURED, SIMULATED, evidence_class
from survey.derive.numbers import format_number, format_range
from survey.derive.talks import is_talk
from survey.derive.terms import canonical, canonical_all, single, term_label
from survey.load import units

if TYPE_CHECKING:
    from survey.load.model import Entry, Metric, Precision
    from survey.load.taxonomy import Taxonomy, Vocabulary


DERIVED_COLUMNS = {
    "energy-efficiency": formula_registry.PRECISION_NORMALISED_EFFICIENCY,
    "area-efficiency": formula_registry.PRECISION_NORMALISED_AREA_EFFICIENCY,
    "energy-per-token": formula_registry.TOKENS_PER_JOULE,
}


_PRECISION_FORMULAS = {formula_registry.PRECISION_NORMALISED_EFFICIENCY,
                       formula_registry.PRECISION_NORMALISED_AREA_EFFICIENCY}


@dataclass(frozen=True)
class FormulaRef:
    """How a table names the formula of a derived column."""

    key: str
    name: str
    version: int
    statement: str
    unit: str
    column: str  # header of the derived column


@dataclass(frozen=True)
class DerivedValue:
    formula: str  # formula key
    value: float | None
    low: float | None
    high: float | None
    text: str


@dataclass(frozen=True)
class MetricRow:
    entry_id: str
    metric_index: int
    kind: str
    value: float | None  # in the table's canonical unit; None for a range
    low: float | None
    high: float | None
    value_text: str
    reported: str  # as the entry states it: value and unit
    qualifier: str | None
    model: str | None
    phase: str | None
    precision: str | None
    level: str | None
    node_nm: float | None
    conditions: str  # a plain-text summary
    baseline: str | None
    evaluation: str | None  # evaluation method id
    evaluation_label: str | None
    evidence: str  # measured, simulated or unstated
    source_locator: str | None
    location: str  # file:line:col of the metric
    inferred: list[str]  # conditions taken from the entry because the metric does not state them
    missing_conditions: list[str]  # of precision, phase, level, evaluation (for ranked kinds)
    group: str | None  # key of its comparable group, when it has one
    rankable: bool
    rank: int | None
    mark: str | None  # why the value is not ranked
    derived: DerivedValue | None = None
    derived_note: str | None = None  # why there is no derived value
    weight_bits: int | None = None
    input_bits: int | None = None


@dataclass(frozen=True)
class ComparableGroup:
    """Rows whose values may be ranked against each other: precision, phase, level and evidence match. They are
    ranked only when they come from two or more works: a work's own configurations are not a comparison."""

    key: str
    label: str
    entry_ids: list[str]
    size: int

    @property
    def ranked(self) -> bool:
        return len(self.entry_ids) >= 2


@dataclass(frozen=True)
class MetricTable:
    kind: str
    label: str
    description: str
    unit: str  # canonical unit all values are converted to
    relative: bool
    ranked: bool  # whether values of this kind are ranked at all
    higher_is_better: bool | None
    rows: list[MetricRow]
    comparable_groups: list[ComparableGroup]
    formula: FormulaRef | None = None
    mixes_evidence: bool = False  # measured and simulated rows both present (told apart per row)
    criteria: str = ""  # what must match for values to be ranked, as plain text


def reported(metric: Metric) -> str:
    if metric.range:
        return f"{format_range(float(metric.range[0]), float(metric.range[1]))} {metric.unit}"
    if metric.value is None:
        return metric.unit
    return f"{format_number(float(metric.value))} {metric.unit}"


@dataclass(frozen=True)
class PrecisionFacts:
    text: str | None
    key: str | None  # set when one weight format and one activation format are named
    weight_bits: int | None
    input_bits: int | None


def _format_labels(vocab: Vocabulary, texts: list[str]) -> list[str]:
    """Format labels by increasing bit width (INT4/INT8), unknown widths last."""
    known = sorted(canonical_all(vocab, texts), key=lambda t: (vocab.terms[t].bits or 999, list(vocab.terms).index(t)))
    return [vocab.terms[t].label for t in known] + sorted({x for x in texts if canonical(vocab, x) is None})


def precision_facts(taxonomy: Taxonomy, precision: Precision | None) -> PrecisionFacts:
    if precision is None:
        return PrecisionFacts(None, None, None, None)
    vocab = taxonomy["format"]
    parts = []
    for prefix, formats in (("W", precision.weights), ("A", precision.activations), ("KV", precision.kv_cache)):
        if formats:
            parts.append(f"{prefix} {'/'.join(_format_labels(vocab, formats))}")
    weights, inputs = canonical_all(vocab, precision.weights), canonical_all(vocab, precision.activations)
    single = len(weights) == 1 and len(inputs) == 1 and len(precision.weights) == 1 and len(precision.activations) == 1
    key = f"W:{weights[0]}|A:{inputs[0]}" if single else None
    weight_bits = vocab.terms[weights[0]].bits if single else None
    input_bits = vocab.terms[inputs[0]].bits if single else None
    return PrecisionFacts(", ".join(parts) or None, key, weight_bits, input_bits)


def _ranking_direction(taxonomy: Taxonomy, kind: str) -> bool | None:
    """True when higher is better, False when lower is, None when the kind is never ranked (taxonomy.yaml)."""
    better = taxonomy["metric"].terms[kind].better
    return None if better is None else better == "higher"


def _norm_text(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class _Draft:
    """A metric row before ranking."""

    entry: Entry
    index: int
    metric: Metric
    fields: dict
    group: str | None
    group_label: str | None
    missing: list[str]
    mark: str | None


def _draft_row(taxonomy: Taxonomy, entry: Entry, index: int, metric: Metric, kind: str) -> _Draft:
    term = taxonomy["metric"].terms[kind]
    conditions = metric.conditions
    inferred: list[str] = []

    def stated_or_entry(name: str, vocabulary: str, stated: str | None, entry_values: list[str]) -> str | None:
        """The metric's own value, else the entry's when the entry names exactly one (recorded as inferred)."""
        value = canonical(taxonomy[vocabulary], stated)
        if value is None:
            value = single(canonical_all(taxonomy[vocabulary], entry_values))
            if value is not None:
                inferred.append(name)
        return value

    phase = stated_or_entry("phase", "phase", conditions.phase, entry.phases)
    level = stated_or_entry("level", "level", conditions.level, entry.level)
    method = stated_or_entry("evaluation", "evaluation", conditions.evaluation, [e.method for e in entry.evaluation])
    tool = canonical(taxonomy["simulator"], conditions.tool)
    node = conditions.node_nm
    if method is not None:
        same = [e for e in entry.evaluation if canonical(taxonomy["evaluation"], e.method) == method]
        tool = tool or single([canonical(taxonomy["simulator"], e.tool) for e in same])
        nodes = sorted({float(e.node_nm) for e in same if e.node_nm})
        node = node if node is not None else (nodes[0] if len(nodes) == 1 else None)
    precision = precision_facts(taxonomy, conditions.precision)
    if conditions.precision is None and entry.precision is not None:
        from_entry = precision_facts(taxonomy, entry.precision)
        if from_entry.text:
            precision = from_entry
            inferred.append("precision")

    low, high, value, unit_problem = converted(metric, term.canonical_unit or metric.unit)
    evidence = evidence_class(taxonomy, method)
    evaluation_label = term_label(taxonomy["evaluation"], method)
    if evaluation_label and tool:
        evaluation_label += f" ({term_label(taxonomy['simulator'], tool)})"

    direction = _ranking_direction(taxonomy, kind)
    missing: list[str] = []
    needs_phase = not term.any_phase
    if direction is not None:
        missing = [name for name, known in (("precision", precision.key), ("phase", phase or not needs_phase),
                                            ("level", level), ("evaluation", method)) if not known]
    baseline = metric.baseline.strip() if metric.baseline else None
    group = group_label = mark = None
    if direction is None:
        mark = None
    elif unit_problem:
        mark = f"not ranked: {unit_problem}"
    elif missing == ["precision"] and precision.text:
        mark = "not ranked: precision not stated as one weight and one input format"
    elif missing:
        mark = f"not ranked: {', '.join(missing)} not stated"
    elif term.relative and not baseline:
        mark = "not ranked: no baseline"
    elif value is None:
        mark = "not ranked: a range"
    else:
        phase_part = phase if needs_phase else None  # an any-phase kind is compared across phases
        parts = [f"precision={precision.key}", f"phase={phase_part}", f"level={level}", f"evidence={evidence}"]
        labels = [x for x in (precision.text, term_label(taxonomy["phase"], phase_part),
                              term_label(taxonomy["level"], level), EVIDENCE_TEXT[evidence]) if x]
        if term.relative and baseline:
            parts.append(f"baseline={_norm_text(baseline)}")
            labels.append(f"vs {baseline}")
        group, group_label = "|".join(parts), "; ".join(labels)

    summary = [x for x in (
        conditions.model,
        term_label(taxonomy["phase"], phase),
        precision.text,
        term_label(taxonomy["level"], level),
        f"{format_number(float(node))} nm" if node else None,
        f"batch {conditions.batch}" if conditions.batch is not None else None,
        f"context {conditions.context_length}" if conditions.context_length is not None else None,
        f"{conditions.voltage} V" if isinstance(conditions.voltage, (int, float)) else conditions.voltage,
        f"{conditions.frequency} MHz" if isinstance(conditions.frequency, (int, float)) else conditions.frequency,
        f"sparsity {conditions.sparsity}" if conditions.sparsity is not None else None,
        conditions.workload,
    ) if x]
    fields = {
        "entry_id": entry.id, "metric_index": index, "kind": kind, "value": value, "low": low, "high": high,
        "value_text": format_range(low, high) if value is None else format_number(value),
        "reported": reported(metric), "qualifier": metric.qualifier, "model": conditions.model,
        "phase": phase, "precision": precision.text, "level": level, "node_nm": float(node) if node else None,
        "conditions": "; ".join(summary), "baseline": baseline, "evaluation": method,
        "evaluation_label": evaluation_label, "evidence": evidence, "source_locator": metric.source.locator if metric.source else None,
        "location": str(entry.locate("metrics", index)), "inferred": sorted(inferred), "missing_conditions": missing,
        "weight_bits": precision.weight_bits, "input_bits": precision.input_bits,
    }
    return _Draft(entry, index, metric, fields, group, group_label, missing, mark)


def converted(metric: Metric, unit: str) -> tuple[float | None, float | None, float | None, str | None]:
    """(low, high, point value, problem) in `unit`."""
    if metric.low is None or metric.high is None:
        return None, None, None, "no value"
    try:
        factor = units.factor(metric.unit, unit)
    except ValueError:
        return None, None, None, f"unit '{metric.unit}' does not convert to {unit}"
    low, high = metric.low * factor, metric.high * factor
    return low, high, (low if metric.range is None else None), None


def _derive(formula_key: str, row: dict) -> tuple[DerivedValue | None, str | None]:
    formula = formula_registry.formula(formula_key)
    if row["low"] is None:
        return None, "no value"
    if formula_key in _PRECISION_FORMULAS:
        if row["weight_bits"] is None or row["input_bits"] is None:
            reason = "precision not stated" if row["precision"] is None else "no single weight and input bit width"
            return None, reason
        others = {"input_bits": float(row["input_bits"]), "weight_bits": float(row["weight_bits"])}
    else:
        others = {}
    try:
        low, high = formula.over_range(row["low"], row["high"], **others)
    except ValueError as problem:
        return None, str(problem)
    point = low if row["value"] is not None else None
    text = format_number(point) if point is not None else format_range(low, high)
    return DerivedValue(formula.key, point, low if point is None else None, high if point is None else None,
                        text), None


def _derived_column(formula_key: str) -> str:
    return {
        formula_registry.PRECISION_NORMALISED_EFFICIENCY: "Normalised (1b x 1b TOPS/W)",
        formula_registry.PRECISION_NORMALISED_AREA_EFFICIENCY: "Normalised (1b x 1b TOPS/mm^2)",
        formula_registry.TOKENS_PER_JOULE: "Tokens per joule",
    }.get(formula_key, formula_key)


def metric_tables(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[MetricTable]:
    """One table per metric kind present, in taxonomy order; talks are left out (their works carry the data)."""
    vocab = taxonomy["metric"]
    drafts: dict[str, list[_Draft]] = {}
    for entry in entries:
        if is_talk(taxonomy, entry):
            continue
        for index, metric in enumerate(entry.metrics):
            kind = canonical(vocab, metric.kind)
            if kind is not None:
                drafts.setdefault(kind, []).append(_draft_row(taxonomy, entry, index, metric, kind))
    tables = []
    for kind in [k for k in vocab.terms if k in drafts]:
        tables.append(_metric_table(taxonomy, kind, drafts[kind]))
    return tables


def _metric_table(taxonomy: Taxonomy, kind: str, drafts: list[_Draft]) -> MetricTable:
    term = taxonomy["metric"].terms[kind]
    direction = _ranking_direction(taxonomy, kind)
    formula_key = DERIVED_COLUMNS.get(kind)
    members: dict[str, list[_Draft]] = {}
    for draft in drafts:
        if draft.group is not None:
            members.setdefault(draft.group, []).append(draft)
    ranks: dict[tuple[str, int], int] = {}
    order: dict[tuple[str, int], int] = {}  # best first within each group, ranked or not
    groups = []
    for key in sorted(members):
        ordered = sorted(members[key], key=lambda d: (-d.fields["value"] if direction else d.fields["value"],
                                                      d.entry.id, d.index))
        group = ComparableGroup(key, ordered[0].group_label or key, sorted({d.entry.id for d in ordered}),
                                len(ordered))
        groups.append(group)
        order.update({(d.entry.id, d.index): position for position, d in enumerate(ordered)})
        if not group.ranked:
            continue
        for position, draft in enumerate(ordered):
            # equal values share a rank
            previous = ordered[position - 1] if position else None
            same = previous is not None and previous.fields["value"] == draft.fields["value"]
            ranks[(draft.entry.id, draft.index)] = ranks[(previous.entry.id, previous.index)] if same and previous \
                else position + 1
    rows = []
    for draft in drafts:
        derived, note = _derive(formula_key, draft.fields) if formula_key else (None, None)
        rank = ranks.get((draft.entry.id, draft.index))
        mark = draft.mark if draft.group is None else \
            None if rank is not None else "not ranked: no other work's value shares its conditions"
        rows.append(MetricRow(**draft.fields, group=draft.group, rankable=draft.group is not None, rank=rank,
                              mark=mark, derived=derived, derived_note=note))
    group_order = {g.key: i for i, g in enumerate(groups)}
    rows.sort(key=lambda r: (r.group is None, group_order.get(r.group or "", 0),
                             order.get((r.entry_id, r.metric_index), 0), r.entry_id, r.metric_index))
    formula_ref = None
    if formula_key:
        f = formula_registry.formula(formula_key)
        formula_ref = FormulaRef(f.key, f.name, f.version, f.statement, f.unit, _derived_column(formula_key))
    evidence = {r.evidence for r in rows}
    matched = "precision, level and evidence" if term.any_phase else "precision, phase, level and evidence"
    criteria = (f"values are ranked only against other works' values with the same {matched}"
                + (" and the same baseline" if term.relative else "")) if direction is not None else \
        "values of this kind are listed, not ranked"
    return MetricTable(
        kind=kind, label=term.label, description=term.description, unit=term.canonical_unit or "",
        relative=term.relative, ranked=direction is not None, higher_is_better=direction, rows=rows,
        comparable_groups=groups, formula=formula_ref, mixes_evidence={MEASURED, SIMULATED} <= evidence,
        criteria=criteria)
