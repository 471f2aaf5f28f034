"""Format-neutral views: catalogue, comparison and metric tables, coverage, graph, challenges, talks, quality."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.derive.numbers import format_number
from survey.derive.views import SurveyViews, build_views
from survey.load.knowledge_base import load_knowledge_base

REPO = Path(__file__).resolve().parents[2]


def entry(entry_id: str, **fields: Any) -> dict[str, Any]:
    """A clearly fictional related-work entry; `fields` override or add fields."""
    data: dict[str, Any] = {
        "id": entry_id, "type": "related-work", "title": f"Fictional work {entry_id}",
        "people": [{"name": "Ada Example", "affiliations": ["Example University"], "role": "author"}],
        "year": 2024, "venue": "Example Conference 2024",
    }
    data.update(fields)
    return data


def metric(kind: str, value: float | list[float], unit: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "unit": unit, "source": {"locator": "Table 1", "quote": "fictional"}}
    data["range" if isinstance(value, list) else "value"] = value
    data.update(extra)
    return data


def silicon_efficiency(value: float, weights: str = "int8", inputs: str = "int8", phase: str = "decode",
                       level: str = "circuit", evaluation: str = "silicon", unit: str = "TOPS/W") -> dict[str, Any]:
    return metric("energy-efficiency", value, unit, conditions={
        "phase": phase, "level": level, "evaluation": evaluation,
        "precision": {"weights": [weights], "activations": [inputs]}})


def views_of(kb: Any, *entries: dict[str, Any]) -> SurveyViews:
    for data in entries:
        kb.write(f"{data['id']}.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    loaded = load_knowledge_base(kb.root)
    problems = [str(d.message) for f in loaded.files for d in f.loaded.diagnostics]
    assert not problems, problems
    return build_views(loaded)


def rows_by_entry(views: SurveyViews, kind: str) -> dict[str, Any]:
    table = views.metric_table(kind)
    assert table is not None
    return {row.entry_id: row for row in table.rows}


# --- metric tables


def test_metric_values_are_converted_to_the_canonical_unit(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", metrics=[metric("energy-per-token", 2.24, "uJ/token"),
                               metric("energy-efficiency", 12, "GOPS/mW")]),
        entry("ex-b", metrics=[metric("energy-per-token", [1, 4], "J/token"), metric("latency", 0.5, "s")]))
    energy = rows_by_entry(views, "energy-per-token")
    assert views.metric_table("energy-per-token").unit == "mJ/token"
    assert energy["ex-a"].value == pytest.approx(0.00224)
    assert energy["ex-a"].reported == "2.24 uJ/token"
    assert energy["ex-b"].value is None and (energy["ex-b"].low, energy["ex-b"].high) == pytest.approx((1000, 4000))
    assert energy["ex-b"].value_text == "1000\u20134000"
    assert rows_by_entry(views, "energy-efficiency")["ex-a"].value == pytest.approx(12.0)  # 1 GOPS/mW = 1 TOPS/W
    assert rows_by_entry(views, "latency")["ex-b"].value == pytest.approx(500.0)


def test_values_are_ranked_only_within_groups_of_matching_precision_level_and_evidence(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", metrics=[silicon_efficiency(10)]),
        entry("ex-b", metrics=[silicon_efficiency(20)]),
        entry("ex-c", metrics=[silicon_efficiency(50, weights="int4", inputs="int4")]),
        entry("ex-d", metrics=[silicon_efficiency(90, phase="prefill")]),  # TOPS/W does not depend on the phase
        entry("ex-e", metrics=[silicon_efficiency(99, level="chip")]))
    rows = rows_by_entry(views, "energy-efficiency")
    assert (rows["ex-d"].rank, rows["ex-b"].rank, rows["ex-a"].rank) == (1, 2, 3)
    assert rows["ex-a"].group == rows["ex-b"].group == rows["ex-d"].group
    assert len({rows[e].group for e in ("ex-a", "ex-c", "ex-e")}) == 3
    for alone in ("ex-c", "ex-e"):  # each alone in its group: nothing to rank it against
        assert rows[alone].rank is None and rows[alone].rankable
        assert rows[alone].mark == "not ranked: no other work's value shares its conditions"
    table = views.metric_table("energy-efficiency")
    group = next(g for g in table.comparable_groups if g.key == rows["ex-a"].group)
    assert group.entry_ids == ["ex-a", "ex-b", "ex-d"] and group.size == 3 and group.ranked
    assert "W INT8, A INT8" in group.label and "Macro" in group.label and "Decode" not in group.label
    assert "precision, level and evidence" in table.criteria and "phase" not in table.criteria
    assert views.quality.metrics_ranked == 3


def test_phase_dependent_kinds_rank_only_within_one_phase(kb: Any) -> None:
    def throughput(value: float, phase: str) -> dict[str, Any]:
        return metric("throughput", value, "token/s", conditions={
            "phase": phase, "level": "system", "evaluation": "cycle-simulation",
            "precision": {"weights": ["fp16"], "activations": ["fp16"]}})

    views = views_of(kb, entry("ex-a", metrics=[throughput(100, "decode")]),
                     entry("ex-b", metrics=[throughput(300, "decode")]),
                     entry("ex-c", metrics=[throughput(9000, "prefill")]))
    rows = rows_by_entry(views, "throughput")
    assert (rows["ex-b"].rank, rows["ex-a"].rank, rows["ex-c"].rank) == (1, 2, None)
    assert rows["ex-c"].group != rows["ex-a"].group
    assert "phase" in views.metric_table("throughput").criteria


def test_a_works_own_values_are_not_ranked_against_each_other(kb: Any) -> None:
    views = views_of(kb, entry("ex-a", metrics=[silicon_efficiency(10), silicon_efficiency(30)]))
    table = views.metric_table("energy-efficiency")
    assert [r.rank for r in table.rows] == [None, None]
    assert [r.value for r in table.rows] == [30, 10]  # still listed best first
    assert views.quality.metrics_ranked == 0
    views = views_of(kb, entry("ex-b", metrics=[silicon_efficiency(20)]))
    assert [(r.entry_id, r.rank) for r in views.metric_table("energy-efficiency").rows] == \
        [("ex-a", 1), ("ex-b", 2), ("ex-a", 3)]
    assert views.quality.metrics_ranked == 3


def test_rows_missing_a_condition_are_not_ranked_and_say_which_is_missing(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", metrics=[silicon_efficiency(10)]),
        entry("ex-b", metrics=[metric("energy-efficiency", 30, "TOPS/W", conditions={"level": "circuit"}),
                               metric("time-per-token", 3, "ms/token", conditions={"level": "circuit"})]))
    row = rows_by_entry(views, "energy-efficiency")["ex-b"]
    assert not row.rankable and row.rank is None and row.group is None
    assert row.missing_conditions == ["precision", "evaluation"]  # TOPS/W does not depend on the phase
    assert row.mark == "not ranked: precision, evaluation not stated"
    per_token = rows_by_entry(views, "time-per-token")["ex-b"]
    assert per_token.mark == "not ranked: precision, phase, evaluation not stated"
    assert views.quality.metrics_missing_conditions[0].entry_id == "ex-b"
    assert views.quality.metrics_missing_conditions[0].location.startswith("entries/ex-b.yaml:")


def test_measured_and_simulated_values_are_never_ranked_together(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", metrics=[silicon_efficiency(10)]),
        entry("ex-b", metrics=[silicon_efficiency(500, evaluation="cycle-simulation")]))
    rows = rows_by_entry(views, "energy-efficiency")
    assert (rows["ex-a"].evidence, rows["ex-b"].evidence) == ("measured", "simulated")
    assert rows["ex-a"].group != rows["ex-b"].group
    assert rows["ex-a"].rank is None and rows["ex-b"].rank is None  # neither has another work to rank against
    assert views.metric_table("energy-efficiency").mixes_evidence
    assert (views.quality.metrics_measured, views.quality.metrics_simulated) == (1, 1)
    assert views.quality.metrics_by_method == {"cycle-simulation": 1, "silicon": 1}


def test_relative_metrics_rank_only_against_the_same_baseline(kb: Any) -> None:
    conditions = {"phase": "decode", "level": "system", "evaluation": "cycle-simulation",
                  "precision": {"weights": ["fp16"], "activations": ["fp16"]}}
    views = views_of(
        kb,
        entry("ex-a", metrics=[metric("speedup", 3, "x", conditions=conditions, baseline="Example GPU")]),
        entry("ex-b", metrics=[metric("speedup", 5, "x", conditions=conditions, baseline="example  GPU")]),
        entry("ex-c", metrics=[metric("speedup", 50, "x", conditions=conditions, baseline="Example CPU")]))
    rows = rows_by_entry(views, "speedup")
    assert rows["ex-a"].group == rows["ex-b"].group != rows["ex-c"].group
    assert (rows["ex-b"].rank, rows["ex-a"].rank, rows["ex-c"].rank) == (1, 2, None)


def test_lower_is_better_kinds_rank_the_smallest_first_and_ranges_are_not_ranked(kb: Any) -> None:
    conditions = {"phase": "decode", "level": "chip", "evaluation": "silicon",
                  "precision": {"weights": ["int4"], "activations": ["int8"]}}
    views = views_of(
        kb,
        entry("ex-a", metrics=[metric("energy-per-token", 3, "mJ/token", conditions=conditions)]),
        entry("ex-b", metrics=[metric("energy-per-token", 1, "mJ/token", conditions=conditions)]),
        entry("ex-c", metrics=[metric("energy-per-token", [0.1, 9], "mJ/token", conditions=conditions)]))
    rows = rows_by_entry(views, "energy-per-token")
    assert (rows["ex-b"].rank, rows["ex-a"].rank) == (1, 2)
    assert rows["ex-c"].mark == "not ranked: a range" and (rows["ex-c"].low, rows["ex-c"].high) == (0.1, 9)


def test_energy_efficiency_table_names_its_formula_and_normalises_by_bits(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", metrics=[silicon_efficiency(12, weights="int4", inputs="int8", unit="GOPS/mW")]),
        entry("ex-b", metrics=[metric("energy-efficiency", [11.5, 68.4], "TOPS/W")],
              precision={"weights": ["int4"], "activations": ["int4"]}),
        entry("ex-c", metrics=[metric("energy-efficiency", 7, "TOPS/W", conditions={
            "phase": "decode", "level": "chip", "evaluation": "silicon"})],
              precision={"weights": ["int4", "int8"], "activations": ["int8"]}))
    table = views.metric_table("energy-efficiency")
    assert table.formula is not None and table.formula.key == "precision-normalised-efficiency/v1"
    assert table.formula.version == 1 and "input bits x weight bits" in table.formula.statement
    rows = rows_by_entry(views, "energy-efficiency")
    assert rows["ex-a"].derived.value == pytest.approx(384.0)  # 12 x 8 x 4
    assert rows["ex-a"].derived.formula == "precision-normalised-efficiency/v1"
    assert (rows["ex-b"].derived.low, rows["ex-b"].derived.high) == pytest.approx((184.0, 1094.4))
    assert rows["ex-b"].inferred == ["precision"]  # one precision on the entry: used, and said so
    assert rows["ex-c"].derived is None and rows["ex-c"].derived_note == "no single weight and input bit width"
    assert rows["ex-c"].mark == "not ranked: precision not stated as one weight and one input format"


def test_energy_per_token_table_derives_tokens_per_joule(kb: Any) -> None:
    views = views_of(kb, entry("ex-a", metrics=[metric("energy-per-token", 2, "mJ/token")]))
    table = views.metric_table("energy-per-token")
    assert table.formula.key == "tokens-per-joule/v1"
    assert rows_by_entry(views, "energy-per-token")["ex-a"].derived.value == pytest.approx(500.0)


def test_conditions_the_metric_leaves_out_come_from_a_single_valued_entry(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", phases=["decode"], level=["chip", "system"], evaluation=[{"method": "silicon", "node_nm": 28}],
              metrics=[metric("throughput", 100, "token/s")]))
    row = rows_by_entry(views, "throughput")["ex-a"]
    assert (row.phase, row.level, row.evaluation, row.node_nm) == ("decode", None, "silicon", 28.0)
    assert row.inferred == ["evaluation", "phase"]
    assert "Decode" in row.conditions and "28 nm" in row.conditions


# --- catalogue, comparison, coverage, graph, sections, talks


def test_text_reaches_the_views_exactly_as_written_without_markup(kb: Any) -> None:
    title = "50% & $x_1$ {braces} \\input{/etc/passwd} Müller ~ #"
    views = views_of(kb, entry("ex-a", title=title, models=["Tiny_LM & co"], architecture=["near-bank"]))
    assert views.catalogue_row("ex-a").title == title
    assert "Tiny_LM & co" in views.comparison[0].rows[0]


def test_catalogue_lists_every_entry_sorted_with_labels_and_verification(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-b", architecture=["aimc"], memory=["rram"],
              evaluation=[{"method": "measured"}], challenges=["drift"],
              verified_by=[{"role": "author", "name": "Ada Example"}]),
        entry("ex-a", type="poster", people=[{"name": "Bo Sample", "role": "presenter"}]))
    assert [r.entry_id for r in views.catalogue] == ["ex-a", "ex-b"]
    row = views.catalogue_row("ex-b")
    assert (row.architecture, row.architecture_kinds, row.memory, row.memory_families) == \
        (["Analog IMC"], ["imc"], ["ReRAM"], ["reram"])
    assert (row.evaluation, row.evidence, row.challenges, row.verified) == (["Silicon"], "measured",
                                                                             ["analog-noise"], True)
    assert views.catalogue_row("ex-a").type_label == "Poster" and not views.catalogue_row("ex-a").verified
    assert views.quality.unverified == ["ex-a"]


def test_comparison_has_a_table_per_architecture_kind_and_cites_by_entry_id(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", architecture=["near-bank", "hybrid"], memory=["hbm3"],
              precision={"weights": ["int8", "int4"], "activations": ["fp16"]}, compression=["ptq"],
              models=["Tiny-LM 1B"], evaluation=[{"method": "cycle-simulation", "tool": "ramulator2"}],
              metrics=[metric("speedup", 2.5, "x", baseline="Example GPU", qualifier="up-to"),
                       metric("speedup", [3, 7], "x", baseline="Example CPU")]),
        entry("ex-b", architecture=["digital-imc"], domain=["digital"]))
    tables = {t.kind: t for t in views.comparison}
    assert list(tables) == ["imc", "nmc", "hybrid"]
    assert tables["nmc"].columns[0] == "Work" and tables["nmc"].entry_ids == ["ex-a"]
    assert tables["hybrid"].entry_ids == ["ex-a"] and tables["imc"].entry_ids == ["ex-b"]
    row = dict(zip(tables["nmc"].columns, tables["nmc"].rows[0], strict=True))
    assert row["Architecture"] == "Near-bank PIM, Hybrid"
    assert row["Memory"] == "HBM3" and row["Precision"] == "W INT4/INT8, A FP16" and row["Compression"] == "PTQ"
    assert row["Evaluation"] == "Cycle sim. (Ramulator 2.0)"
    assert row["Headline results"] == "Speedup 3\u20137x vs Example CPU (simulated)"
    assert dict(zip(tables["imc"].columns, tables["imc"].rows[0], strict=True))["Domain"] == "Digital"


def test_coverage_uses_memory_families_and_lists_the_empty_cells(kb: Any) -> None:
    views = views_of(
        kb,
        entry("ex-a", memory=["hbm3"], challenges=["inter-chip"]),
        entry("ex-b", memory=["reram", "sram"], challenges=["drift", "pim-quantization"]),
        entry("ex-c", memory=["nvm"], challenges=["analog-noise"]),
        entry("ex-d", challenges=["floating-point-pim"]))
    coverage = views.coverage
    assert coverage.challenges == ["analog-noise", "capacity-compression", "precision", "data-communication"]
    assert [c.id for c in coverage.columns if c.specific][:3] == ["sram", "dram", "gain-cell"]
    assert [c.id for c in coverage.columns if not c.specific] == ["nvm"]
    assert coverage.cell("data-communication", "dram") == ["ex-a"]
    assert coverage.cell("analog-noise", "reram") == ["ex-b"] and coverage.cell("analog-noise", "sram") == ["ex-b"]
    assert coverage.cell("analog-noise", "nvm") == ["ex-c"]
    assert ("analog-noise", "dram") in coverage.empty and ("analog-noise", "reram") not in coverage.empty
    assert all(memory != "nvm" for _, memory in coverage.empty)
    assert [(c.challenge, c.entry_ids) for c in coverage.without_memory] == [("precision", ["ex-d"])]
    gap = next(p for p in views.open_problems if p.kind == "coverage-gap" and p.challenge == "analog-noise")
    assert "dram" in gap.memories and gap.statement.startswith("No work in the knowledge base addresses")


def test_graph_links_challenges_to_sub_challenges_to_works(kb: Any) -> None:
    views = views_of(kb,
                     entry("ex-a", challenges=["drift", "analog-noise"]),
                     entry("ex-b", challenges=["variation"]),
                     entry("ex-c"))
    graph = views.graph
    edges = {(e.source, e.target) for e in graph.edges}
    assert ("challenge:analog-noise", "challenge:conductance-drift") in edges
    assert ("challenge:conductance-drift", "work:ex-a") in edges and ("challenge:analog-noise", "work:ex-a") in edges
    assert ("challenge:device-variation", "work:ex-b") in edges
    assert "work:ex-c" not in {n.id for n in graph.nodes}
    layers = graph.layers
    assert [n.ref for n in layers[0]] == ["analog-noise", "capacity-compression", "precision", "data-communication"]
    assert [n.ref for n in layers[-1]] == ["ex-a", "ex-b"]
    assert graph.node("challenge:ir-drop").parent == "challenge:analog-noise"
    assert set(graph.nx.edges) == edges  # the networkx graph the description was made from


def test_challenge_sections_list_every_entry_addressing_each_sub_challenge(kb: Any) -> None:
    views = views_of(kb,
                     entry("ex-a", challenges=["drift", "analog-noise"]),
                     entry("ex-b", challenges=["variation", "drift"]))
    section = views.challenge_sections[0]
    assert (section.id, section.label, section.entry_ids) == ("analog-noise", "Analog noise and accuracy", ["ex-a"])
    groups = {g.id: g.entry_ids for g in section.groups}
    assert groups["conductance-drift"] == ["ex-a", "ex-b"] and groups["device-variation"] == ["ex-b"]
    assert section.all_entry_ids == ["ex-a", "ex-b"]
    assert any(p.kind == "uncovered-sub-challenge" and "IR drop" in p.statement for p in views.open_problems)


def test_areas_with_only_simulated_evidence_become_open_problems_and_quality_facts(kb: Any) -> None:
    views = views_of(kb,
                     entry("ex-a", challenges=["inter-chip"], evaluation=[{"method": "cycle-simulation"}]),
                     entry("ex-b", challenges=["drift"], evaluation=[{"method": "silicon"}]))
    simulated = [(a.area, a.id) for a in views.quality.simulated_only]
    assert ("challenge", "data-communication") in simulated and ("challenge", "analog-noise") not in simulated
    problem = next(p for p in views.open_problems if p.kind == "simulation-only")
    assert problem.challenge == "data-communication" and problem.entry_ids == ["ex-a"]


def test_talks_carry_speakers_affiliations_and_the_works_they_draw_on(kb: Any) -> None:
    speaker = {"name": "Chen Example", "name_native": "陈示例", "affiliations": ["Example Institute"],
               "role": "speaker"}
    views = views_of(kb,
                     entry("ex-work"),
                     entry("ex-talk-b", type="invited-talk", people=[speaker], draws_on=["ex-work"],
                           summary="A fictional talk."),
                     entry("ex-talk-a", type="keynote", people=[dict(speaker, name="Dana Example")],
                           metrics=[metric("speedup", 2, "x", baseline="Example GPU")]))
    assert [t.entry_id for t in views.talks] == ["ex-talk-a", "ex-talk-b"]  # keynotes first
    talk = views.talks[1]
    assert (talk.type_label, talk.speakers[0].name_native, talk.affiliations, talk.draws_on) == \
        ("Invited talk", "陈示例", ["Example Institute"], ["ex-work"])
    assert views.metric_table("speedup") is None  # talks restate their works' numbers: not in metric tables
    assert all("ex-talk-a" not in t.entry_ids for t in views.comparison)


def test_number_formatting_is_short_and_plain() -> None:
    assert [format_number(v) for v in (2.81, 1074.0, 13.21, 0.00224, 115000.0, 0.0, 2.2399999999)] == \
        ["2.81", "1074", "13.21", "0.00224", "115000", "0", "2.24"]


def test_views_are_deterministic(kb: Any) -> None:
    fixtures = [entry("ex-b", memory=["hbm3"], challenges=["inter-chip"], architecture=["hybrid", "near-bank"],
                      metrics=[silicon_efficiency(3), metric("speedup", 2, "x", baseline="Example GPU")]),
                entry("ex-a", memory=["sram"], challenges=["drift"], metrics=[silicon_efficiency(4)])]
    first = views_of(kb, *fixtures)
    second = build_views(load_knowledge_base(kb.root))
    assert first == second
    assert repr(first) == repr(second)


# --- the real corpus


@pytest.fixture(scope="module")
def corpus() -> tuple[Any, SurveyViews]:
    kb = load_knowledge_base(REPO)
    return kb, build_views(kb)


def test_real_corpus_views_hold_every_metric_and_every_classified_work(corpus: tuple[Any, SurveyViews]) -> None:
    kb, views = corpus
    works = [e for e in kb.entries if e.type not in ("keynote", "invited-talk")]
    assert len(views.catalogue) == len(kb.entries)
    assert sum(len(t.rows) for t in views.metric_tables) == sum(len(e.metrics) for e in works)
    compared = {entry_id for t in views.comparison for entry_id in t.entry_ids}
    assert compared | set(views.unclassified) == {e.id for e in works}
    assert {t.entry_id for t in views.talks} == {e.id for e in kb.entries if e.type in ("keynote", "invited-talk")}
    for table in views.metric_tables:
        for row in table.rows:
            assert row.rankable == (row.group is not None) and (row.rankable or table.ranked is False or row.mark)
    efficiency = views.metric_table("energy-efficiency")
    assert efficiency is not None and efficiency.formula.key == "precision-normalised-efficiency/v1"


def test_real_corpus_views_are_deterministic(corpus: tuple[Any, SurveyViews]) -> None:
    _, views = corpus
    again = build_views(load_knowledge_base(REPO))
    assert repr(again) == repr(views)
