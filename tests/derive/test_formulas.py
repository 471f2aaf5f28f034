"""Named, versioned formulas for derived values, checked against hand-computed numbers."""

from __future__ import annotations

import pytest

from survey.derive.formulas import FORMULAS, PRECISION_NORMALISED_EFFICIENCY, TOKENS_PER_JOULE, formula


def test_every_formula_is_named_by_name_and_version_and_states_itself() -> None:
    for key, f in FORMULAS.items():
        assert key == f"{f.name}/v{f.version}" == f.key
        assert f.statement and f.unit and f.inputs


def test_precision_normalised_efficiency_multiplies_by_input_and_weight_bits() -> None:
    f = formula(PRECISION_NORMALISED_EFFICIENCY)
    # 12 TOPS/W at 8-bit inputs and 4-bit weights is 12 * 8 * 4 = 384 one-bit TOPS/W
    assert f(efficiency=12, input_bits=8, weight_bits=4) == pytest.approx(384.0)
    assert f(efficiency=2.5, input_bits=1, weight_bits=1) == pytest.approx(2.5)
    assert "input bits x weight bits" in f.statement


def test_eight_bit_normalisation_divides_by_64() -> None:
    f = formula("eight-bit-normalised-efficiency/v1")
    assert f(efficiency=100, input_bits=4, weight_bits=4) == pytest.approx(25.0)


def test_tokens_per_joule_inverts_energy_per_token_in_millijoules() -> None:
    f = formula(TOKENS_PER_JOULE)
    assert f(energy_per_token_mj=2.0) == pytest.approx(500.0)
    assert f(energy_per_token_mj=0.00224) == pytest.approx(446428.5714, rel=1e-6)  # 2.24 uJ/token


def test_a_decreasing_formula_maps_a_range_to_low_then_high() -> None:
    assert formula(TOKENS_PER_JOULE).over_range(1.0, 4.0) == pytest.approx((250.0, 1000.0))
    assert formula(PRECISION_NORMALISED_EFFICIENCY).over_range(11.5, 68.4, input_bits=4, weight_bits=4) == \
        pytest.approx((184.0, 1094.4))


def test_tokens_per_joule_from_throughput_and_power() -> None:
    assert formula("tokens-per-joule-from-power/v1")(throughput=300, power_w=60) == pytest.approx(5.0)
    assert formula("energy-per-token-from-power/v1")(power_w=60, throughput=300) == pytest.approx(200.0)


def test_formulas_refuse_missing_inputs_and_impossible_values() -> None:
    with pytest.raises(ValueError, match="weight_bits"):
        formula(PRECISION_NORMALISED_EFFICIENCY)(efficiency=1, input_bits=8)
    with pytest.raises(ValueError):
        formula(TOKENS_PER_JOULE)(energy_per_token_mj=0)


def test_an_unknown_formula_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="tokens-per-joule/v1"):
        formula("tokens-per-joule/v9")
