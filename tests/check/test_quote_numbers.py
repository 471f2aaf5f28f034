"""A metric's quote must write its number: the forms papers use are read, a quote without the number is reported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import VALID_ENTRY, KnowledgeBaseFolder, line_of

from hypothesis import given
from hypothesis import strategies as st

from survey.check.quote_numbers import quote_holds, shown_numbers

ENTRY = "entries/ada-example-pim24.yaml"


@pytest.mark.parametrize(("quote", "number", "unit"), [
    ("achieves 2.81× higher throughput", 2.81, "x"),
    ("achieves 2.81x higher throughput", 2.81, "x"),
    ("achieving $13.5\\times $ speedup", 13.5, "x"),
    ("NeuPIMs achieves 3$\\times$, 2.4$\\times$", 3, "x"),
    ("improves throughput by 281%", 2.81, "x"),
    ("a speedup of 2.81×", 281, "%"),
    ("consumes 42.0% less energy", -42.0, "%"),
    ("PIM-DL achieves 22.6×~37.1× speedup", 22.6, "x"),
    ("PIM-DL achieves 22.6×~37.1× speedup", 37.1, "x"),
    ("access times of 4.1–8.4 ns", 8.4, "ns"),
    ("achieves 41$-$137$\\times$", 137, "x"),
    ("delivers a massive 28,356 tokens / second", 28356, "token/s"),
    ("delivers 28\\,356 tokens per second", 28356, "token/s"),
    ("speedup of 1.20×", 1.2, "x"),
    ("throughput of 2×", 2.0, "x"),
    ("a 10- to 20-fold reduction in energy", 20, "x"),
    ("a ten-fold reduction", 10, "x"),
    ("by up to two and four orders of magnitude, respectively", 100, "x"),
    ("by up to two and four orders of magnitude, respectively", 10000, "x"),
    ("3 orders of magnitude lower", 1000, "x"),
    ("reaches 96 percent accuracy", 96, "%"),
    ("resulting in 25 to 45 % lower energy", 25, "%"),
    ("prunes models to 12%–33% sparsity", 12, "%"),
])
def test_quote_holds_the_number_in_the_forms_papers_write(quote: str, number: float, unit: str) -> None:
    assert quote_holds(quote, number, ratio=unit == "x", percent=unit == "%")


@pytest.mark.parametrize(("quote", "number", "unit"), [
    ("achieves 2.18× higher throughput", 2.81, "x"),  # digits swapped
    ("achieves 2.8× higher throughput", 2.81, "x"),  # rounded differently
    ("achieves 28.1× higher throughput", 2.81, "x"),
    ("the NVIDIA A100 GPU", 100, "x"),  # part of a name, not a number
    ("in version 2.81.3", 2.81, "x"),
    ("281 GB/s", 2.81, "x"),  # 281 without % is not 2.81x
    ("1,234,567 tokens", 1234, "token"),
    ("drift of 5 over 30 days", 5, "%"),  # a percentage is written as one
    ("a speed of 1 GHz", 1, "%"),
])
def test_quote_without_the_number_does_not_hold_it(quote: str, number: float, unit: str) -> None:
    assert not quote_holds(quote, number, ratio=unit == "x", percent=unit == "%")


def test_shown_numbers_lists_what_the_quote_writes() -> None:
    assert shown_numbers("2.18× and 42% less") == "2.18, 42%"
    assert shown_numbers("much faster") == "no number"


def test_check_warns_when_a_quote_lacks_the_metrics_number_naming_the_numbers_it_has(
        kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace('quote: "2.5x faster than the Example GPU"', 'quote: "5.2x faster than the Example GPU"')
    kb.write_entry("ada-example-pim24", text)
    run = kb.check()
    found = run.only("quote-number")
    assert found["severity"] == "warning"
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, "5.2x faster"))
    assert "2.5" in found["message"] and "5.2" in found["message"]
    assert "value" in found["hint"]


def test_check_warns_for_each_range_end_the_quote_lacks(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("    value: 2.5\n", "    range: [2.5, 3.5]\n", 1)
    kb.write_entry("ada-example-pim24", text)
    found = kb.check().only("quote-number")
    assert "does not contain 3.5;" in found["message"]


def test_check_accepts_a_quote_holding_a_range_in_paper_form(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("    value: 2.5\n", "    range: [2.5, 3.5]\n", 1).replace(
        'quote: "2.5x faster than the Example GPU"', 'quote: "2.5×~3.5× faster than the Example GPU"')
    kb.write_entry("ada-example-pim24", text)
    assert "quote-number" not in kb.check().codes()


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["{}×", "{}x", "${}\\times$", "{} ×", "by {}.", "({})", "{}%", "{}–99999.5"]),
       st.booleans())
def test_any_number_written_in_a_paper_form_is_found(number: Decimal, form: str, thousands: bool) -> None:
    written = f"{number:,}" if thousands else f"{number}"
    quote = "The design reaches " + form.format(written) + " over the baseline"
    assert quote_holds(quote, float(number), ratio=False, percent=False), quote


@given(st.text(max_size=200), st.floats(allow_nan=False, allow_infinity=False))
def test_the_matcher_never_fails_on_any_text(quote: str, number: float) -> None:
    quote_holds(quote, number, ratio=True, percent=True)
    shown_numbers(quote)
