"""The filter language's lexer and parser: structure, precedence, units, and errors that point at the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.query.syntax import All, Any_, Compare, Not, QueryError, Text, parse, tokenize

METRIC = {"energy-efficiency"}


def parsed(query: str):
    return parse(query, lambda name: name in METRIC)


def error_of(query: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parsed(query)
    return caught.value


def test_empty_query_matches_everything():
    assert parsed("   ") == All()


def test_adjacent_conditions_are_anded_and_or_binds_looser_than_and():
    tree = parsed("memory=reram year>=2023 OR type=poster")
    assert isinstance(tree, Any_)
    first, second = tree.items
    assert isinstance(first, All) and [c.field for c in first.items] == ["memory", "year"]
    assert isinstance(second, Compare) and second.op == "=" and second.values[0].text == "poster"


def test_not_and_parentheses_group():
    tree = parsed("NOT (memory=sram OR memory=pcm) and year<2024")
    assert isinstance(tree, All)
    assert isinstance(tree.items[0], Not) and isinstance(tree.items[0].item, Any_)


def test_keywords_are_case_insensitive():
    assert isinstance(parsed("a or b"), Any_)


def test_every_operator_is_read():
    for op in ("=", "!=", ">", ">=", "<", "<=", "~"):
        tree = parsed(f"year{op}2023")
        assert isinstance(tree, Compare) and tree.op == op


def test_double_equals_reads_as_equals():
    assert parsed("year==2023").op == "="


def test_comma_separates_alternative_values():
    tree = parsed("memory=reram,pcm")
    assert [v.text for v in tree.values] == ["reram", "pcm"]


def test_metric_unit_may_follow_the_number_with_or_without_space():
    spaced, glued = parsed("energy-efficiency>=10 TOPS/W"), parsed("energy-efficiency>=10TOPS/W")
    for tree in (spaced, glued):
        assert tree.values[0].text == "10" and tree.unit is not None and tree.unit.text == "TOPS/W"
    assert glued.unit.start == len("energy-efficiency>=10")


def test_word_after_a_non_metric_value_is_free_text():
    tree = parsed("year>=2023 attention")
    assert isinstance(tree, All) and isinstance(tree.items[1], Text)


def test_metric_conditions_in_brackets():
    tree = parsed("energy-efficiency[evaluation=silicon, precision=int8,int4 phase=decode]>=10 TOPS/W")
    assert [c.field for c in tree.conditions] == ["evaluation", "precision", "phase"]
    assert [v.text for v in tree.conditions[1].values] == ["int8", "int4"]


def test_quoted_text_is_free_text_with_spaces():
    tree = parsed('"in-memory attention"')
    assert tree == Text("in-memory attention", 0, len('"in-memory attention"'))


@pytest.mark.parametrize("query, start, words", [
    ("year>=", 6, "expected a value after '>='"),
    ("(year>2000", 0, "never closed"),
    ("year>2000)", 9, "unexpected ')'"),
    ('title="open', 6, "unterminated"),
    ("year ! 2023", 5, "not an operator"),
    ("energy-efficiency[evaluation]>=1", 28, "operator after 'evaluation'"),
    ("energy-efficiency[evaluation=silicon", 17, "never closed"),
    ("()", 1, "inside the parentheses"),
    ("memory=reram OR", 15, "end of the query"),
])
def test_malformed_queries_point_at_the_offending_token(query, start, words):
    problem = error_of(query)
    assert problem.start == start and words in problem.message


def test_error_rendering_puts_a_caret_under_the_token():
    problem = error_of("memory=reram year>=")
    lines = problem.render("memory=reram year>=").splitlines()
    assert lines[1] == "  memory=reram year>="
    assert lines[2] == "  " + " " * len("memory=reram year>=") + "^"


def test_tokens_keep_their_positions():
    tokens = tokenize("a=(b)")
    assert [(t.kind, t.start) for t in tokens] == [("WORD", 0), ("OP", 1), ("LPAREN", 2), ("WORD", 3),
                                                   ("RPAREN", 4), ("END", 5)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab=!<>~()[],\"' .-10ORANDNOT")), max_size=30))
def test_any_text_either_parses_or_raises_a_located_query_error(query):
    try:
        parsed(query)
    except QueryError as problem:
        assert 0 <= problem.start <= len(query)
        assert problem.render(query).count("\n") == 2
