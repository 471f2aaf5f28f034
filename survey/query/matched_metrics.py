"""Which metrics of a matching entry satisfy the query's conditions: the values shown, ranked and exported.

A query selects entries; its metric terms (`speedup[baseline~gpu]>10`, `metric[baseline~a100]`) also select
values. A `Choice` maps each metric kind the query constrains, for one entry, to the positions (in
`metrics_of(record)`) of its metrics of that kind that satisfy the constraints; a kind the choice does not name
is unconstrained (all of its metrics count). Terms combine as the query does:

- AND: a kind constrained by several terms keeps the metrics that satisfy all of them (one value must satisfy
  every condition put on its kind), so `speedup>10 speedup[baseline~gpu]` shows a speedup over a GPU above 10;
- OR: the branches that hold are joined; a kind stays constrained only when every such branch constrains it;
- NOT, free text and entry fields select entries only; they constrain no value.

Columns of a kind the query does not constrain show that kind's best value; outputs with one row per metric
(`export --format csv`, `metrics_frame`) hold only the metrics that matched when the query constrains any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from survey.query.records import metrics_of

Choice = Mapping[str, frozenset[int]]  # metric kind -> positions of the metrics that satisfy the query
Choices = Mapping[str, Choice]  # entry id -> its choice
UNCONSTRAINED: Choice = {}


def both(first: Choice, second: Choice) -> Choice:
    """The choice of `first AND second`: per kind, the metrics that satisfy both."""
    if not first:
        return second
    if not second:
        return first
    joined = dict(first)
    for kind, positions in second.items():
        joined[kind] = joined[kind] & positions if kind in joined else positions
    return joined


def either(first: Choice, second: Choice) -> Choice:
    """The choice of `first OR second` when both hold: a kind constrained in both, with the metrics of either."""
    return {kind: positions | second[kind] for kind, positions in first.items() if kind in second}


def chosen_positions(record: dict[str, Any], choice: Choice | None, matched_only: bool = False) -> list[int]:
    """Positions of the record's metrics the query lets through (all of them without a choice); with
    `matched_only`, of a record whose metrics the query constrains only the metrics it chose (the rows of
    long-format outputs: the metrics that matched, not the other kinds of the entry)."""
    metrics = metrics_of(record)
    if not choice:
        return list(range(len(metrics)))
    return [position for position, metric in enumerate(metrics)
            if position in choice.get(metric["kind"], ()) or not matched_only and metric["kind"] not in choice]


def chosen_metrics(record: dict[str, Any], choices: Choices | None) -> list[dict[str, Any]]:
    """The record's metrics that satisfy the query's conditions on their kind (all of them without choices)."""
    metrics = metrics_of(record)
    choice = choices.get(record["id"]) if choices else None
    return [metrics[position] for position in chosen_positions(record, choice)]
