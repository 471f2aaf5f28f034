"""Units of reported metrics, with pint: parsing, dimension checks and conversion to canonical units.

Counting units get dimensions of their own so that pint tells TOPS/W (operations per joule) from J/token:
`operation` (1 MAC = 2 operations, the field's convention) and `token`.

Building pint's registry costs a few tenths of a second, which a pre-commit check (and a cold build, where it
would delay TeX) cannot afford. What the program needs of a unit is only its dimension and its scale to base
units (`UnitFacts`), so these are kept in a memo that the commands load from and save to the knowledge base's
cache folder (`memo_file`), and the units the field writes ship worked out in `survey/data/unit-facts.json`
(written by scripts/unit_table.py; a test works each one out with pint again): a run that meets only known unit
strings never imports pint.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from survey.files.limits import MAX_UNIT_CHARS, MAX_UNIT_POWERS
from survey.files.repository_paths import read_cache_file

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
pin = [pin]
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
    ureg: Any = pint.UnitRegistry(None, cache_folder=None)
    ureg.load_definitions(text.splitlines() + _DEFINITIONS.strip().splitlines())
    return ureg


_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "μ": "u", "µ": "u", "×": "x", "·": "*"})
_POWER = re.compile(r"(?<=[a-zA-Z])([23])\b")
_BITS = re.compile(r"\b([kKMGTP])b\b")  # Gb, Mb: the field means gigabits, pint reads gilberts and millibarns


def _prepare(text: str) -> str:
    text = text.strip().translate(_SUPERSCRIPTS).replace("%", "percent")
    text = _BITS.sub(lambda m: m.group(1).replace("K", "k") + "bit", text)
    return _POWER.sub(r"^\1", text)  # mm2 -> mm^2


# A power: `^` or `**`, then what it raises to. Only a signed whole number of at most two digits is allowed, of
# a name or a number (not of a parenthesis, and not followed by another power): `10^10^10` or `((10^99)^99)^99`
# would have pint compute numbers of millions of digits, which takes minutes.
_POWER_OPERATOR = re.compile(r"\^|\*\*")
_PLAIN_POWER = re.compile(r"[\w.]\s*(?:\^|\*\*)\s*[-+]?\d{1,2}(?![\d.]|\s*(?:\^|\*\*))")


def simple_enough(text: str) -> bool:
    """Whether `text` is within the limits on a unit (survey.limits), so that reading it takes microseconds."""
    prepared = _prepare(text)
    powers = len(_POWER_OPERATOR.findall(prepared))
    return (len(text) <= MAX_UNIT_CHARS and powers <= MAX_UNIT_POWERS
            and len(_PLAIN_POWER.findall(prepared)) == powers)


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> Any | None:
    """A pint Unit for `text`, or None when pint cannot read it (or it is beyond the limits on a unit)."""
    if not text or not text.strip() or not simple_enough(text):
        return None
    ureg = registry()
    try:
        quantity = ureg.parse_expression(_prepare(text))
    except Exception:  # noqa: BLE001 (pint raises many kinds of errors for unknown or malformed units)
        return None
    if not hasattr(quantity, "units"):
        return None
    return quantity


@dataclass(frozen=True)
class UnitFacts:
    """What the program needs of a unit: its physical dimension and its scale to base units."""

    dimension: str  # canonical text of the dimensionality, 'dimensionless' for ratios
    scale: float


# unit text -> its facts (None: not a unit). Filled from pint on demand, from a memo file by `memo_file`, or
# from the shipped table.
_FACTS: dict[str, UnitFacts | None] = {}
TABLE_FILE = Path(__file__).resolve().parent.parent / "data" / "unit-facts.json"
_TABLE_UNREAD = [TABLE_FILE]  # read at the first unit that neither _FACTS nor a memo knows
# Memo files handed to `memo_file` and not read yet: read at the first unit not known, so that a run that
# needs no unit (a cached query) does not pay for reading them.
_UNREAD_MEMOS: list[Path] = []
_COMPUTED: list[str] = []  # units worked out with pint in this process (what a memo file may lack)


def facts(text: str) -> UnitFacts | None:
    """The dimension and scale of `text`, or None when it is not a unit."""
    if text in _FACTS:
        return _FACTS[text]
    while _UNREAD_MEMOS:
        _read_memo(_UNREAD_MEMOS.pop())
        if text in _FACTS:
            return _FACTS[text]
    while _TABLE_UNREAD:
        _read_memo(_TABLE_UNREAD.pop(), key=None)
        if text in _FACTS:
            return _FACTS[text]
    found = _work_out(text)
    _FACTS[text] = found
    _COMPUTED.append(text)
    return found


def _work_out(text: str) -> UnitFacts | None:
    """The facts of `text` from pint."""
    parsed = parse_unit(text)
    if parsed is None:
        return None
    try:
        scale = float(parsed.to_base_units().magnitude)
    except ArithmeticError:  # `km^300`: a scale no float holds
        return None
    if not math.isfinite(scale) or scale == 0:
        return None
    return UnitFacts(_dimension_key(parsed.dimensionality), scale)


def _dimension_key(dimensionality: Any) -> str:
    """pint's dimensionality in a canonical text form ('[length]^2 [time]^-1'); order-independent."""
    items = sorted((str(name), float(power)) for name, power in dict(dimensionality).items() if power)
    return " ".join(f"{name}^{power:g}" for name, power in items) or "dimensionless"


