"""Facets a reader filters the works by (class, memory, challenge, phase, evidence, year), and the works of each
taxonomy term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.evidence import EVIDENCE_TEXT, MEASURED, SIMULATED, UNSTATED
from survey.derive.terms import canonical_all

if TYPE_CHECKING:
    from survey.derive.catalogue import CatalogueRow
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy

# Vocabularies with a page per term: (vocabulary, attribute of Entry).
TERM_PAGE_FIELDS = (("architecture", "architecture"), ("memory", "memory"), ("challenge", "challenges"),
                    ("phase", "phases"), ("operator", "operators"), ("level", "level"), ("domain", "domain"),
                    ("compression", "compression"), ("topic", "topics"))


@dataclass(frozen=True)
class FacetValue:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    key: str  # the name in a shared filter's URL (class=pim)
    label: str
    values: list[FacetValue]  # taxonomy order (years newest first); only values some work has


@dataclass(frozen=True)
class TermPage:
    vocabulary: str
    vocabulary_label: str
    term_id: str
    label: str
    description: str
    parent: str | None
    children: list[str]
    entry_ids: list[str]  # works naming the term or a narrower one


def work_facets(taxonomy: Taxonomy, entry: Entry, row: CatalogueRow) -> dict[str, list[str]]:
    """The facet values of one work (facet key -> value ids)."""
    return {
        "class": list(row.architecture_kinds),
        "memory": list(row.memory_families),
        "challenge": list(row.challenges),
        "phase": canonical_all(taxonomy["phase"], entry.phases),
        "evidence": [row.evidence],
        "year": [str(row.year)] if row.year else [],
    }


def facets(taxonomy: Taxonomy, of_work: dict[str, dict[str, list[str]]]) -> list[Facet]:
    """The filters of the index, each with the values that some work has and how many works have each."""
    counts: dict[str, dict[str, int]] = {}
    for values in of_work.values():
        for key, ids in values.items():
            for value in ids:
                counts.setdefault(key, {})[value] = counts.get(key, {}).get(value, 0) + 1

    def from_vocabulary(key: str, label: str, vocabulary: str) -> Facet:
        vocab = taxonomy[vocabulary]
        seen = counts.get(key, {})
        return Facet(key, label, [FacetValue(t, vocab.terms[t].label, seen[t]) for t in vocab.terms if t in seen])

    evidence = counts.get("evidence", {})
    years = counts.get("year", {})
    return [
        from_vocabulary("class", "Class", "architecture"),
        from_vocabulary("memory", "Memory", "memory"),
        from_vocabulary("challenge", "Challenge", "challenge"),
        from_vocabulary("phase", "Phase", "phase"),
        Facet("evidence", "Evidence", [FacetValue(e, EVIDENCE_TEXT[e], evidence[e])
                                       for e in (MEASURED, SIMULATED, UNSTATED) if e in evidence]),
        Facet("year", "Year", [FacetValue(y, y, years[y]) for y in sorted(years, reverse=True)]),
    ]


def term_pages(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[TermPage]:
    """A page for every term of the vocabularies in TERM_PAGE_FIELDS, with the works naming it or a narrower term."""
    pages = []
    for vocabulary, attribute in TERM_PAGE_FIELDS:
        vocab = taxonomy[vocabulary]
        naming: dict[str, set[str]] = {}
        for entry in entries:
            for term_id in canonical_all(vocab, getattr(entry, attribute)):
                for covered in (term_id, *vocab.ancestors(term_id)):
                    naming.setdefault(covered, set()).add(entry.id)
        for term in vocab:
            pages.append(TermPage(vocabulary, vocab.name, term.id, term.label, term.description,
                                  term.parent if term.parent in vocab.terms else None,
                                  [c for c in vocab.children(term.id) if c in vocab.terms],
                                  sorted(naming.get(term.id, ()))))
    return pages
