"""Fair comparison: rank works on one metric only among metrics whose listed conditions match, and Pareto fronts.

A metric enters a group only when it states every condition named in `iso` (its own, or the entry's single value;
see survey.query.records); works whose metrics miss one are listed as left out, with what they miss. Values are in
the kind's canonical unit; a range counts with its best end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.load.taxonomy import Taxonomy, normalise
from survey.query.columns import lower_is_better
from survey.query.matched_metrics import Choices, chosen_metrics
from survey.query.records import metrics_of

# iso name -> how to read it from a metric record (conditions key, or a metric field)
ISO_KEYS = {
    "phase": ("phase",), "level": ("level",), "evaluation": ("evaluation",), "tool": ("tool",),
    "precision": ("weights", "activations"), "weights": ("weights",), "activations": ("activations",),
    "kv-cache": ("kv_cache",), "model": ("model",), "workload": ("workload",), "batch": ("batch",),
    "context": ("context_length",), "node": ("node_nm",), "qualifier": ("@qualifier",), "baseline": ("@baseline",),
}


class CompareError(ValueError):
    """An unknown iso condition."""


@dataclass(frozen=True)
class Point:
    entry_id: str
    title: str
    value: float  # canonical, the best end of a range
    metric: dict[str, Any]
    other: float | None = None  # the second metric's value, for Pareto points
    other_metric: dict[str, Any] | None = None


@dataclass
class Group:
    conditions: tuple[tuple[str, str], ...]  # (iso name, value as shown)
    points: list[Point] = field(default_factory=list)


@dataclass
class Comparison:
    kinds: tuple[str, ...]
    iso: tuple[str, ...]
    groups: list[Group]
    left_out: list[tuple[str, list[str]]]  # (entry id, missing conditions)


def parse_iso(text: str) -> tuple[str, ...]:
    names = tuple(normalise(n) for n in text.split(",") if n.strip())
    for name in names:
        if name not in ISO_KEYS:
            raise CompareError(f"unknown condition '{name}' in --iso; known: {', '.join(sorted(ISO_KEYS))}")
    return names


def iso_values(metric: dict[str, Any], iso: Sequence[str]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The metric's value for each iso condition (shown as text), and the names it does not state."""
    values: list[tuple[str, str]] = []
    missing: list[str] = []
    for name in iso:
        parts: list[str] = []
        for key in ISO_KEYS[name]:
            raw = metric.get(key[1:]) if key.startswith("@") else metric["conditions"].get(key)
            if raw is None or raw == []:
                parts = []
                break
            parts.append("+".join(str(v) for v in raw) if isinstance(raw, list) else str(raw))
        unpaired = metric["conditions"].get("unpaired_precision", {})
        if parts:
            values.append((name, " / ".join(parts)))
        elif any(key in unpaired for key in ISO_KEYS[name]):  # formats named, but not for this value
            missing.append(f"{name} paired with the value")
        else:
            missing.append(name)
    return tuple(values), missing


def _key(values: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(normalise(v) for _, v in values)


def _best_end(metric: dict[str, Any], lower: bool) -> float:
    return float(metric["low"] if lower else metric["high"])


def compare(records: Sequence[dict[str, Any]], kind: str, iso: Sequence[str], taxonomy: Taxonomy,
            choices: Choices | None = None) -> Comparison:
    """Works ranked on `kind` within groups of equal iso conditions, best first; one point per work and group.

    Only metrics that satisfy the query's conditions (`choices`, see survey.query.matched_metrics) are ranked."""
    lower = lower_is_better(kind, taxonomy)
    groups: dict[tuple[str, ...], Group] = {}
    left_out: list[tuple[str, list[str]]] = []
    for record in records:
        metrics = [m for m in chosen_metrics(record, choices) if m["kind"] == kind and m["low"] is not None]
        best: dict[tuple[str, ...], Point] = {}
        missing_all: set[str] = set()
        for metric in metrics:
            values, missing = iso_values(metric, iso)
            if missing:
                missing_all.update(missing)
                continue
            point = Point(record["id"], record["title"], _best_end(metric, lower), metric)
            key = _key(values)
            groups.setdefault(key, Group(values))
            kept = best.get(key)
            if kept is None or (point.value < kept.value if lower else point.value > kept.value):
                best[key] = point
        for key, point in best.items():
            groups[key].points.append(point)
        if metrics and not best:
            left_out.append((record["id"], sorted(missing_all)))
        elif not metrics and any(m["kind"] == kind and m["low"] is not None for m in metrics_of(record)):
            # the entry matched, but none of its values of `kind` satisfies all the query's conditions on it
            left_out.append((record["id"], ["value meeting all the query's conditions"]))
    ordered = [groups[k] for k in sorted(groups)]
    for group in ordered:
        group.points.sort(key=lambda p: (p.value if lower else -p.value, p.entry_id))
    return Comparison((kind,), tuple(iso), ordered, sorted(left_out))


def pareto(records: Sequence[dict[str, Any]], kind_x: str, kind_y: str, iso: Sequence[str],
           taxonomy: Taxonomy, choices: Choices | None = None) -> Comparison:
    """Per group of equal iso conditions, the works whose (x, y) no other work beats in both metrics.

    A work's point pairs one metric of each kind that state the same iso conditions, among the metrics that
    satisfy the query's conditions (`choices`).
    """
    lower_x, lower_y = lower_is_better(kind_x, taxonomy), lower_is_better(kind_y, taxonomy)
    groups: dict[tuple[str, ...], Group] = {}
    candidates: dict[tuple[str, ...], list[Point]] = {}
    left_out: list[tuple[str, list[str]]] = []
    for record in records:
        chosen = chosen_metrics(record, choices)
        xs = [m for m in chosen if m["kind"] == kind_x and m["low"] is not None]
        ys = [m for m in chosen if m["kind"] == kind_y and m["low"] is not None]
        if not xs or not ys:
            continue
        paired = False
        missing_all: set[str] = set()
        for mx in xs:
            values_x, missing_x = iso_values(mx, iso)
            missing_all.update(missing_x)
            for my in ys:
                values_y, missing_y = iso_values(my, iso)
                missing_all.update(missing_y)
                if missing_x or missing_y or _key(values_x) != _key(values_y):
                    continue
                paired = True
                key = _key(values_x)
                groups.setdefault(key, Group(values_x))
                candidates.setdefault(key, []).append(
                    Point(record["id"], record["title"], _best_end(mx, lower_x), mx, _best_end(my, lower_y), my))
        if not paired:
            left_out.append((record["id"], sorted(missing_all) or ["matching conditions"]))

    def beats(a: Point, b: Point) -> bool:
        ax, bx = (-a.value, -b.value) if lower_x else (a.value, b.value)
        ay, by = (-(a.other or 0), -(b.other or 0)) if lower_y else (a.other or 0, b.other or 0)
        return ax >= bx and ay >= by and (ax > bx or ay > by)

    ordered = []
    for key in sorted(groups):
        points = candidates[key]
        front = [p for p in points if not any(beats(q, p) for q in points if q is not p)]
        unique = {(p.entry_id, p.value, p.other): p for p in front}
        groups[key].points = sorted(unique.values(), key=lambda p: (p.value if lower_x else -p.value, p.entry_id))
        ordered.append(groups[key])
    return Comparison((kind_x, kind_y), tuple(iso), ordered, sorted(left_out))
