"""Figures: written as PDF, byte-identical for identical inputs, showing the entries they say they show, cached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from survey.derive.plots import write_figures
from survey.derive.trends import Trends, build_trends
from survey.load.knowledge_base import load_knowledge_base

REPO = Path(__file__).resolve().parents[2]


def fictional_entries() -> list[dict[str, Any]]:
    def work(entry_id: str, **fields: Any) -> dict[str, Any]:
        return {"id": entry_id, "type": "related-work", "title": f"Fictional work {entry_id}", "year": 2024,
                "people": [{"name": "Ada Example", "affiliations": ["Example University"], "role": "author"}],
                **fields}

    def m(kind: str, value: Any, unit: str, **extra: Any) -> dict[str, Any]:
        return {"kind": kind, ("range" if isinstance(value, list) else "value"): value, "unit": unit,
                "source": {"locator": "Table 1", "quote": "fictional"}, **extra}

    return [
        work("ex-nmc", architecture=["near-bank"], memory=["hbm3"], evaluation=[{"method": "cycle-simulation"}],
             metrics=[m("speedup", 4.2, "x", baseline="Example GPU"),
                      m("speedup", [2, 9], "x", baseline="Example CPU")]),
        work("ex-imc", architecture=["analog-imc"], memory=["reram"], evaluation=[{"method": "silicon"}],
             precision={"weights": ["int4"], "activations": ["int8"]},
             metrics=[m("speedup", 12, "x", baseline="Example GPU"), m("energy-efficiency", 25, "TOPS/W")]),
        work("ex-hybrid", architecture=["digital-imc", "hybrid"], memory=["sram", "dram"],
             metrics=[m("speedup", 1.5, "x", baseline="Example NPU"), m("energy-efficiency", [3, 9], "GOPS/mW")]),
        work("ex-none", metrics=[m("energy-efficiency", 7, "TOPS/W", conditions={"evaluation": "post-layout"})]),
    ]


def trends_of(root: Path) -> Trends:
    kb = load_knowledge_base(root)
    assert kb.taxonomy is not None
    return build_trends(kb.taxonomy, kb.entries)


def write_knowledge_base(root: Path) -> None:
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "taxonomy.yaml").write_text((REPO / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for data in fictional_entries():
        (root / "entries" / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_figures_are_pdfs_without_dates_showing_the_works_they_name(tmp_path: Path) -> None:
    write_knowledge_base(tmp_path / "kb")
    figures = write_figures(trends_of(tmp_path / "kb"), tmp_path / "out")
    by_name = {f.name: f for f in figures}
    # ex-none has no class, ex-hybrid two and no primary one: neither is counted under a class
    assert by_name["works-per-year"].entry_ids == ["ex-imc", "ex-nmc"]
    assert by_name["silicon-timeline"].entry_ids == ["ex-imc"]  # the only work measured on silicon
    for figure in figures:
        data = (tmp_path / "out" / figure.file_name).read_bytes()
        assert data.startswith(b"%PDF-") and b"CreationDate" not in data
        assert figure.caption and "\\" not in figure.caption
        assert not (tmp_path / "out" / (figure.file_name + ".part")).exists()


def test_identical_inputs_give_byte_identical_pdfs_across_processes(tmp_path: Path) -> None:
    write_knowledge_base(tmp_path / "kb")
    first = write_figures(trends_of(tmp_path / "kb"), tmp_path / "first")
    script = ("import sys; from pathlib import Path; from survey.derive.plots import write_figures; "
              "from survey.derive.trends import build_trends; "
              "from survey.load.knowledge_base import load_knowledge_base; "
              "kb = load_knowledge_base(Path(sys.argv[1])); "
              "write_figures(build_trends(kb.taxonomy, kb.entries), Path(sys.argv[2]))")
    env = dict(os.environ, PYTHONHASHSEED="12345", SOURCE_DATE_EPOCH="1700000000")
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "kb"), str(tmp_path / "second")], check=True,
                   env=env, cwd=tmp_path)
    assert first
    for figure in first:
        name = figure.file_name
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


def test_no_figure_is_written_without_data(tmp_path: Path) -> None:
    (tmp_path / "kb" / "entries").mkdir(parents=True)
    (tmp_path / "kb" / "taxonomy.yaml").write_text((REPO / "taxonomy.yaml").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    assert write_figures(trends_of(tmp_path / "kb"), tmp_path / "out") == []


def test_figures_of_identical_inputs_come_from_the_cache_and_new_data_draws_again(
        tmp_path: Path, monkeypatch: Any) -> None:
    import survey.derive.trends as trends

    write_knowledge_base(tmp_path / "kb")
    drawn = write_figures(trends_of(tmp_path / "kb"), tmp_path / "first", cache=tmp_path / "cache")

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("drew a figure the cache holds")

    monkeypatch.setattr(trends, "plan_trend_figures", refuse)
    again = write_figures(trends_of(tmp_path / "kb"), tmp_path / "second", cache=tmp_path / "cache")
    assert again == drawn
    for figure in drawn:
        assert (tmp_path / "second" / figure.file_name).read_bytes() == \
            (tmp_path / "first" / figure.file_name).read_bytes()
    entry = tmp_path / "kb" / "entries" / "ex-imc.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("value: 25", "value: 26"), encoding="utf-8")
    try:
        write_figures(trends_of(tmp_path / "kb"), tmp_path / "third", cache=tmp_path / "cache")
    except AssertionError as refused:
        assert "drew a figure" in str(refused)  # new data is drawn, not taken from the cache
    else:
        raise AssertionError("changed data was served from the cache")
