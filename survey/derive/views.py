"""Format-neutral views of a knowledge base: catalogue, comparison and metric tables, coverage, challenges, talks.

`build_views(kb)` is pure and deterministic: the same knowledge base gives equal views, in a sorted order.
Cells are plain text (no markup of any format); renderers escape and typeset them. Terms are shown by their
taxonomy labels, so the vocabulary stays in taxonomy.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from survey.derive import formulas as formula_registry
from survey.derive.graph import TaxonomyGraph, build_taxonomy_graph
from survey.derive.quality import (
    MEASURED,
    SIMULATED,
    UNSTATED,
    EvidenceArea,
    QualityFacts,
    build_quality,
    evidence_class,
    strongest_evidence,
)
from survey.load import units

if TYPE_CHECKING:
    from survey.load.knowledge_base import KnowledgeBase
    from survey.load.model import Entry, Metric, Precision
    from survey.load.taxonomy import Taxonomy, Vocabulary

EMPTY = "-"  # a cell with nothing to show
# The derived column a metric table carries, by metric kind.
DERIVED_COLUMNS = {
    "energy-efficiency": formula_registry.PRECISION_NORMALISED_EFFICIENCY,
    "area-efficiency": formula_registry.PRECISION_NORMALISED_AREA_EFFICIENCY,
    "energy-per-token": formula_registry.TOKENS_PER_JOULE,
}
_PRECISION_FORMULAS = {formula_registry.PRECISION_NORMALISED_EFFICIENCY,
                       formula_registry.PRECISION_NORMALISED_AREA_EFFICIENCY}
_QUALIFIER_TEXT = {"up-to": "up to", "average": "avg.", "geomean": "geomean", "peak": "peak", "min": "at least",
                   "max": "max.", "median": "median"}
_EVIDENCE_TEXT = {MEASURED: "measured", SIMULATED: "simulated", UNSTATED: "evidence not stated"}


# ----------------------------------------------------------------------------------------------- the views


@dataclass(frozen=True)
class CatalogueRow:
    entry_id: str
    title: str
    type: str
    type_label: str
    year: int | None
    venue: str | None
    architecture: list[str]  # labels
    architecture_kinds: list[str]  # top-level architecture term ids
    memory: list[str]  # labels of the terms the entry names
    memory_families: list[str]  # second-level memory term ids (sram, dram, reram, ...)
    evaluation: list[str]  # labels of the evaluation methods
    evidence: str  # strongest evidence: measured, simulated or unstated
    challenges: list[str]  # top-level challenge ids
    verified: bool
    is_talk: bool
    doi: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ComparisonTable:
    kind: str  # top-level architecture term id
    title: str
    description: str
    columns: list[str]
    rows: list[list[str]]  # first cell: the entry id

    @property
    def entry_ids(self) -> list[str]:
        return [row[0] for row in self.rows]


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
    """Rows whose values may be ranked against each other: precision, phase, level and evidence match."""

    key: str
    label: str
    entry_ids: list[str]
    size: int


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


@dataclass(frozen=True)
class CoverageCell:
    challenge: str
    memory: str | None
    entry_ids: list[str]


@dataclass(frozen=True)
class CoverageColumn:
    id: str
    label: str
    specific: bool  # False for a top-level family named without a specific technology (e.g. 'NVM')


@dataclass(frozen=True)
class CoverageMatrix:
    challenges: list[str]
    challenge_labels: list[str]
    columns: list[CoverageColumn]
    cells: list[CoverageCell]  # row-major, one per challenge x column
    empty: list[tuple[str, str]]  # (challenge, memory) with no entry, specific columns only
    without_memory: list[CoverageCell]  # entries addressing a challenge without naming a memory

    def cell(self, challenge: str, memory: str) -> list[str]:
        return next(c.entry_ids for c in self.cells if c.challenge == challenge and c.memory == memory)


@dataclass(frozen=True)
class SubChallengeGroup:
    id: str
    label: str
    description: str
    entry_ids: list[str]


@dataclass(frozen=True)
class ChallengeSection:
    id: str
    label: str
    description: str
    entry_ids: list[str]  # entries naming the challenge itself
    groups: list[SubChallengeGroup]
    all_entry_ids: list[str]


@dataclass(frozen=True)
class Speaker:
    name: str
    name_native: str | None
    affiliations: list[str]


@dataclass(frozen=True)
class Talk:
    entry_id: str
    type: str
    type_label: str
    title: str
    speakers: list[Speaker]
    affiliations: list[str]
    summary: str | None
    draws_on: list[str]
    year: int | None
    venue: str | None


@dataclass(frozen=True)
class OpenProblem:
    kind: str  # coverage-gap, uncovered-sub-challenge, simulation-only
    challenge: str | None
    memories: list[str]
    statement: str
    entry_ids: list[str]


@dataclass(frozen=True)
class SurveyViews:
    catalogue: list[CatalogueRow]
    comparison: list[ComparisonTable]
    metric_tables: list[MetricTable]
    coverage: CoverageMatrix
    graph: TaxonomyGraph
    challenge_sections: list[ChallengeSection]
    talks: list[Talk]
    open_problems: list[OpenProblem]
    quality: QualityFacts
    evidence_areas: list[EvidenceArea] = field(default_factory=list)
    unclassified: list[str] = field(default_factory=list)  # works naming no architecture kind
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # vocabulary -> term id -> label, taxonomy order

    def label(self, vocabulary: str, term_id: str) -> str:
        return self.labels.get(vocabulary, {}).get(term_id, term_id)

    def metric_table(self, kind: str) -> MetricTable | None:
        return next((t for t in self.metric_tables if t.kind == kind), None)

    def catalogue_row(self, entry_id: str) -> CatalogueRow | None:
        return next((r for r in self.catalogue if r.entry_id == entry_id), None)


# ----------------------------------------------------------------------------------------------- building


def build_views(kb: KnowledgeBase) -> SurveyViews:
    """Every format-neutral view of `kb` (which must have a usable taxonomy)."""
    if kb.taxonomy is None:
        raise ValueError("the knowledge base has no usable taxonomy.yaml; run `survey check` first")
    taxonomy = kb.taxonomy
    entries = sorted(kb.entries, key=lambda e: e.id)
    catalogue = [catalogue_row(taxonomy, e) for e in entries]
    tables = metric_tables(taxonomy, entries)
    coverage = coverage_matrix(taxonomy, entries)
    sections = challenge_sections(taxonomy, entries)
    areas = evidence_areas(taxonomy, entries)
    quality = build_quality(entries, catalogue, tables, areas)
    return SurveyViews(
        catalogue=catalogue,
        comparison=comparison_tables(taxonomy, entries),
        metric_tables=tables,
        coverage=coverage,
        graph=build_taxonomy_graph(taxonomy, entries),
        challenge_sections=sections,
        talks=talks(taxonomy, entries),
        open_problems=open_problems(taxonomy, coverage, sections, areas),
        quality=quality,
        evidence_areas=areas,
        unclassified=[e.id for e in entries if not is_talk(taxonomy, e) and not _canonical_all(taxonomy["architecture"],
                                                                                       e.architecture)],
        labels={name: {t.id: t.label for t in vocab} for name, vocab in sorted(taxonomy.vocabularies.items())},
    )


def is_talk(taxonomy: Taxonomy, entry: Entry) -> bool:
    """A keynote or invited talk: a contribution type whose entries name a speaker (taxonomy.yaml)."""
    term = taxonomy["contribution-type"].resolve(entry.type)
    return term is not None and term.role == "speaker"


# --- terms


def _canonical(vocab: Vocabulary, text: str | None) -> str | None:
    term = vocab.resolve(text) if text else None
    return term.id if term else None


def _canonical_all(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    """Known term ids for `texts`, deduplicated, in taxonomy order."""
    found = {t for t in (_canonical(vocab, x) for x in texts) if t}
    order = list(vocab.terms)
    return sorted(found, key=order.index)


def _labels(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    """Labels of the known terms, then unknown words as written (sorted), so nothing silently disappears."""
    texts = list(texts)
    known = [vocab.terms[t].label for t in _canonical_all(vocab, texts)]
    return known + sorted({x for x in texts if _canonical(vocab, x) is None})


def _label(vocab: Vocabulary, text: str | None) -> str | None:
    if not text:
        return None
    term = vocab.resolve(text)
    return term.label if term else text


def _roots(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    roots = {vocab.root(t) for t in _canonical_all(vocab, texts)}
    order = list(vocab.terms)
    return sorted(roots, key=order.index)


def memory_family(vocab: Vocabulary, term_id: str) -> str:
    """The second level of the memory hierarchy above `term_id` (hbm3 -> dram); a root stays itself."""
    chain = [term_id, *vocab.ancestors(term_id)]
    return chain[-2] if len(chain) >= 2 else chain[-1]


def _memory_families(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    order = list(vocab.terms)
    return sorted({memory_family(vocab, t) for t in _canonical_all(vocab, texts)}, key=order.index)


# --- numbers


def format_number(value: float) -> str:
    """A short, plain rendering: 4 significant digits, no exponent between 0.001 and 10^7."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e4 and magnitude < 1e7:
        return str(round(value))
    if 1e-3 <= magnitude < 1e4:
        text = f"{value:.4g}"
        return text
    return f"{value:.3g}"


