"""How a number is shown in a cell of a view: short, plain text."""

from __future__ import annotations

EMPTY = "-"  # a cell with nothing to show


def format_number(value: float) -> str:
    """A short, plain rendering: 4 significant digits, no exponent between 0.001 and 10^7."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e4 and magnitude < 1e7:
        return str(round(value))
    if 1e-3 <= magnitude < 1e4:
        text = f"{value:.4g}"
        return text
    return f"{value:.3g}"


def format_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return EMPTY
    if low == high:
        return format_number(low)
    return f"{format_number(low)}\u2013{format_number(high)}"
