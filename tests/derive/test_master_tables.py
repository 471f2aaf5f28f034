"""Master comparison tables: each work once, by class and year, mostly empty columns folded or left out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from survey.derive.master_tables import EMPTY, build_master_tables
from survey.derive.views import build_views
from survey.load.knowledge_base import KnowledgeBase, load_knowledge_base
from survey.render.supplement import HEADER, supplement_csv

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus() -> KnowledgeBase:
    return load_knowledge_base(REPO)


def designs(kb: KnowledgeBase) -> set[str]:
    assert kb.taxonomy is not None
    types = kb.taxonomy["contribution-type"]
    return {e.id for e in kb.entries
            if (t := types.resolve(e.type)) is not None and t.role != "speaker" and t.id != "survey"}


def test_every_design_is_listed_exactly_once_across_the_master_tables(corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    tables = build_master_tables(corpus.taxonomy, corpus.entries, build_views(corpus).metric_tables)
    listed = [row.entry_id for table in tables for row in table.rows]
    assert sorted(listed) == sorted(designs(corpus))
    assert all(table.duplicates() == [] for table in tables)


def test_rows_are_sorted_by_class_then_year(corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    order = list(corpus.taxonomy["architecture"].terms)
    by_id = {e.id: e for e in corpus.entries}
    for table in build_master_tables(corpus.taxonomy, corpus.entries, build_views(corpus).metric_tables):
        keys = []
        for row in table.rows:
            entry = by_id[row.entry_id]
            term = corpus.taxonomy["architecture"].resolve(entry.primary_class) if entry.primary_class else None
            keys.append((order.index(term.id) if term else len(order), entry.year or 0))
        assert keys == sorted(keys)


def test_gains_are_given_per_baseline_class_not_as_one_maximum(corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    systems = next(t for t in build_master_tables(corpus.taxonomy, corpus.entries,
                                                  build_views(corpus).metric_tables) if t.key == "systems")
    row = next(r for r in systems.rows if r.entry_id == "pim-gpt-arxiv23")
    gains = dict(zip([c.key for c in systems.columns], systems.cells(row)))
    text = gains.get("gains") or gains["speedup"]
    assert "41-137x (GPU)" in text and "631-1074x (CPU)" in text


def test_a_column_filled_for_few_works_is_folded_or_left_out_and_the_caption_says_so(corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    for table in build_master_tables(corpus.taxonomy, corpus.entries, build_views(corpus).metric_tables):
        for column in table.columns:
            if column.key in ("work", "class", "year", "evidence"):
                continue
            filled = sum(1 for row in table.rows if row.cells.get(column.key, EMPTY) != EMPTY)
            assert filled >= 0.25 * len(table.rows), (table.key, column.header)
        headers = {c.header for c in table.columns}
        assert not headers & set(table.dropped)


def test_the_supplement_lists_every_reported_value_with_its_quote_and_neutralises_formulas(
        corpus: KnowledgeBase) -> None:
    views = build_views(corpus)
    text = supplement_csv(views.metric_tables, corpus.entries)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(HEADER)
    in_tables = sum(len(t.rows) for t in views.metric_tables)
    assert len(rows) == in_tables > 100
    assert all(row["quote"] for row in rows)
    ranked = [row for row in rows if row["rank"]]
    assert all(row["comparable_group"] for row in ranked)
    entry = next(e for e in corpus.entries if e.metrics and e.metrics[0].source)
    hostile = entry.model_copy(deep=True)
    assert hostile.metrics[0].source is not None
    hostile.metrics[0].source.quote = '=HYPERLINK("http://x","click")'
    entries = [hostile if e.id == entry.id else e for e in corpus.entries]
    rows = list(csv.DictReader(io.StringIO(supplement_csv(views.metric_tables, entries))))
    quotes = [row["quote"] for row in rows if row["entry"] == entry.id]
    assert "'=HYPERLINK(\"http://x\",\"click\")" in quotes
    assert not any(row["quote"].startswith("=") for row in rows)


def _macro(entry_id: str, tops_w: float | None, weights: str = "int8", inputs: str = "int8") -> dict[str, object]:
    """A fictional circuit-level IMC macro; with `tops_w`, one measured energy-efficiency value."""
    data: dict[str, object] = {
        "id": entry_id, "type": "related-work", "title": f"Fictional macro {entry_id}", "year": 2024,
        "venue": "Example Conference 2024", "people": [{"name": "Ada Example", "role": "author"}],
        "architecture": ["digital-imc"], "level": ["circuit"], "memory": ["sram"],
        "precision": {"weights": [weights], "activations": [inputs]},
        "evaluation": [{"method": "silicon", "node_nm": 28}]}
    if tops_w is not None:
        data["metrics"] = [{"kind": "energy-efficiency", "value": tops_w, "unit": "TOPS/W",
                            "source": {"locator": "Table 1", "quote": "fictional"}}]
    return data


def _circuits(kb: object, *entries: dict[str, object]) -> tuple[object, dict[str, dict[str, str]]]:
    import yaml

    for data in entries:
        kb.write(f"{data['id']}.yaml", yaml.safe_dump(data, sort_keys=False))  # type: ignore[attr-defined]
    loaded = load_knowledge_base(kb.root)  # type: ignore[attr-defined]
    assert loaded.taxonomy is not None
    table = next(t for t in build_master_tables(loaded.taxonomy, loaded.entries, build_views(loaded).metric_tables)
                 if t.key == "circuits")
    return table, {row.entry_id: dict(zip([c.header for c in table.columns], table.cells(row)))
                   for row in table.rows}


def test_the_normalised_efficiency_is_at_eight_bits_as_its_label_says(kb: object) -> None:
    table, cells = _circuits(kb, _macro("ex-a", 12, weights="int4", inputs="int8"), _macro("ex-b", 53.8),
                             _macro("ex-c", 20, weights="int4", inputs="int4"))
    text = {entry_id: " ".join(row.values()) for entry_id, row in cells.items()}
    assert "8b: 6" in text["ex-a"]  # 12 TOPS/W x 8 x 4 / 64
    assert "8b: 53.8" in text["ex-b"]  # an 8-bit macro reads as reported
    assert "8b: 5" in text["ex-c"]  # 20 x 4 x 4 / 64
    assert table.formula is not None and "/ 64" in table.formula and "8b x 8b" in table.formula  # type: ignore[attr-defined]


def test_a_sparse_efficiency_column_joins_node_and_precision_instead_of_being_dropped(kb: object) -> None:
    # one macro of five reports TOPS/W: too few for a column, yet it is what a reader compares macros by
    macros = [_macro("ex-a", 40)] + [_macro(f"ex-{c}", None) for c in "bcde"]
    macros[1]["evaluation"] = []  # node known for fewer than half: node and precision fold together
    macros[2]["evaluation"] = []
    macros[3]["evaluation"] = []
    table, cells = _circuits(kb, *macros)
    assert "Efficiency" not in table.dropped  # type: ignore[attr-defined]
    assert cells["ex-a"]["Node, precision, efficiency"] == "28; W INT8 x I INT8; 40 TOPS/W; 8b: 40"
    assert cells["ex-b"]["Node, precision, efficiency"] == "W INT8 x I INT8"