def is_unit(text: str) -> bool:
    return facts(text) is not None


def same_dimension(first: str, second: str) -> bool:
    a, b = facts(first), facts(second)
    return a is not None and b is not None and a.dimension == b.dimension


@lru_cache(maxsize=1)
def _memo_key() -> str:
    """Changes when this module's rules or pint's version change, so a stale memo is never used."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        pint_version = version("pint")
    except PackageNotFoundError:
        pint_version = "?"
    return hashlib.sha256(Path(__file__).read_bytes() + pint_version.encode()).hexdigest()


def _read_memo(path: Path, key: str | None = "memo") -> None:
    """Add the facts a memo file holds (written for this module's rules and pint's version), or with `key` None
    the shipped table's (no key: they hold for every version of pint that defines the units alike, which a test
    checks). A missing, stale or damaged file only costs pint's registry."""
    try:
        stored = json.loads(read_cache_file(path) if key else path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or (key and stored.get("key") != _memo_key()) \
                or not isinstance(stored.get("units"), dict):
            return
        read = {text: _memo_facts(value) for text, value in stored["units"].items()}
    except (OSError, ValueError, TypeError):
        return  # no memo yet, or one not written by survey: it is rebuilt
    for text, found in read.items():
        if simple_enough(text):
            _FACTS.setdefault(text, found)


def table_text(texts: list[str]) -> str:
    """The shipped table's text for the unit strings `texts`, each worked out with pint (scripts/unit_table.py)."""
    worked_out = {}
    for text in sorted(set(texts)):
        found = _work_out(text)
        worked_out[text] = [found.dimension, found.scale] if found else None
    lines = [f"  {json.dumps(text)}: {json.dumps(known)}" for text, known in worked_out.items()]
    return '{"units": {\n' + ",\n".join(lines) + "\n}}\n"  # one unit a line, for reviewable diffs


def _memo_facts(value: Any) -> UnitFacts | None:
    """The facts a memo holds for one unit; TypeError when they are not of the shape survey writes."""
    if value is None:
        return None
    if (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], (int, float)) and not isinstance(value[1], bool)
            and math.isfinite(value[1]) and value[1] != 0):
        return UnitFacts(value[0], float(value[1]))
    raise TypeError("not a memo written by survey")


@contextmanager
def memo_file(path: Path) -> Iterator[None]:
    """Use the unit facts memo at `path` for the duration, and write it back when new units were met."""
    _UNREAD_MEMOS.append(path)
    computed = len(_COMPUTED)
    try:
        yield
    finally:
        if path in _UNREAD_MEMOS:  # no unit was needed: nothing to add
            _UNREAD_MEMOS.remove(path)
        elif len(_COMPUTED) != computed:
            _read_memo(path)  # keep what another process added meanwhile
            units = {t: [f.dimension, f.scale] if f else None for t, f in sorted(_FACTS.items())}
            from survey.files.atomic_write import write_atomically

            try:
                write_atomically(path, json.dumps({"key": _memo_key(), "units": units}))
            except OSError:
                pass  # a read-only knowledge base still gets checked, just without the memo