def format_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return EMPTY
    if low == high:
        return format_number(low)
    return f"{format_number(low)}\u2013{format_number(high)}"


def _reported(metric: Metric) -> str:
    if metric.range:
        return f"{format_range(float(metric.range[0]), float(metric.range[1]))} {metric.unit}"
    if metric.value is None:
        return metric.unit
    return f"{format_number(float(metric.value))} {metric.unit}"


# --- catalogue


def _evaluation_labels(taxonomy: Taxonomy, entry: Entry) -> list[str]:
    labels: list[str] = []
    for evaluation in entry.evaluation:
        text = _label(taxonomy["evaluation"], evaluation.method) or EMPTY
        extras = [x for x in (_label(taxonomy["simulator"], evaluation.tool),
                              f"{format_number(float(evaluation.node_nm))} nm" if evaluation.node_nm else None) if x]
        if extras:
            text += f" ({', '.join(extras)})"
        if text not in labels:
            labels.append(text)
    return labels


def _entry_evidence(taxonomy: Taxonomy, entry: Entry) -> str:
    vocab = taxonomy["evaluation"]
    methods = [_canonical(vocab, e.method) for e in entry.evaluation]
    methods += [_canonical(vocab, m.conditions.evaluation) for m in entry.metrics]
    return strongest_evidence(evidence_class(taxonomy, m) for m in methods if m)


