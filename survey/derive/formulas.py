"""Named, versioned formulas for derived values (normalised efficiency, tokens per joule, ...).

Derived values are never stored in entries: tables compute them here and name the formula they used, so a
caption can state it and a reader can recompute it. A formula never changes once published; a changed
computation is a new version (`.../v2`) beside the old one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Formula:
    """A derived quantity: how it is computed (`function`) and how a caption states it (`statement`)."""

    name: str
    version: int
    statement: str
    inputs: tuple[str, ...]
    unit: str
    function: Callable[..., float]
    increasing: bool = True  # whether the result grows with the first input (maps a range's ends in order)

    @property
    def key(self) -> str:
        return f"{self.name}/v{self.version}"

    def __call__(self, **values: float) -> float:
        missing = [name for name in self.inputs if name not in values]
        if missing:
            raise ValueError(f"formula {self.key} needs {', '.join(missing)}")
        return float(self.function(**{name: float(values[name]) for name in self.inputs}))

    def over_range(self, low: float, high: float, **others: float) -> tuple[float, float]:
        """The formula at both ends of a range of its first input, as (low, high)."""
        first = self.inputs[0]
        a, b = self(**{first: low}, **others), self(**{first: high}, **others)
        return (a, b) if a <= b else (b, a)


def _precision_normalised(efficiency: float, input_bits: float, weight_bits: float) -> float:
    return efficiency * input_bits * weight_bits


def _eight_bit_normalised(efficiency: float, input_bits: float, weight_bits: float) -> float:
    return efficiency * input_bits * weight_bits / 64.0


def _tokens_per_joule(energy_per_token_mj: float) -> float:
    if energy_per_token_mj <= 0:
        raise ValueError("energy per token must be positive")
    return 1000.0 / energy_per_token_mj


def _tokens_per_joule_from_power(throughput: float, power_w: float) -> float:
    if power_w <= 0:
        raise ValueError("power must be positive")
    return throughput / power_w


def _energy_per_token_from_power(power_w: float, throughput: float) -> float:
    if throughput <= 0:
        raise ValueError("throughput must be positive")
    return 1000.0 * power_w / throughput


def _all_formulas() -> tuple[Formula, ...]:
    return (
        Formula(
            "precision-normalised-efficiency", 1,
            "normalised efficiency (1b x 1b TOPS/W) = reported TOPS/W x input bits x weight bits",
            ("efficiency", "input_bits", "weight_bits"), "TOPS/W", _precision_normalised),
        Formula(
            "precision-normalised-area-efficiency", 1,
            "normalised area efficiency (1b x 1b TOPS/mm^2) = reported TOPS/mm^2 x input bits x weight bits",
            ("efficiency", "input_bits", "weight_bits"), "TOPS/mm^2", _precision_normalised),
        Formula(
            "eight-bit-normalised-efficiency", 1,
            "8b x 8b efficiency (TOPS/W) = reported TOPS/W x input bits x weight bits / 64",
            ("efficiency", "input_bits", "weight_bits"), "TOPS/W", _eight_bit_normalised),
        Formula(
            "tokens-per-joule", 1,
            "tokens per joule = 1000 / energy per token in mJ/token",
            ("energy_per_token_mj",), "token/J", _tokens_per_joule, increasing=False),
        Formula(
            "tokens-per-joule-from-power", 1,
            "tokens per joule = throughput in token/s / power in W",
            ("throughput", "power_w"), "token/J", _tokens_per_joule_from_power),
        Formula(
            "energy-per-token-from-power", 1,
            "energy per token (mJ/token) = 1000 x power in W / throughput in token/s",
            ("power_w", "throughput"), "mJ/token", _energy_per_token_from_power),
    )


FORMULAS: Mapping[str, Formula] = MappingProxyType({f.key: f for f in _all_formulas()})

PRECISION_NORMALISED_EFFICIENCY = "precision-normalised-efficiency/v1"
PRECISION_NORMALISED_AREA_EFFICIENCY = "precision-normalised-area-efficiency/v1"
EIGHT_BIT_NORMALISED_EFFICIENCY = "eight-bit-normalised-efficiency/v1"
TOKENS_PER_JOULE = "tokens-per-joule/v1"


def formula(key: str) -> Formula:
    """The formula named `key` ('name/vN')."""
    try:
        return FORMULAS[key]
    except KeyError:
        raise KeyError(f"no formula {key!r}; known: {', '.join(sorted(FORMULAS))}") from None