# The units papers of the field write, for a did-you-mean (with the taxonomy's canonical units).
FIELD_UNITS = ("x", "%", "TOPS/W", "GOPS/W", "GOPS/mW", "TOPS/mm^2", "GOPS/mm^2", "TOPS", "GOPS", "TFLOPS", "GFLOPS",
               "token/s", "s", "ms", "us", "ns", "ms/token", "mJ/token", "uJ/token", "nJ/token", "J", "mJ", "uJ",
               "pJ", "W", "mW", "kW", "Hz", "MHz", "GHz", "GB/s", "TB/s", "PB/s", "KB", "MB", "GB", "TB", "nm",
               "mm^2", "bit", "V", "mV")
_WORDS_FOR = {"pct": "%", "percent": "%", "percentage": "%", "times": "x", "fold": "x", "×": "x",
              "tokens/s": "token/s", "tok/s": "token/s", "tps": "token/s"}


def suggest_unit(text: str, dimension: str | None, more: tuple[str, ...] = ()) -> str | None:
    """The field's unit `text` was probably meant to be ('TOPs/W' -> 'TOPS/W'), of `dimension` when given."""
    def fits(unit: str) -> bool:
        return is_unit(unit) and (dimension is None or same_dimension(unit, dimension))

    candidates = [u for u in dict.fromkeys(FIELD_UNITS + more) if u != text]
    word = _WORDS_FOR.get(text.strip().lower())
    if word and fits(word) and word != text:
        return word
    folded = text.strip().casefold()
    for unit in candidates:
        if unit.casefold() == folded and fits(unit):
            return unit
    import difflib

    by_fold = {u.casefold(): u for u in candidates}
    for close in difflib.get_close_matches(folded, list(by_fold), n=5, cutoff=0.6):
        if fits(by_fold[close]):
            return by_fold[close]
    return None


def reading(unit: str) -> str | None:
    """How pint reads `unit`, in words ('pct' -> 'picocarat'), or None."""
    parsed = parse_unit(unit)
    return str(parsed.units) if parsed is not None else None


_NAMED = (("a ratio", "x"), ("frequency", "Hz"), ("operations", "op"), ("operation rate", "op/s"),
          ("tokens", "token"), ("energy", "J"), ("power", "W"), ("time", "s"), ("area", "mm^2"), ("length", "m"),
          ("information", "B"), ("voltage", "V"), ("mass", "g"), ("current", "A"), ("temperature", "K"))


@lru_cache(maxsize=4096)
def dimension_text(unit: str) -> str:
    """The physical dimension of `unit` in words: 'operations per energy' for TOPS/W."""
    parsed = parse_unit(unit)
    if parsed is None:
        return "unknown"
    wanted = parsed.dimensionality
    named = [(name, parsed_example.dimensionality) for name, example in _NAMED
             if (parsed_example := parse_unit(example)) is not None]
    for name, dimension in named:
        if dimension == wanted:
            return name
    for top, top_dim in named[1:]:
        for bottom, bottom_dim in named[1:]:
            if top != bottom and top_dim / bottom_dim == wanted:
                return f"{top} per {bottom.removesuffix('s')}"
    return re.sub(r"\[(\w+)\]", r"\1", str(wanted))  # '[mass] / [time]' -> 'mass / time'


def factor(from_unit: str, to_unit: str) -> float:
    """The number to multiply a value in `from_unit` by to express it in `to_unit`."""
    source, target = facts(from_unit), facts(to_unit)
    if source is None or target is None:
        raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")
    if source.dimension != target.dimension:
        raise ValueError(f"'{from_unit}' and '{to_unit}' have different dimensions")
    return source.scale / target.scale


def convert(value: float, from_unit: str, to_unit: str) -> float:
    return value * factor(from_unit, to_unit)


_DISPLAY_POWERS = {"^2": "\u00b2", "^3": "\u00b3", "^-1": "\u207b\u00b9", "^-2": "\u207b\u00b2"}


def display_unit(text: str) -> str:
    """A unit as a reader sees it: 'mm^2' -> 'mm²', 'x' -> '×'; anything else as written."""
    text = text.strip()
    if text in ("x", "X"):
        return "\u00d7"
    for power, shown in _DISPLAY_POWERS.items():
        text = text.replace(power, shown)
    return text
