"""Counts of entries by every facet, and the challenge x memory-technology matrix with its empty cells."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from survey.query.index import QueryIndex

# facet -> (record getter key, vocabulary or None for plain values)
FACETS: tuple[tuple[str, str | None], ...] = (
    ("type", "contribution-type"), ("year", None), ("memory", "memory"), ("architecture", "architecture"),
    ("level", "level"), ("domain", "domain"), ("evaluation", "evaluation"), ("tool", "simulator"),
    ("phase", "phase"), ("challenge", "challenge"), ("topic", "topic"), ("compression", "compression"),
    ("weights", "format"), ("activations", "format"), ("metric", "metric"),
)


@dataclass
class Stats:
    entries: int
    facets: dict[str, list[tuple[str, int]]]  # facet -> (label, entries), most first
    rows: list[str]  # challenge labels
    columns: list[str]  # memory family labels
    matrix: list[list[int]]  # entries per (challenge, memory family), descendants included
    empty: list[tuple[str, str]]


def _values(record: dict[str, Any], facet: str) -> list[Any]:
    if facet == "type":
        return [record["type"]]
    if facet == "year":
        return [record["year"]] if record.get("year") is not None else []
    return record["terms"].get(facet, [])


def build_stats(records: Sequence[dict[str, Any]], index: QueryIndex) -> Stats:
    taxonomy = index.taxonomy
    facets: dict[str, list[tuple[str, int]]] = {}
    for facet, vocabulary in FACETS:
        counts = Counter(v for r in records for v in set(_values(r, facet)))
        labelled = [(taxonomy.label(vocabulary, v) if vocabulary else str(v), n) for v, n in counts.items()]
        facets[facet] = sorted(labelled, key=lambda item: (-item[1], item[0]))
    challenges = taxonomy["challenge"].roots()
    memory = taxonomy["memory"]
    # columns: the second level of the memory hierarchy (sram, dram, reram, ...), or a root without children
    families = [c for root in memory.roots() for c in (memory.children(root) or [root])]
    matrix: list[list[int]] = []
    empty: list[tuple[str, str]] = []
    for challenge in challenges:
        under = {challenge, *taxonomy["challenge"].descendants(challenge)}
        row = []
        for family in families:
            inside = {family, *memory.descendants(family)}
            count = sum(1 for r in records if under & set(r["terms"]["challenge"]) and inside & set(r["terms"]["memory"]))
            row.append(count)
            if count == 0:
                empty.append((taxonomy.label("challenge", challenge), memory.terms[family].label))
        matrix.append(row)
    return Stats(len(records), facets, [taxonomy.label("challenge", c) for c in challenges],
                 [memory.terms[f].label for f in families], matrix, empty)
