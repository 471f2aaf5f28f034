"""How strong a piece of evidence is (measured, simulated, unstated), per entry and per area."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.talks import is_talk
from survey.derive.terms import canonical, root_ids

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy


MEASURED, SIMULATED, UNSTATED = "measured", "simulated", "unstated"


EVIDENCE_TEXT = {MEASURED: "measured", SIMULATED: "simulated", UNSTATED: "evidence not stated"}


def evidence_class(taxonomy: Taxonomy, method: str | None) -> str:
    """'measured' (methods taxonomy.yaml marks `measured`: silicon, product, FPGA), 'simulated' or 'unstated'."""
    if not method:
        return UNSTATED
    term = taxonomy["evaluation"].resolve(method)
    return MEASURED if term is not None and term.measured else SIMULATED


def strongest_evidence(classes: Iterable[str]) -> str:
    found = set(classes)
    return MEASURED if MEASURED in found else SIMULATED if SIMULATED in found else UNSTATED


def entry_evidence(taxonomy: Taxonomy, entry: Entry) -> str:
    vocab = taxonomy["evaluation"]
    methods = [canonical(vocab, e.method) for e in entry.evaluation]
    methods += [canonical(vocab, m.conditions.evaluation) for m in entry.metrics]
    return strongest_evidence(evidence_class(taxonomy, m) for m in methods if m)


@dataclass(frozen=True)
class EvidenceArea:
    """A challenge or architecture kind and the strongest evidence any work on it gives."""

    area: str  # "challenge" or "architecture"
    id: str
    label: str
    evidence: str  # measured, simulated or unstated
    entry_ids: list[str]


def evidence_areas(taxonomy: Taxonomy, entries: Sequence[Entry]) -> list[EvidenceArea]:
    """For each top-level challenge and architecture kind: the strongest evidence its works give."""
    works = [e for e in entries if not is_talk(taxonomy, e)]
    evidence = {e.id: entry_evidence(taxonomy, e) for e in works}
    areas = []
    for area, vocabulary, field_name in (("challenge", "challenge", "challenges"),
                                         ("architecture", "architecture", "architecture")):
        vocab = taxonomy[vocabulary]
        for root in vocab.roots():
            ids = sorted(e.id for e in works if root in root_ids(vocab, getattr(e, field_name)))
            if ids:
                areas.append(EvidenceArea(area, root, vocab.terms[root].label,
                                          strongest_evidence(evidence[i] for i in ids), ids))
    return areas
