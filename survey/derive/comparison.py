"""Comparison tables: one per top-level architecture kind, a row per work with its headline results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.catalogue import evaluation_labels
from survey.derive.evidence import EVIDENCE_TEXT, UNSTATED, evidence_class
from survey.derive.metric_tables import converted, precision_facts
from survey.derive.numbers import EMPTY, format_number, format_range
from survey.derive.talks import is_talk
from survey.derive.terms import canonical, canonical_all, single, term_labels

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy


_QUALIFIER_TEXT = {"up-to": "up to", "average": "avg.", "geomean": "geomean", "peak": "peak", "min": "at least",
                   "max": "max.", "median": "median"}


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
            if canonical(vocab, metric.kind) != kind or metric.high is None:
                continue
            unit = vocab.terms[kind].canonical_unit or metric.unit
            low, high, value, problem = converted(metric, unit)
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
        method = canonical(taxonomy["evaluation"], metric.conditions.evaluation)
        if method is None:
            method = single(canonical_all(taxonomy["evaluation"], [e.method for e in entry.evaluation]))
        evidence = evidence_class(taxonomy, method)
        if evidence != UNSTATED:
            text += f" ({EVIDENCE_TEXT[evidence]})"
        return text
    return None


def _precision_cell(taxonomy: Taxonomy, entry: Entry) -> str:
    facts = precision_facts(taxonomy, entry.precision)
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
            kinds = canonical_all(vocab, entry.architecture)
            if root not in {vocab.root(k) for k in kinds}:
                continue
            shown = [k for k in kinds if k != root] or [root]
            rows.append([
                entry.id,
                ", ".join(vocab.terms[k].label for k in shown),
                ", ".join(term_labels(taxonomy["memory"], entry.memory)) or EMPTY,
                ", ".join(term_labels(taxonomy["domain"], entry.domain)) or EMPTY,
                _precision_cell(taxonomy, entry),
                ", ".join(term_labels(taxonomy["compression"], entry.compression)) or EMPTY,
                ", ".join(entry.model_names) or EMPTY,
                "; ".join(evaluation_labels(taxonomy, entry)) or EMPTY,
                _headline(taxonomy, entry),
            ])
        if rows:
            term = vocab.terms[root]
            tables.append(ComparisonTable(root, f"{term.label} works", term.description, list(COMPARISON_COLUMNS),
                                          rows))
    return tables
