"""Data-quality facts for a threats-to-validity paragraph: verification, evidence, conditions left unstated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.evidence import MEASURED, SIMULATED, UNSTATED, EvidenceArea

if TYPE_CHECKING:
    from survey.derive.catalogue import CatalogueRow
    from survey.derive.metric_tables import MetricTable
    from survey.load.model import Entry



@dataclass(frozen=True)
class MissingConditions:
    """A metric whose conditions leave out what ranking it against others needs."""

    entry_id: str
    metric_index: int
    kind: str
    missing: list[str]  # among: precision, phase, level, evaluation
    location: str


@dataclass(frozen=True)
class QualityFacts:
    entries: int
    unverified: list[str]
    metrics: int
    metrics_measured: int
    metrics_simulated: int
    metrics_unstated: int
    metrics_ranked: int
    metrics_missing_conditions: list[MissingConditions]
    entries_without_evaluation: list[str]
    simulated_only: list[EvidenceArea]
    unstated_only: list[EvidenceArea]
    metrics_by_method: dict[str, int]  # evaluation method id (or 'unstated') -> number of metrics, sorted by id

    @property
    def verified(self) -> int:
        return self.entries - len(self.unverified)


def build_quality(entries: list[Entry], catalogue: list[CatalogueRow], tables: list[MetricTable],
                  areas: list[EvidenceArea]) -> QualityFacts:
    """Collect the facts from the entries and the already derived catalogue, metric tables and evidence areas."""
    rows = [row for table in tables for row in table.rows]
    missing = sorted(
        (MissingConditions(r.entry_id, r.metric_index, r.kind, list(r.missing_conditions), r.location)
         for r in rows if r.missing_conditions),
        key=lambda m: (m.entry_id, m.metric_index))
    return QualityFacts(
        entries=len(entries),
        unverified=sorted(row.entry_id for row in catalogue if not row.verified),
        metrics=len(rows),
        metrics_measured=sum(r.evidence == MEASURED for r in rows),
        metrics_simulated=sum(r.evidence == SIMULATED for r in rows),
        metrics_unstated=sum(r.evidence == UNSTATED for r in rows),
        # ranked against another work's value: only in a comparable group of two or more works
        metrics_ranked=sum(g.size for table in tables for g in table.comparable_groups if g.ranked),
        metrics_missing_conditions=missing,
        entries_without_evaluation=sorted(row.entry_id for row in catalogue
                                          if not row.evaluation and not row.is_talk),
        simulated_only=[a for a in areas if a.evidence == SIMULATED],
        unstated_only=[a for a in areas if a.evidence == UNSTATED],
        metrics_by_method={method: sum((r.evaluation or UNSTATED) == method for r in rows)
                           for method in sorted({r.evaluation or UNSTATED for r in rows})},
    )