def catalogue_row(taxonomy: Taxonomy, entry: Entry) -> CatalogueRow:
    return CatalogueRow(
        entry_id=entry.id,
        title=entry.title,
        type=_canonical(taxonomy["contribution-type"], entry.type) or entry.type,
        type_label=_label(taxonomy["contribution-type"], entry.type) or entry.type,
        year=entry.year,
        venue=entry.venue,
        architecture=_labels(taxonomy["architecture"], entry.architecture),
        architecture_kinds=_roots(taxonomy["architecture"], entry.architecture),
        memory=_labels(taxonomy["memory"], entry.memory),
        memory_families=_memory_families(taxonomy["memory"], entry.memory),
        evaluation=_evaluation_labels(taxonomy, entry),
        evidence=_entry_evidence(taxonomy, entry),
        challenges=_roots(taxonomy["challenge"], entry.challenges),
        verified=bool(entry.verified_by),
        is_talk=is_talk(taxonomy, entry),
        doi=entry.doi,
        url=entry.url,
    )


# --- precision


@dataclass(frozen=True)
class _PrecisionFacts:
    text: str | None
    key: str | None  # set when one weight format and one activation format are named
    weight_bits: int | None
    input_bits: int | None


def _format_labels(vocab: Vocabulary, texts: list[str]) -> list[str]:
    """Format labels by increasing bit width (INT4/INT8), unknown widths last."""
    known = sorted(_canonical_all(vocab, texts), key=lambda t: (vocab.terms[t].bits or 999, list(vocab.terms).index(t)))
    return [vocab.terms[t].label for t in known] + sorted({x for x in texts if _canonical(vocab, x) is None})


