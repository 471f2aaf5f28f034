"""Similar works: the works that share the most taxonomy terms with a work (for a reader's "see also")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.terms import canonical_all

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy

# The entry fields whose terms make two works alike: (vocabulary, attribute of Entry).
SIMILARITY_FIELDS = (("architecture", "architecture"), ("memory", "memory"), ("challenge", "challenges"),
                     ("phase", "phases"), ("operator", "operators"), ("domain", "domain"),
                     ("compression", "compression"), ("level", "level"))
SIMILAR_SHOWN = 5  # a reader's "see also" list, not a ranking of everything
SIMILAR_MIN_SHARED = 2  # one shared term (say, 'DRAM') is too common to make two works alike


@dataclass(frozen=True)
class SharedTerm:
    vocabulary: str
    term_id: str
    label: str


@dataclass(frozen=True)
class SimilarWork:
    entry_id: str
    shared: list[SharedTerm]  # in the order of SIMILARITY_FIELDS, then taxonomy order


def entry_terms(taxonomy: Taxonomy, entry: Entry) -> list[tuple[str, str]]:
    """The (vocabulary, term id) pairs of `entry` that similarity compares, in a fixed order."""
    found: list[tuple[str, str]] = []
    for vocabulary, attribute in SIMILARITY_FIELDS:
        found.extend((vocabulary, t) for t in canonical_all(taxonomy[vocabulary], getattr(entry, attribute)))
    return found


def similar_works(taxonomy: Taxonomy, entries: Sequence[Entry],
                  shown: int = SIMILAR_SHOWN) -> dict[str, list[SimilarWork]]:
    """For every entry, up to `shown` other entries sharing at least SIMILAR_MIN_SHARED terms with it.

    Most shared terms first, then the rarer shared terms (a term few works name says more), then by id; an inverted
    index keeps this near-linear for knowledge bases where most pairs share nothing.
    """
    terms = {e.id: entry_terms(taxonomy, e) for e in entries}
    holders: dict[tuple[str, str], list[str]] = {}
    for entry_id in sorted(terms):
        for pair in terms[entry_id]:
            holders.setdefault(pair, []).append(entry_id)
    found: dict[str, list[SimilarWork]] = {}
    for entry_id in sorted(terms):
        shared: dict[str, list[tuple[str, str]]] = {}
        for pair in terms[entry_id]:
            for other in holders[pair]:
                if other != entry_id:
                    shared.setdefault(other, []).append(pair)
        ranked = sorted((pairs, other) for other, pairs in shared.items() if len(pairs) >= SIMILAR_MIN_SHARED)
        ranked.sort(key=lambda item: (-len(item[0]), sum(len(holders[p]) for p in item[0]), item[1]))
        found[entry_id] = [SimilarWork(other, [SharedTerm(v, t, taxonomy[v].terms[t].label) for v, t in pairs])
                           for pairs, other in ranked[:shown]]
    return found
