"""The numbers readers see are the ones that satisfy the query: every surface, on entries whose matching and
non-matching metrics of one kind differ (fay-dram-gpt: 631-1074x over a CPU, 41-137x over an A100 GPU), and
precision answered only where the source pairs it with the value."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from query_fixture_kb import VALUE_ENTRIES, make_kb

from survey.cli.main import main


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_kb(tmp_path_factory.mktemp("kb"), VALUE_ENTRIES)


def run(root, *args):
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


GPU_SPEEDUP = "speedup[baseline~gpu]>10"


def test_query_fields_show_the_speedup_that_matched_not_the_larger_one_over_a_cpu(root):
    rows = csv_rows(run(root, "query", GPU_SPEEDUP, "--format", "csv", "--fields", "id,speedup").stdout)
    assert rows == [{"id": "fay-dram-gpt", "speedup": "41-137 x"}]


def test_query_without_conditions_on_a_kind_shows_its_best_value(root):
    rows = csv_rows(run(root, "query", "memory=dram", "--format", "csv", "--fields", "id,speedup").stdout)
    assert {"id": "fay-dram-gpt", "speedup": "631-1074 x"} in rows


def test_query_json_fields_and_sort_use_the_matching_value(root):
    objects = json.loads(run(root, "query", "speedup[baseline~gpu]", "--format", "json", "--fields",
                             "speedup").stdout)
    # bo (3.5x over a GPU) and cy (2x over a GPU) match too; sorting by the shown value puts fay's 137 first
    assert {o["id"]: o["speedup"] for o in objects}["fay-dram-gpt"] == "41-137 x"
    ordered = run(root, "query", "speedup[baseline~gpu]", "--sort", "-speedup", "--format", "csv",
                  "--fields", "id,speedup").stdout
    assert [r["id"] for r in csv_rows(ordered)] == ["fay-dram-gpt", "bo-hbm-system", "cy-gddr6-chip"]


def test_compare_ranks_the_value_over_a_gpu(root):
    result = json.loads(run(root, "compare", "speedup", GPU_SPEEDUP, "--format", "json").stdout)
    assert [(r["id"], r["speedup (x)"], r["as reported"]) for r in result["rows"]] == \
        [("fay-dram-gpt", "137", "41-137 x")]


def test_compare_without_a_query_still_ranks_the_best_value(root):
    rows = json.loads(run(root, "compare", "speedup", "--format", "json").stdout)["rows"]
    assert rows[0]["id"] == "fay-dram-gpt" and rows[0]["speedup (x)"] == "1074"


def test_compare_lists_an_entry_whose_values_each_miss_one_of_two_terms_as_left_out(root):
    # fay has a speedup > 500 (over a CPU) and a speedup over a GPU, but no single value that is both
    result = json.loads(run(root, "compare", "speedup", "speedup>500", "speedup[baseline~gpu]",
                            "--format", "json").stdout)
    assert result["rows"] == []
    assert [item["id"] for item in result["left_out"]] == ["fay-dram-gpt"]


def test_pareto_pairs_the_values_that_satisfy_the_query(root):
    result = json.loads(run(root, "pareto", "speedup", "energy-efficiency-gain", "metric[baseline~gpu]",
                            "--format", "json").stdout)
    assert [(r["id"], r["speedup (x)"], r["energy-efficiency-gain (x)"]) for r in result["rows"]] == \
        [("fay-dram-gpt", "137", "383")]


def test_export_csv_of_a_query_holds_the_matching_rows_with_entry_facets_notes_and_source_url(root):
    rows = csv_rows(run(root, "export", "--format", "csv", "metric[baseline~cpu]").stdout)
    assert [(r["id"], r["kind"], r["high"]) for r in rows] == \
        [("fay-dram-gpt", "speedup", "1074"), ("fay-dram-gpt", "energy-efficiency-gain", "602")]
    first = rows[0]
    assert (first["type"], first["memory"], first["architecture"], first["source_url"]) == \
        ("related-work", "dram", "near-bank", "https://example.org/fay#abstract")
    gpu = csv_rows(run(root, "export", "--format", "csv", "energy-efficiency-gain[baseline~a100]").stdout)
    assert [(r["high"], r["notes"]) for r in gpu] == [("383", "geomean over 8 models")]


def test_export_csv_of_the_whole_knowledge_base_names_venue_and_doi(root):
    rows = csv_rows(run(root, "export", "--format", "csv").stdout)
    bo = [r for r in rows if r["id"] == "bo-hbm-system"]
    assert len(bo) == 3 and {r["doi"] for r in bo} == {"10.0000/example.2024.1"}
    assert {r["venue"] for r in rows if r["id"] == "ada-reram-macro"} == {"Example Workshop 2023"}


def test_export_json_of_a_query_holds_the_matching_entries_whole(root):
    objects = json.loads(run(root, "export", "--format", "json", "memory=dram").stdout)
    assert [o["id"] for o in objects] == ["bo-hbm-system", "cy-gddr6-chip", "fay-dram-gpt"]
    assert len(objects[2]["metrics"]) == 4


def test_json_of_a_metric_query_holds_only_the_metrics_that_matched(root):
    for command in ("export", "query"):
        objects = json.loads(run(root, command, "--format", "json", GPU_SPEEDUP).stdout)
        assert [o["id"] for o in objects] == ["fay-dram-gpt"]
        assert [(m["kind"], m["range"], m["baseline"]) for m in objects[0]["metrics"]] == \
            [("speedup", [41, 137], "Example A100 GPU")]
        assert objects[0]["title"] == "Example DRAM PIM for GPT Decoding"  # the rest of the entry as written


def test_metrics_frame_holds_only_the_metrics_that_matched(root):
    pytest.importorskip("pandas")
    from survey import api

    frame = api.load(root).metrics_frame(GPU_SPEEDUP)
    assert list(zip(frame["id"], frame["kind"], frame["canonical_high"])) == [("fay-dram-gpt", "speedup", 137.0)]
    whole = api.load(root).metrics_frame("memory=dram")
    assert sorted(whole[whole["id"] == "fay-dram-gpt"]["canonical_high"]) == [137.0, 383.0, 602.0, 1074.0]


def test_any_metric_kind_finds_works_compared_with_an_a100(root):
    result = run(root, "query", "metric[baseline~a100]", "--format", "csv", "--fields",
                 "id,speedup,energy-efficiency-gain")
    assert csv_rows(result.stdout) == [{"id": "fay-dram-gpt", "speedup": "41-137 x",
                                        "energy-efficiency-gain": "123-383 x"}]


def test_any_metric_kind_takes_no_value(root):
    result = run(root, "query", "metric[baseline~a100]>10")
    assert result.exit_code == 2
    assert "error[query-syntax] metric[...] of any kind takes no value" in result.stderr


def test_a_bare_metric_name_asks_for_works_reporting_that_kind_and_a_quoted_one_searches_text(root):
    reporting = csv_rows(run(root, "query", "area", "--format", "csv", "--fields", "id").stdout)
    assert [r["id"] for r in reporting] == ["ada-reram-macro", "di-sram-fp"]
    quoted = run(root, "query", '"speedup"', "--format", "csv", "--fields", "id").stdout
    assert csv_rows(quoted) == []  # no title or summary says "speedup"


def test_or_shows_values_of_the_branches_that_hold(root):
    rows = csv_rows(run(root, "query", "speedup[baseline~a100] OR speedup[baseline~cpu]", "--format", "csv",
                        "--fields", "id,speedup").stdout)
    assert rows == [{"id": "fay-dram-gpt", "speedup": "631-1074 x"}]  # both hold; the best of both is shown
    rows = csv_rows(run(root, "query", "speedup[baseline~a100] OR memory=dram", "--format", "csv",
                        "--fields", "id,speedup").stdout)
    # memory=dram holds for fay and constrains no value, so its best speedup is shown
    assert {"id": "fay-dram-gpt", "speedup": "631-1074 x"} in rows


def test_not_selects_entries_and_constrains_no_value(root):
    rows = csv_rows(run(root, "query", "memory=dram NOT speedup[baseline~'example gpu']", "--format", "csv",
                        "--fields", "id,speedup").stdout)
    assert rows == [{"id": "fay-dram-gpt", "speedup": "631-1074 x"}]


# --- precision answered only where the source pairs it with the value


def test_a_range_spanning_two_precisions_does_not_answer_at_8_bit(root):
    ids = [r["id"] for r in csv_rows(run(root, "query", "energy-efficiency[precision=int8]", "--format", "csv",
                                         "--fields", "id").stdout)]
    # gus states int4 and int8 for the entry and a range that spans them; ada states int8 for its value;
    # hal names one weight format (int8), which its value inherits
    # di states its own int4 weights and int8 activations
    assert ids == ["ada-reram-macro", "di-sram-fp", "hal-sram-one-weight"]


def test_a_metric_own_precision_answers(root):
    rows = csv_rows(run(root, "query", "energy-efficiency[precision=int4]", "--format", "csv",
                        "--fields", "id,energy-efficiency").stdout)
    assert {"id": "gus-sram-two-precisions", "energy-efficiency": "30 TOPS/W"} in rows


def test_a_range_with_two_weight_formats_answers_only_its_single_activation_format(root):
    def ids(query):
        return [r["id"] for r in csv_rows(run(root, "query", query, "--format", "csv", "--fields", "id").stdout)]

    assert ids("area-efficiency[weights=int8]") == []
    assert ids("area-efficiency[weights=int4]") == []
    assert ids("area-efficiency[activations=int8]") == ["gus-sram-two-precisions"]


def test_an_entry_with_one_weight_format_but_two_activation_formats_lends_only_the_weights(root):
    rows = csv_rows(run(root, "export", "--format", "csv", "id=hal-sram-one-weight").stdout)
    assert [(r["weights"], r["activations"], r["inherited"]) for r in rows] == [("int8", "", "evaluation level weights")]


def test_compare_by_precision_leaves_out_a_range_not_paired_with_a_precision(root):
    result = json.loads(run(root, "compare", "energy-efficiency", "--iso", "precision", "--format", "json").stdout)
    ranked = {(r["id"], r["as reported"]) for r in result["rows"]}
    assert ("gus-sram-two-precisions", "30 TOPS/W") in ranked
    assert not any(r["as reported"] == "11.5-68.4 TOPS/W" for r in result["rows"])
    left_out = {item["id"]: item["missing"] for item in result["left_out"]}
    assert left_out["hal-sram-one-weight"] == ["precision paired with the value"]  # two activation formats


def test_show_tells_that_a_range_is_not_paired_with_its_formats(root):
    card = run(root, "show", "gus-sram-two-precisions").stdout
    assert "weights int4 or int8 (not paired with this value)" in card


def test_the_entry_field_precision_still_asks_which_formats_a_work_uses(root):
    ids = [r["id"] for r in csv_rows(run(root, "query", "weights=int8 memory=sram", "--format", "csv",
                                         "--fields", "id").stdout)]
    assert ids == ["gus-sram-two-precisions", "hal-sram-one-weight"]


def test_conditions_on_an_entry_field_point_at_metric_of_any_kind(root):
    result = run(root, "query", "memory[baseline~a100]")
    assert result.exit_code == 2
    assert "only metrics take [conditions]" in result.stderr and "metric[...] asks for a metric of any kind" \
        in result.stderr


def test_export_of_an_unreadable_query_fails_with_a_located_error_and_writes_nothing(root, tmp_path):
    target = tmp_path / "out.csv"
    result = run(root, "export", "--format", "csv", "-o", str(target), "speedup[baseline~gpu", ">10")
    assert result.exit_code == 2
    assert "error[query-syntax]" in result.stderr and "^" in result.stderr
    assert not target.exists()


def test_two_terms_on_one_kind_show_a_value_that_satisfies_both(root):
    rows = csv_rows(run(root, "query", "speedup>10", "speedup[baseline~gpu]", "--format", "csv",
                        "--fields", "id,speedup").stdout)
    assert rows == [{"id": "fay-dram-gpt", "speedup": "41-137 x"}]  # not 631-1074 x, which is over a CPU