def _precision_facts(taxonomy: Taxonomy, precision: Precision | None) -> _PrecisionFacts:
    if precision is None:
        return _PrecisionFacts(None, None, None, None)
    vocab = taxonomy["format"]
    parts = []
    for prefix, formats in (("W", precision.weights), ("A", precision.activations), ("KV", precision.kv_cache)):
        if formats:
            parts.append(f"{prefix} {'/'.join(_format_labels(vocab, formats))}")
    weights, inputs = _canonical_all(vocab, precision.weights), _canonical_all(vocab, precision.activations)
    single = len(weights) == 1 and len(inputs) == 1 and len(precision.weights) == 1 and len(precision.activations) == 1
    key = f"W:{weights[0]}|A:{inputs[0]}" if single else None
    weight_bits = vocab.terms[weights[0]].bits if single else None
    input_bits = vocab.terms[inputs[0]].bits if single else None
    return _PrecisionFacts(", ".join(parts) or None, key, weight_bits, input_bits)


# --- metric tables


def _ranking_direction(taxonomy: Taxonomy, kind: str) -> bool | None:
    """True when higher is better, False when lower is, None when the kind is never ranked (taxonomy.yaml)."""
    better = taxonomy["metric"].terms[kind].better
    return None if better is None else better == "higher"


