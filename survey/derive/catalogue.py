"""The catalogue: one row per entry, with its terms shown by label and its strongest evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.evidence import entry_evidence
from survey.derive.numbers import EMPTY, format_number
from survey.derive.talks import is_talk
from survey.derive.terms import canonical, memory_families, root_ids, term_label, term_labels

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy


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


def evaluation_labels(taxonomy: Taxonomy, entry: Entry) -> list[str]:
    labels: list[str] = []
    for evaluation in entry.evaluation:
        text = term_label(taxonomy["evaluation"], evaluation.method) or EMPTY
        extras = [x for x in (term_label(taxonomy["simulator"], evaluation.tool),
                              f"{format_number(float(evaluation.node_nm))} nm" if evaluation.node_nm else None) if x]
        if extras:
            text += f" ({', '.join(extras)})"
        if text not in labels:
            labels.append(text)
    return labels


def catalogue_row(taxonomy: Taxonomy, entry: Entry) -> CatalogueRow:
    return CatalogueRow(
        entry_id=entry.id,
        title=entry.title,
        type=canonical(taxonomy["contribution-type"], entry.type) or entry.type,
        type_label=term_label(taxonomy["contribution-type"], entry.type) or entry.type,
        year=entry.year,
        venue=entry.venue,
        architecture=term_labels(taxonomy["architecture"], entry.architecture),
        architecture_kinds=root_ids(taxonomy["architecture"], entry.architecture),
        memory=term_labels(taxonomy["memory"], entry.memory),
        memory_families=memory_families(taxonomy["memory"], entry.memory),
        evaluation=evaluation_labels(taxonomy, entry),
        evidence=entry_evidence(taxonomy, entry),
        challenges=root_ids(taxonomy["challenge"], entry.challenges),
        verified=bool(entry.verified_by),
        is_talk=is_talk(taxonomy, entry),
        doi=entry.doi,
        url=entry.url,
    )
