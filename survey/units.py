"""Units of reported metrics, with pint: parsing, dimension checks and conversion to canonical units.

Counting units get dimensions of their own so that pint tells TOPS/W (operations per joule) from J/token:
`operation` (1 MAC = 2 operations, the field's convention) and `token`.
"""

from __future__ import annotations

import re
from pathlib import Path
from functools import lru_cache
from typing import Any

_DEFINITIONS = """
operation = [operation] = op = OP = ops
OPS = operation / second
FLOP = operation
FLOPS = operation / second
MAC = 2 * operation
MACS = 2 * operation / second
token = [token] = tok
inference = [inference]
times = [] = x = X
"""


@lru_cache(maxsize=1)
def registry() -> Any:
    import pint

    # pint makes `bit` dimensionless, which would let a bandwidth in GB/s pass for a frequency; we load pint's
    # own definitions with bit given the dimension [information].
    folder = Path(pint.__file__).parent
    text = (folder / "default_en.txt").read_text(encoding="utf-8")
    text = text.replace("@import constants_en.txt", (folder / "constants_en.txt").read_text(encoding="utf-8"))
    text = text.replace("\nbit = []", "\nbit = [information]")
    ureg = pint.UnitRegistry(None, cache_folder=None)
    ureg.load_definitions(text.splitlines() + _DEFINITIONS.strip().splitlines())
    return ureg


_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "μ": "u", "µ": "u", "×": "x", "·": "*"})
_POWER = re.compile(r"(?<=[a-zA-Z])([23])\b")


def _prepare(text: str) -> str:
    text = text.strip().translate(_SUPERSCRIPTS).replace("%", "percent")
    return _POWER.sub(r"^\1", text)  # mm2 -> mm^2


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> Any | None:
    """A pint Unit for `text`, or None when pint cannot read it."""
    if not text or not text.strip():
        return None
    ureg = registry()
    try:
        quantity = ureg.parse_expression(_prepare(text))
    except Exception:  # pint raises many kinds of errors for unknown or malformed units
        return None
    if not hasattr(quantity, "units"):
        return None
    return quantity


@lru_cache(maxsize=4096)
def same_dimension(first: str, second: str) -> bool:
    a, b = parse_unit(first), parse_unit(second)
    return a is not None and b is not None and a.dimensionality == b.dimensionality


_NAMED = (("a ratio", "x"), ("frequency", "Hz"), ("operations", "op"), ("operation rate", "op/s"), ("tokens", "token"), ("energy", "J"), ("power", "W"),
          ("time", "s"), ("area", "mm^2"), ("length", "m"), ("information", "B"), ("voltage", "V"))


@lru_cache(maxsize=4096)
def dimension_text(unit: str) -> str:
    """The physical dimension of `unit` in words: 'operations per energy' for TOPS/W."""
    parsed = parse_unit(unit)
    if parsed is None:
        return "unknown"
    wanted = parsed.dimensionality
    named = [(name, parse_unit(example).dimensionality) for name, example in _NAMED]
    for name, dimension in named:
        if dimension == wanted:
            return name
    for top, top_dim in named[1:]:
        for bottom, bottom_dim in named[1:]:
            if top != bottom and top_dim / bottom_dim == wanted:
                return f"{top} per {bottom.removesuffix('s')}"
    return str(wanted)


@lru_cache(maxsize=4096)
def factor(from_unit: str, to_unit: str) -> float:
    """The number to multiply a value in `from_unit` by to express it in `to_unit`."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source is None or target is None:
        raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")
    return float((source / target).to_base_units().magnitude) if source.dimensionality == target.dimensionality \
        else _raise(from_unit, to_unit)


def _raise(from_unit: str, to_unit: str) -> float:
    raise ValueError(f"'{from_unit}' and '{to_unit}' have different dimensions")


def convert(value: float, from_unit: str, to_unit: str) -> float:
    return value * factor(from_unit, to_unit)
