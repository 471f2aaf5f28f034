"""The query engine on a fictional knowledge base: fields, operators, taxonomy-aware terms, metrics and units."""

from __future__ import annotations

import pytest
from query_fixture_kb import make_kb

from survey.query.cache import load_index
from survey.query.evaluate import select
from survey.query.syntax import QueryError


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return load_index(make_kb(tmp_path_factory.mktemp("kb")))


def ids(index, query: str) -> list[str]:
    return [r["id"] for r in select(query, index)]


def error(index, query: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        select(query, index)
    return caught.value


def test_empty_query_lists_every_entry_in_id_order(index):
    assert ids(index, "") == ["ada-reram-macro", "bo-hbm-system", "cy-gddr6-chip", "di-sram-fp", "ed-pcm-bert"]


@pytest.mark.parametrize("query, expected", [
    ("year=2023", ["ada-reram-macro"]),
    ("year!=2024", ["ada-reram-macro", "cy-gddr6-chip", "ed-pcm-bert"]),
    ("year>2023", ["bo-hbm-system", "di-sram-fp"]),
    ("year>=2023", ["ada-reram-macro", "bo-hbm-system", "di-sram-fp"]),
    ("year<2022", ["ed-pcm-bert"]),
    ("year<=2022", ["cy-gddr6-chip", "ed-pcm-bert"]),
    ("year=2021,2022", ["cy-gddr6-chip", "ed-pcm-bert"]),
    ("title~macro", ["ada-reram-macro", "di-sram-fp"]),
    ("person~sample", ["bo-hbm-system", "cy-gddr6-chip"]),
    ("affiliation='Example University'", ["ada-reram-macro"]),
    ("id=cy-gddr6-chip", ["cy-gddr6-chip"]),
    ("id=*-macro", ["ada-reram-macro"]),
    ("type=poster", ["ada-reram-macro", "di-sram-fp"]),
    ("type=talk", ["cy-gddr6-chip"]),
    ("node=28", ["ada-reram-macro"]),
])
def test_each_operator_on_entry_fields(index, query, expected):
    assert ids(index, query) == expected


def test_parent_term_matches_its_descendants(index):
    assert ids(index, "memory=DRAM") == ["bo-hbm-system", "cy-gddr6-chip"]
    assert ids(index, "memory=nvm") == ["ada-reram-macro", "ed-pcm-bert"]
    assert ids(index, "architecture=nmc") == ["bo-hbm-system", "cy-gddr6-chip"]
    assert ids(index, "challenge=data-communication") == ["bo-hbm-system"]


def test_aliases_and_labels_name_their_term(index):
    for spelling in ("reram", "RRAM", "memristor", "ReRAM"):
        assert ids(index, f"memory={spelling}") == ["ada-reram-macro"]


def test_entry_written_with_an_alias_is_found_by_the_id(index):
    assert index.record("ada-reram-macro")["terms"]["memory"] == ["reram"]


def test_not_equal_on_terms_excludes_descendants(index):
    assert ids(index, "memory!=dram") == ["ada-reram-macro", "di-sram-fp", "ed-pcm-bert"]


def test_and_or_not_and_parentheses(index):
    assert ids(index, "(memory=sram OR memory=pcm) AND NOT year<2022") == ["di-sram-fp"]
    assert ids(index, "type=poster year=2024") == ["di-sram-fp"]
    assert ids(index, "NOT type=poster OR year=2023") == ["ada-reram-macro", "bo-hbm-system", "cy-gddr6-chip",
                                                          "ed-pcm-bert"]


def test_free_text_searches_titles_and_summaries(index):
    assert ids(index, "attention") == ["ada-reram-macro", "cy-gddr6-chip", "di-sram-fp"]
    assert ids(index, '"accuracy study"') == ["ed-pcm-bert"]


def test_metric_units_convert_across_prefixes(index):
    # ada reports 12 GOPS/mW = 12 TOPS/W; bo 800 GOPS/W = 0.8 TOPS/W
    assert ids(index, "energy-efficiency>=10 TOPS/W") == ["ada-reram-macro", "di-sram-fp"]
    assert ids(index, "energy-efficiency>=10000 GOPS/W") == ids(index, "energy-efficiency>=10 TOPS/W")
    assert ids(index, "energy-efficiency>=0.01 POPS/W") == ids(index, "energy-efficiency>=10 TOPS/W")
    assert ids(index, "energy-efficiency=800GOPS/W") == ["bo-hbm-system"]
    assert ids(index, "energy-efficiency<1") == ["bo-hbm-system"]
    assert ids(index, "area<=500000um^2") == ["ada-reram-macro", "di-sram-fp"]
    assert ids(index, "area<300000 um^2") == ["di-sram-fp"]


def test_metric_unit_not_in_the_precomputed_table_falls_back_to_pint(index):
    assert ids(index, "energy-efficiency>=10 op/pJ") == ["ada-reram-macro", "di-sram-fp"]


def test_ranges_match_when_some_value_in_them_does(index):
    assert ids(index, "energy-efficiency>15") == ["di-sram-fp"]
    assert ids(index, "energy-efficiency<6 energy-efficiency>4") == ["di-sram-fp"]
    assert ids(index, "throughput=150") == ["bo-hbm-system"]
    assert ids(index, "throughput!=150") == []


def test_metric_conditions_in_brackets(index):
    assert ids(index, "energy-efficiency[evaluation=silicon]>=1") == ["ada-reram-macro", "cy-gddr6-chip"]
    assert ids(index, "energy-efficiency[precision=int8 evaluation=silicon]>=10 TOPS/W") == ["ada-reram-macro"]
    assert ids(index, "energy-efficiency[weights<=4]") == ["di-sram-fp"]
    assert ids(index, "energy-efficiency[precision=fp16]") == ["bo-hbm-system"]
    assert ids(index, "speedup[model~example baseline~gpu]>=3") == ["bo-hbm-system"]


def test_metric_conditions_inherit_the_entrys_single_value(index):
    # bo's speedup states no phase; the entry has one phase (decode), so the metric holds for decode
    assert ids(index, "speedup[phase=decode]") == ["bo-hbm-system", "cy-gddr6-chip"]
    assert ids(index, "energy-efficiency[evaluation=post-layout]") == ["di-sram-fp"]


def test_entry_precision_compares_formats_and_bits(index):
    assert ids(index, "precision=int8") == ["ada-reram-macro", "di-sram-fp"]
    assert ids(index, "weights<=4") == ["di-sram-fp"]
    assert ids(index, "weights<int8") == ["di-sram-fp"]


def test_metric_field_lists_entries_reporting_a_kind(index):
    assert ids(index, "metric=accuracy") == ["ed-pcm-bert"]


def test_unknown_term_gets_a_did_you_mean_at_its_position(index):
    problem = error(index, "year>2000 memory=RRam-x")
    assert problem.code == "unknown-term" and problem.start == len("year>2000 memory=")
    assert "did you mean 'reram'?" in problem.hint


def test_unknown_field_gets_a_did_you_mean(index):
    problem = error(index, "memroy=dram")
    assert problem.code == "unknown-field" and (problem.start, problem.end) == (0, 6)
    assert problem.hint == "did you mean 'memory'?"


def test_unit_of_another_dimension_is_an_error_at_the_unit(index):
    problem = error(index, "energy-efficiency>=10 ms")
    assert problem.code == "query-unit" and problem.start == len("energy-efficiency>=10 ")
    assert "TOPS/W" in problem.message


def test_operator_that_does_not_fit_the_field_is_an_error(index):
    problem = error(index, "memory>dram")
    assert problem.start == len("memory") and "= !=" in problem.hint


def test_non_number_for_a_number_field_is_an_error(index):
    assert "not a number" in error(index, "year>=recent").message


def test_conditions_on_a_field_that_is_not_a_metric_are_an_error(index):
    assert "only metrics take [conditions]" in error(index, "memory[phase=decode]=dram").message
