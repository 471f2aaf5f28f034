"""`survey query`, `show`, `stats`, `compare` and `pareto` driven through the real CLI on a fictional knowledge base."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from click.testing import CliRunner
from query_fixture_kb import make_kb

from survey.cli.main import main


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_kb(tmp_path_factory.mktemp("kb"))


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args])


def test_query_prints_a_table_with_a_count(root):
    result = run(root, "query", "memory=dram")
    assert result.exit_code == 0
    assert "bo-hbm-system" in result.stdout and "cy-gddr6-chip" in result.stdout and "HBM3" in result.stdout
    assert "ada-reram-macro" not in result.stdout
    assert "2 of 5 entries" in result.stderr


def test_query_json_is_a_list_of_whole_entries_each_with_its_id(root):
    result = run(root, "query", "memory=dram", "--format", "json")
    objects = json.loads(result.stdout)
    assert [o["id"] for o in objects] == ["bo-hbm-system", "cy-gddr6-chip"]
    assert objects[0]["metrics"][0]["source"]["locator"] == "Abstract"


def test_query_json_with_fields_keeps_only_those_keys(root):
    objects = json.loads(run(root, "query", "type=poster", "--format", "json", "--fields", "year,memory").stdout)
    assert objects == [{"id": "ada-reram-macro", "year": "2023", "memory": "ReRAM"},
                       {"id": "di-sram-fp", "year": "2024", "memory": "SRAM"}]


def test_query_csv_has_the_chosen_columns(root):
    result = run(root, "query", "type=poster", "--format", "csv", "--fields", "id,memory,energy-efficiency")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["id", "memory", "energy-efficiency"], ["ada-reram-macro", "ReRAM", "12 TOPS/W"],
                    ["di-sram-fp", "SRAM", "5-20 TOPS/W"]]


def test_query_yaml_round_trips(root):
    objects = yaml.safe_load(run(root, "query", "id=ed-pcm-bert", "--format", "yaml").stdout)
    assert objects[0]["id"] == "ed-pcm-bert" and objects[0]["metrics"][0]["unit"] == "%"


def test_query_bibtex_uses_the_entrys_record_or_makes_one(root):
    text = run(root, "query", "memory=dram", "--format", "bibtex").stdout
    assert "@inproceedings{example2024hbm," in text
    assert "@misc{cy-gddr6-chip," in text and "author = {Cy Sample}" in text


def test_query_markdown_escapes_pipes(root):
    text = run(root, "query", "id=cy-gddr6-chip", "--format", "markdown", "--fields", "id,summary").stdout
    assert text.splitlines()[0] == "| id | summary |"
    assert "attention \\| pipes" in text


def test_sort_descending_by_metric_and_limit(root):
    result = run(root, "query", "--sort", "-energy-efficiency", "--limit", "2", "--format", "csv", "--fields", "id")
    assert result.stdout.split() == ["id", "di-sram-fp", "ada-reram-macro"]


def test_sort_by_year_puts_entries_without_a_value_last(root):
    result = run(root, "query", "--sort", "year", "--format", "csv", "--fields", "id,year")
    assert result.stdout.splitlines()[1:] == ["ed-pcm-bert,2021", "cy-gddr6-chip,2022", "ada-reram-macro,2023",
                                              "bo-hbm-system,2024", "di-sram-fp,2024"]


def test_sort_by_a_metric_adds_its_column_to_the_table(root):
    assert "energy-efficiency" in run(root, "query", "--sort", "energy-efficiency").stdout


def test_malformed_query_exits_2_with_a_caret_under_the_token(root):
    result = run(root, "query", "year>=2023", "memory=RRam-x")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error[unknown-term] 'RRam-x' is not a memory term in taxonomy.yaml; did you mean 'reram'?",
        "  year>=2023 memory=RRam-x",
        "                    ^^^^^^",
    ]


def test_unknown_field_in_fields_option_exits_2_with_did_you_mean(root):
    result = run(root, "query", "--fields", "id,memroy")
    assert result.exit_code == 2 and "did you mean 'memory'?" in result.stderr


def test_show_prints_a_card_with_metrics_conditions_and_sources(root):
    result = run(root, "show", "ada-reram-macro")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("ada-reram-macro: A Fictional ReRAM Macro for Example Transformers")
    assert "Energy efficiency: 12 GOPS/mW = 12 TOPS/W" in text
    assert "evaluation silicon" in text and 'Table 1: "12 GOPS/mW"' in text
    assert "Ada Example (Example University)" in text


def test_show_unknown_id_suggests_the_closest(root):
    result = run(root, "show", "ada-reram")
    assert result.exit_code == 2 and "did you mean 'ada-reram-macro'?" in result.stderr


def test_stats_counts_facets_and_lists_empty_cells(root):
    result = run(root, "stats", "--format", "json")
    stats = json.loads(result.stdout)
    assert stats["entries"] == 5
    assert ["Poster", 2] in stats["facets"]["type"]
    row = stats["rows"].index("Analog noise and accuracy")
    assert stats["matrix"][row][stats["columns"].index("ReRAM")] == 1
    assert ["Data communication", "SRAM"] in stats["empty"]


def test_stats_table_names_empty_cells(root):
    result = run(root, "stats")
    assert result.exit_code == 0 and "empty cells (challenge x memory)" in result.stdout


def test_compare_ranks_within_groups_and_lists_works_left_out(root):
    result = run(root, "compare", "energy-efficiency", "--iso", "evaluation", "--format", "json")
    data = json.loads(result.stdout)
    silicon = [(r["rank"], r["id"]) for r in data["rows"] if r["group"] == "evaluation=silicon"]
    assert silicon == [("1", "ada-reram-macro"), ("2", "cy-gddr6-chip")]
    assert {r["id"] for r in data["rows"]} == {"ada-reram-macro", "cy-gddr6-chip", "di-sram-fp", "bo-hbm-system"}
    data = json.loads(run(root, "compare", "speedup", "--iso", "phase,qualifier", "--format", "json").stdout)
    assert data["rows"] == [] and data["left_out"] == [{"id": "bo-hbm-system", "missing": ["qualifier"]},
                                                       {"id": "cy-gddr6-chip", "missing": ["qualifier"]}]


def test_compare_with_a_query_and_an_unknown_iso(root):
    result = run(root, "compare", "energy-efficiency", "memory=dram", "--iso", "precision", "--format", "csv")
    assert [row[2] for row in csv.reader(io.StringIO(result.stdout))][1:] == ["cy-gddr6-chip", "bo-hbm-system"]
    assert run(root, "compare", "energy-efficiency", "--iso", "colour").exit_code == 2
    assert "did you mean 'energy-efficiency'" in run(root, "compare", "energy-eficiency").stderr


def test_pareto_keeps_works_no_other_beats_in_both_metrics(root):
    data = json.loads(run(root, "pareto", "energy-efficiency", "area", "--format", "json").stdout)
    # di: 20 TOPS/W at 0.2 mm^2 beats ada (12 TOPS/W, 0.5 mm^2): higher efficiency and smaller area
    assert [r["id"] for r in data["rows"]] == ["di-sram-fp"]
