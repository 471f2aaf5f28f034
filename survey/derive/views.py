"""Format-neutral views of a knowledge base: catalogue, comparison and metric tables, coverage, challenges, talks.

`build_views(kb)` is pure and deterministic: the same knowledge base gives equal views, in a sorted order.
Cells are plain text (no markup of any format); renderers escape and typeset them. Terms are shown by their
taxonomy labels, so the vocabulary stays in taxonomy.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from survey.derive.catalogue import CatalogueRow, catalogue_row
from survey.derive.comparison import ComparisonTable, comparison_tables
from survey.derive.coverage import (
    ChallengeSection,
    CoverageMatrix,
    OpenProblem,
    challenge_sections,
    coverage_matrix,
    open_problems,
)
from survey.derive.evidence import EvidenceArea, evidence_areas
from survey.derive.graph import TaxonomyGraph, build_taxonomy_graph
from survey.derive.metric_tables import MetricTable, metric_tables
from survey.derive.quality import QualityFacts, build_quality
from survey.derive.talks import Talk, is_talk, talks
from survey.derive.terms import canonical_all

if TYPE_CHECKING:
    from survey.load.knowledge_base import KnowledgeBase


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
        unclassified=[e.id for e in entries if not is_talk(taxonomy, e) and not canonical_all(taxonomy["architecture"],
                                                                                       e.architecture)],
        labels={name: {t.id: t.label for t in vocab} for name, vocab in sorted(taxonomy.vocabularies.items())},
    )