def _single(values: Sequence[str | None]) -> str | None:
    distinct = sorted({v for v in values if v})
    return distinct[0] if len(distinct) == 1 else None


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
        value = _canonical(taxonomy[vocabulary], stated)
        if value is None:
            value = _single(_canonical_all(taxonomy[vocabulary], entry_values))
            if value is not None:
                inferred.append(name)
        return value

    phase = stated_or_entry("phase", "phase", conditions.phase, entry.phases)
    level = stated_or_entry("level", "level", conditions.level, entry.level)
    method = stated_or_entry("evaluation", "evaluation", conditions.evaluation, [e.method for e in entry.evaluation])
    tool = _canonical(taxonomy["simulator"], conditions.tool)
    node = conditions.node_nm
    if method is not None:
        same = [e for e in entry.evaluation if _canonical(taxonomy["evaluation"], e.method) == method]
        tool = tool or _single([_canonical(taxonomy["simulator"], e.tool) for e in same])
        nodes = sorted({float(e.node_nm) for e in same if e.node_nm})
        node = node if node is not None else (nodes[0] if len(nodes) == 1 else None)
    precision = _precision_facts(taxonomy, conditions.precision)
    if conditions.precision is None and entry.precision is not None:
        from_entry = _precision_facts(taxonomy, entry.precision)
        if from_entry.text:
            precision = from_entry
            inferred.append("precision")

    low, high, value, unit_problem = _converted(metric, term.canonical_unit or metric.unit)
    evidence = evidence_class(taxonomy, method)
    evaluation_label = _label(taxonomy["evaluation"], method)
    if evaluation_label and tool:
        evaluation_label += f" ({_label(taxonomy['simulator'], tool)})"

    direction = _ranking_direction(taxonomy, kind)
    missing: list[str] = []
    if direction is not None:
        missing = [name for name, known in (("precision", precision.key), ("phase", phase), ("level", level),
                                            ("evaluation", method)) if not known]
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
        parts = [f"precision={precision.key}", f"phase={phase}", f"level={level}", f"evidence={evidence}"]
        labels = [precision.text or "", _label(taxonomy["phase"], phase) or "", _label(taxonomy["level"], level) or "",
                  _EVIDENCE_TEXT[evidence]]
        if term.relative and baseline:
            parts.append(f"baseline={_norm_text(baseline)}")
            labels.append(f"vs {baseline}")
        group, group_label = "|".join(parts), "; ".join(labels)

    summary = [x for x in (
        conditions.model,
        _label(taxonomy["phase"], phase),
        precision.text,
        _label(taxonomy["level"], level),
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
        "reported": _reported(metric), "qualifier": metric.qualifier, "model": conditions.model,
        "phase": phase, "precision": precision.text, "level": level, "node_nm": float(node) if node else None,
        "conditions": "; ".join(summary), "baseline": baseline, "evaluation": method,
        "evaluation_label": evaluation_label, "evidence": evidence, "source_locator": metric.source.locator if metric.source else None,
        "location": str(entry.locate("metrics", index)), "inferred": sorted(inferred), "missing_conditions": missing,
        "weight_bits": precision.weight_bits, "input_bits": precision.input_bits,
    }
    return _Draft(entry, index, metric, fields, group, group_label, missing, mark)


def _converted(metric: Metric, unit: str) -> tuple[float | None, float | None, float | None, str | None]:
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
            kind = _canonical(vocab, metric.kind)
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
    groups = []
    for key in sorted(members):
        ordered = sorted(members[key], key=lambda d: (-d.fields["value"] if direction else d.fields["value"],
                                                      d.entry.id, d.index))
        for position, draft in enumerate(ordered):
            # equal values share a rank
            previous = ordered[position - 1] if position else None
            same = previous is not None and previous.fields["value"] == draft.fields["value"]
            ranks[(draft.entry.id, draft.index)] = ranks[(previous.entry.id, previous.index)] if same and previous \
                else position + 1
        groups.append(ComparableGroup(key, ordered[0].group_label or key, sorted({d.entry.id for d in ordered}),
                                      len(ordered)))
    rows = []
    for draft in drafts:
        derived, note = _derive(formula_key, draft.fields) if formula_key else (None, None)
        rank = ranks.get((draft.entry.id, draft.index))
        rows.append(MetricRow(**draft.fields, group=draft.group, rankable=draft.group is not None, rank=rank,
                              mark=draft.mark, derived=derived, derived_note=note))
    group_order = {g.key: i for i, g in enumerate(groups)}
    rows.sort(key=lambda r: (r.group is None, group_order.get(r.group or "", 0), r.rank or 0, r.entry_id,
                             r.metric_index))
    formula_ref = None
    if formula_key:
        f = formula_registry.formula(formula_key)
        formula_ref = FormulaRef(f.key, f.name, f.version, f.statement, f.unit, _derived_column(formula_key))
    evidence = {r.evidence for r in rows}
    criteria = ("values are ranked only against values with the same precision, phase, level and evidence"
                + (" and the same baseline" if term.relative else "")) if direction is not None else \
        "values of this kind are listed, not ranked"
    return MetricTable(
        kind=kind, label=term.label, description=term.description, unit=term.canonical_unit or "",
        relative=term.relative, ranked=direction is not None, higher_is_better=direction, rows=rows,
        comparable_groups=groups, formula=formula_ref, mixes_evidence={MEASURED, SIMULATED} <= evidence,
        criteria=criteria)


# --- comparison tables

COMPARISON_COLUMNS = ["Work", "Architecture", "Memory", "Domain", "Precision", "Compression", "Models",
                      "Evaluation", "Headline results"]


def _headline(taxonomy: Taxonomy, entry: Entry) -> str:
    parts = []
    for kinds in (("speedup",), ("energy-efficiency", "energy-efficiency-gain", "energy-reduction")):
        best = _best_metric(taxonomy, entry, kinds)
        if best is not None:
            parts.append(best)
    return "; ".join(parts) or EMPTY


def _best_metric(taxonomy: Taxonomy, entry: Entry, kinds: tuple[str, ...]) -> str | None:
    vocab = taxonomy["metric"]
    for kind in kinds:
        candidates = []
        for index, metric in enumerate(entry.metrics):
            if _canonical(vocab, metric.kind) != kind or metric.high is None:
                continue
            unit = vocab.terms[kind].canonical_unit or metric.unit
            low, high, value, problem = _converted(metric, unit)
            if problem is None and high is not None:
                candidates.append((-high, index, metric, low, high, value, unit))
        if not candidates:
            continue
        _, index, metric, low, high, value, unit = min(candidates, key=lambda c: (c[0], c[1]))
        amount = format_number(value) if value is not None else format_range(low, high)
        amount += "x" if unit == "x" else f" {unit}"
        qualifier = _QUALIFIER_TEXT.get(metric.qualifier or "", "")
        text = f"{vocab.terms[kind].label} {qualifier + ' ' if qualifier else ''}{amount}"
        if metric.baseline:
            text += f" vs {metric.baseline.strip()}"
        method = _canonical(taxonomy["evaluation"], metric.conditions.evaluation)
        if method is None:
            method = _single(_canonical_all(taxonomy["evaluation"], [e.method for e in entry.evaluation]))
        evidence = evidence_class(taxonomy, method)
        if evidence != UNSTATED:
            text += f" ({_EVIDENCE_TEXT[evidence]})"
        return text
    return None


def _precision_cell(taxonomy: Taxonomy, entry: Entry) -> str:
    facts = _precision_facts(taxonomy, entry.precision)
    return facts.text or EMPTY


def comparison_tables(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[ComparisonTable]:
    """One table per top-level architecture kind; a work of several kinds appears in each of their tables."""
    vocab = taxonomy["architecture"]
    tables = []
    for root in vocab.roots():
        rows = []
        for entry in entries:
            if is_talk(taxonomy, entry):
                continue
            kinds = _canonical_all(vocab, entry.architecture)
            if root not in {vocab.root(k) for k in kinds}:
                continue
            shown = [k for k in kinds if k != root] or [root]
            rows.append([
                entry.id,
                ", ".join(vocab.terms[k].label for k in shown),
                ", ".join(_labels(taxonomy["memory"], entry.memory)) or EMPTY,
                ", ".join(_labels(taxonomy["domain"], entry.domain)) or EMPTY,
                _precision_cell(taxonomy, entry),
                ", ".join(_labels(taxonomy["compression"], entry.compression)) or EMPTY,
                ", ".join(entry.model_names) or EMPTY,
                "; ".join(_evaluation_labels(taxonomy, entry)) or EMPTY,
                _headline(taxonomy, entry),
            ])
        if rows:
            term = vocab.terms[root]
            tables.append(ComparisonTable(root, f"{term.label} works", term.description, list(COMPARISON_COLUMNS),
                                          rows))
    return tables


# --- coverage


def coverage_matrix(taxonomy: Taxonomy, entries: Sequence[Entry]) -> CoverageMatrix:
    """Top-level challenges x memory families (second level of the memory hierarchy)."""
    challenges = taxonomy["challenge"].roots()
    memory = taxonomy["memory"]
    addressing: dict[tuple[str, str | None], set[str]] = {}
    used_roots: set[str] = set()
    for entry in entries:
        families = _memory_families(memory, entry.memory)
        used_roots.update(f for f in families if memory.terms[f].parent is None)
        for challenge in _roots(taxonomy["challenge"], entry.challenges):
            for family in families or [None]:  # type: ignore[list-item]  # None: no memory named
                addressing.setdefault((challenge, family), set()).add(entry.id)
    columns: list[CoverageColumn] = []
    for root in memory.roots():
        columns.extend(CoverageColumn(c, memory.terms[c].label, True) for c in memory.children(root))
        if root in used_roots:
            columns.append(CoverageColumn(root, memory.terms[root].label, False))
    cells = [CoverageCell(ch, col.id, sorted(addressing.get((ch, col.id), ()))) for ch in challenges for col in columns]
    specific = {c.id for c in columns if c.specific}
    return CoverageMatrix(
        challenges=list(challenges),
        challenge_labels=[taxonomy["challenge"].terms[c].label for c in challenges],
        columns=columns,
        cells=cells,
        empty=[(c.challenge, c.memory) for c in cells if not c.entry_ids and c.memory in specific],
        without_memory=[CoverageCell(ch, None, sorted(addressing[(ch, None)])) for ch in challenges
                        if (ch, None) in addressing],
    )


# --- challenges, talks, evidence, open problems


def challenge_sections(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[ChallengeSection]:
    vocab = taxonomy["challenge"]
    naming: dict[str, set[str]] = {}
    for entry in entries:
        for term_id in _canonical_all(vocab, entry.challenges):
            naming.setdefault(term_id, set()).add(entry.id)
    sections = []
    for root in vocab.roots():
        term = vocab.terms[root]
        groups = [SubChallengeGroup(s, vocab.terms[s].label, vocab.terms[s].description, sorted(naming.get(s, ())))
                  for s in vocab.descendants(root)]
        everyone = set(naming.get(root, ())).union(*(set(g.entry_ids) for g in groups))
        sections.append(ChallengeSection(root, term.label, term.description, sorted(naming.get(root, ())), groups,
                                         sorted(everyone)))
    return sections


def talks(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[Talk]:
    """Keynotes, then invited talks, each by entry id."""
    found = []
    for entry in entries:
        if not is_talk(taxonomy, entry):
            continue
        speakers = [p for p in entry.people if _canonical(taxonomy["role"], p.role) == "speaker"] or entry.people
        affiliations: list[str] = []
        for person in speakers:
            affiliations.extend(a for a in person.affiliations if a not in affiliations)
        found.append(Talk(
            entry_id=entry.id, type=entry.type, type_label=_label(taxonomy["contribution-type"], entry.type) or "",
            title=entry.title,
            speakers=[Speaker(p.name, p.name_native, list(p.affiliations)) for p in speakers],
            affiliations=affiliations, summary=entry.summary, draws_on=list(entry.draws_on), year=entry.year,
            venue=entry.venue))
    order = list(taxonomy["contribution-type"].terms)
    return sorted(found, key=lambda t: (order.index(t.type) if t.type in order else len(order), t.entry_id))


def evidence_areas(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[EvidenceArea]:
    """For each top-level challenge and architecture kind: the strongest evidence its works give."""
    works = [e for e in entries if not is_talk(taxonomy, e)]
    evidence = {e.id: _entry_evidence(taxonomy, e) for e in works}
    areas = []
    for area, vocabulary, field_name in (("challenge", "challenge", "challenges"),
                                         ("architecture", "architecture", "architecture")):
        vocab = taxonomy[vocabulary]
        for root in vocab.roots():
            ids = sorted(e.id for e in works if root in _roots(vocab, getattr(e, field_name)))
            if ids:
                areas.append(EvidenceArea(area, root, vocab.terms[root].label,
                                          strongest_evidence(evidence[i] for i in ids), ids))
    return areas


def _join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def open_problems(taxonomy: Taxonomy, coverage: CoverageMatrix, sections: list[ChallengeSection],
                  areas: list[EvidenceArea]) -> list[OpenProblem]:
    """Gaps the knowledge base shows: uncovered challenge x memory cells and sub-challenges, simulation-only areas."""
    memory = taxonomy["memory"]
    problems = []
    for section in sections:
        gaps = [m for c, m in coverage.empty if c == section.id]
        if gaps:
            labels = [memory.terms[m].label for m in gaps]
            problems.append(OpenProblem(
                "coverage-gap", section.id, gaps,
                f"No work in the knowledge base addresses {section.label} with {_join_words(labels)}.",
                []))
        uncovered = [g for g in section.groups if not g.entry_ids]
        for group in uncovered:
            problems.append(OpenProblem(
                "uncovered-sub-challenge", section.id, [],
                f"No work addresses {group.label} ({group.description.rstrip('.')}).", []))
    for area in areas:
        if area.evidence == SIMULATED:
            subject = area.label if area.area == "challenge" else f"{area.label} designs"
            count = len(area.entry_ids)
            problems.append(OpenProblem(
                "simulation-only", area.id if area.area == "challenge" else None, [],
                f"Evidence on {subject} comes only from simulation or models ({count} work{'s' if count > 1 else ''});"
                " no silicon, product or FPGA measurement is recorded.", list(area.entry_ids)))
    return problems
