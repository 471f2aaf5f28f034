"""What the knowledge base covers and misses: challenges x memories, challenge sections, open problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.evidence import SIMULATED, EvidenceArea
from survey.derive.terms import canonical_all, memory_families, root_ids

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy


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


def coverage_matrix(taxonomy: Taxonomy, entries: Sequence[Entry]) -> CoverageMatrix:
    """Top-level challenges x memory families (second level of the memory hierarchy)."""
    challenges = taxonomy["challenge"].roots()
    memory = taxonomy["memory"]
    addressing: dict[tuple[str, str | None], set[str]] = {}
    used_roots: set[str] = set()
    for entry in entries:
        families = memory_families(memory, entry.memory)
        used_roots.update(f for f in families if memory.terms[f].parent is None)
        for challenge in root_ids(taxonomy["challenge"], entry.challenges):
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


def challenge_sections(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[ChallengeSection]:
    vocab = taxonomy["challenge"]
    naming: dict[str, set[str]] = {}
    for entry in entries:
        for term_id in canonical_all(vocab, entry.challenges):
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


@dataclass(frozen=True)
class OpenProblem:
    kind: str  # coverage-gap, uncovered-sub-challenge, simulation-only
    challenge: str | None
    memories: list[str]
    statement: str
    entry_ids: list[str]


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
