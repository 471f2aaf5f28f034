"""Keynotes and invited talks: which entries are talks, and the view of each talk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.terms import canonical, term_label

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy


def is_talk(taxonomy: Taxonomy, entry: Entry) -> bool:
    """A keynote or invited talk: a contribution type whose entries name a speaker (taxonomy.yaml)."""
    term = taxonomy["contribution-type"].resolve(entry.type)
    return term is not None and term.role == "speaker"


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


def talks(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[Talk]:
    """Keynotes, then invited talks, each by entry id."""
    found = []
    for entry in entries:
        if not is_talk(taxonomy, entry):
            continue
        speakers = [p for p in entry.people if canonical(taxonomy["role"], p.role) == "speaker"] or entry.people
        affiliations: list[str] = []
        for person in speakers:
            affiliations.extend(a for a in person.affiliations if a not in affiliations)
        found.append(Talk(
            entry_id=entry.id, type=entry.type, type_label=term_label(taxonomy["contribution-type"], entry.type) or "",
            title=entry.title,
            speakers=[Speaker(p.name, p.name_native, list(p.affiliations)) for p in speakers],
            affiliations=affiliations, summary=entry.summary, draws_on=list(entry.draws_on), year=entry.year,
            venue=entry.venue))
    order = list(taxonomy["contribution-type"].terms)
    return sorted(found, key=lambda t: (order.index(t.type) if t.type in order else len(order), t.entry_id))
