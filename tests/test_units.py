"""Units of metrics (pint): parsing, dimensions and conversion to canonical units."""

from __future__ import annotations

import pytest

from survey import units


@pytest.mark.parametrize("first, second", [
    ("GOPS/mW", "TOPS/W"),
    ("uJ/token", "mJ/token"),
    ("mm2", "mm^2"),
    ("mm²", "mm^2"),
    ("µJ/token", "mJ/token"),
    ("TOPS/mm^2", "GOPS/mm2"),
    ("x", "X"),
    ("%", "percent"),
    ("MAC/s", "OPS"),
])
def test_units_of_the_same_dimension_agree(first: str, second: str) -> None:
    assert units.same_dimension(first, second)


def test_gops_per_milliwatt_equals_tops_per_watt() -> None:
    assert units.convert(12, "GOPS/mW", "TOPS/W") == pytest.approx(12)


def test_microjoule_per_token_converts_to_millijoule_per_token() -> None:
    assert units.convert(250, "uJ/token", "mJ/token") == pytest.approx(0.25)


def test_square_millimetres_written_mm2_are_mm_squared() -> None:
    assert units.convert(3, "mm2", "mm^2") == pytest.approx(3)
    assert units.convert(1, "cm^2", "mm2") == pytest.approx(100)


def test_a_mac_is_two_operations() -> None:
    assert units.convert(1, "TMACS/W", "TOPS/W") == pytest.approx(2)


def test_percent_converts_to_a_ratio() -> None:
    assert units.convert(50, "%", "x") == pytest.approx(0.5)


@pytest.mark.parametrize("first, second", [
    ("GB/s", "MHz"),       # bandwidth is not a frequency: bits carry their own dimension
    ("TOPS/W", "token/J"),  # operations are not tokens
    ("ms", "TOPS/W"),
    ("mJ/token", "mJ"),
    ("x", "MB"),
])
def test_units_of_different_dimensions_disagree(first: str, second: str) -> None:
    assert not units.same_dimension(first, second)


def test_converting_across_dimensions_is_refused() -> None:
    with pytest.raises(ValueError):
        units.factor("GB/s", "MHz")


@pytest.mark.parametrize("text", ["", "   ", "bananas/W", "TOPS/", "1/0/"])
def test_unknown_or_malformed_units_parse_to_none(text: str) -> None:
    assert units.parse_unit(text) is None


def test_dimension_text_names_the_dimension_in_a_hint() -> None:
    assert units.dimension_text("no-such-unit") == "unknown"
    assert units.dimension_text("TOPS/W") != units.dimension_text("ms")
