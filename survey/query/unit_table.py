"""Conversion factors to each metric kind's canonical unit, computed once with pint and kept in the cache.

A cached query with a unit such as `GOPS/mW` then converts without importing pint; a unit not in the table
falls back to pint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from survey.load.taxonomy import Taxonomy

UnitTable = dict[str, dict[str, float]]  # metric kind -> unit as written -> factor to the canonical unit

_PREFIXES = ("p", "n", "u", "m", "c", "", "k", "M", "G", "T", "P")
_SPLIT = re.compile(r"([/*])")


class UnitMismatch(ValueError):
    """A unit that pint cannot read, or whose dimension does not fit the metric kind."""


def build_unit_table(taxonomy: Taxonomy, used: Iterable[tuple[str, str]] = ()) -> UnitTable:
    """Factors for prefixed variants of every canonical unit, and for the (kind, unit) pairs in `used`."""
    from survey.load import units

    table: UnitTable = {}
    for term in taxonomy["metric"]:
        if not term.canonical_unit or not units.is_unit(term.canonical_unit):
            continue
        row = table.setdefault(term.id, {})
        for variant in _variants(term.canonical_unit):
            if units.same_dimension(variant, term.canonical_unit):
                row[variant] = units.factor(variant, term.canonical_unit)
    for kind, unit in used:
        canonical = table.get(kind) and taxonomy["metric"].terms[kind].canonical_unit
        if canonical and unit not in table[kind] and units.same_dimension(unit, canonical):
            table[kind][unit] = units.factor(unit, canonical)
    for row in table.values():
        if "x" in row:
            row.setdefault("X", row["x"])
        if "percent" in row:
            row.setdefault("%", row["percent"])
    return {kind: dict(sorted(row.items())) for kind, row in sorted(table.items())}


def factor_to_canonical(table: UnitTable, taxonomy: Taxonomy, kind: str, unit: str) -> float:
    """The factor from `unit` to the canonical unit of `kind`; raises UnitMismatch when it does not fit."""
    known = table.get(kind, {}).get(unit.strip())
    if known is not None:
        return known
    from survey.load import units  # only for a unit the table has not seen: pint costs a few tenths of a second

    term = taxonomy["metric"].terms.get(kind)
    canonical = term.canonical_unit if term else None
    if not canonical or not units.is_unit(unit):
        raise UnitMismatch(f"'{unit}' is not a unit")
    if not units.same_dimension(unit, canonical):
        raise UnitMismatch(f"unit '{unit}' does not fit metric '{kind}'; use a unit like '{canonical}'")
    return units.factor(unit, canonical)


def _variants(unit: str) -> list[str]:
    """`unit` with every SI prefix swapped on each part: TOPS/W -> GOPS/mW, POPS/kW, ..."""
    from survey.load import units

    found = units.facts(unit)
    if found is None or found.dimension == "dimensionless":  # no prefixes on 'x' or '%'
        return [unit]
    parts = _SPLIT.split(unit.replace(" ", ""))
    options: list[list[str]] = []
    for part in parts:
        if part in ("/", "*"):
            options.append([part])
            continue
        base = _unprefixed(part, units)
        options.append(sorted({p + base for p in _PREFIXES if units.is_unit(p + base)} | {part})
                       if base else [part])
    combined = [""]
    for choices in options:
        combined = [head + choice for head in combined for choice in choices]
    return combined


def _unprefixed(part: str, units: Any) -> str | None:
    """The part without its SI prefix (TOPS -> OPS, mm^2 -> m^2), or None when it carries none."""
    for prefix in sorted(_PREFIXES, key=len, reverse=True):
        if prefix and part.startswith(prefix) and len(part) > len(prefix):
            rest = part[len(prefix):]
            if rest[0].isalpha() and units.is_unit(rest) and units.same_dimension(rest, part):
                return rest
    return part if units.is_unit(part) and part.isalpha() and len(part) <= 2 else None
