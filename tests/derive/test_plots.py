"""Figures: written as PDF, byte-identical for identical inputs, showing the entries they say they show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from survey.derive.plots import EFFICIENCY_FIGURE, SPEEDUP_FIGURE, write_figures
from survey.derive.views import build_views
from survey.load.knowledge_base import load_knowledge_base

REPO = Path(__file__).resolve().parents[2]


def fictional_entries() -> list[dict[str, Any]]:
    def work(entry_id: str, **fields: Any) -> dict[str, Any]:
        return {"id": entry_id, "type": "related-work", "title": f"Fictional work {entry_id}",
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


def write_knowledge_base(root: Path) -> None:
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "taxonomy.yaml").write_text((REPO / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for data in fictional_entries():
        (root / "entries" / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_figures_show_speedups_per_work_and_efficiency_against_precision(tmp_path: Path) -> None:
    write_knowledge_base(tmp_path / "kb")
    figures = write_figures(build_views(load_knowledge_base(tmp_path / "kb")), tmp_path / "out")
    by_file = {f.file_name: f for f in figures}
    assert list(by_file) == [SPEEDUP_FIGURE, EFFICIENCY_FIGURE]
    assert by_file[SPEEDUP_FIGURE].entry_ids == ["ex-hybrid", "ex-imc", "ex-nmc"]
    assert by_file[EFFICIENCY_FIGURE].entry_ids == ["ex-hybrid", "ex-imc", "ex-none"]
    for figure in figures:
        data = (tmp_path / "out" / figure.file_name).read_bytes()
        assert data.startswith(b"%PDF-") and b"CreationDate" not in data
        assert figure.caption and "\\" not in figure.caption
    assert "not a ranking" in by_file[SPEEDUP_FIGURE].caption
    assert "simulated" in by_file[EFFICIENCY_FIGURE].caption
    assert not (tmp_path / "out" / (SPEEDUP_FIGURE + ".part")).exists()


def test_identical_inputs_give_byte_identical_pdfs_across_processes(tmp_path: Path) -> None:
    write_knowledge_base(tmp_path / "kb")
    write_figures(build_views(load_knowledge_base(tmp_path / "kb")), tmp_path / "first")
    script = ("import sys; from pathlib import Path; from survey.derive.plots import write_figures; "
              "from survey.derive.views import build_views; from survey.load.knowledge_base import load_knowledge_base; "
              "write_figures(build_views(load_knowledge_base(Path(sys.argv[1]))), Path(sys.argv[2]))")
    env = dict(os.environ, PYTHONHASHSEED="12345", SOURCE_DATE_EPOCH="1700000000")
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "kb"), str(tmp_path / "second")], check=True,
                   env=env, cwd=tmp_path)
    for name in (SPEEDUP_FIGURE, EFFICIENCY_FIGURE):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


def test_no_figure_is_written_without_data(tmp_path: Path) -> None:
    (tmp_path / "kb" / "entries").mkdir(parents=True)
    (tmp_path / "kb" / "taxonomy.yaml").write_text((REPO / "taxonomy.yaml").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    assert write_figures(build_views(load_knowledge_base(tmp_path / "kb")), tmp_path / "out") == []


def test_real_corpus_speedup_figure_shows_every_work_with_a_speedup(tmp_path: Path) -> None:
    views = build_views(load_knowledge_base(REPO))
    figures = {f.file_name: f for f in write_figures(views, tmp_path)}
    table = views.metric_table("speedup")
    assert table is not None
    assert figures[SPEEDUP_FIGURE].entry_ids == sorted({r.entry_id for r in table.rows})


def test_figures_of_identical_inputs_come_from_the_cache_and_new_data_draws_again(
        tmp_path: Path, monkeypatch: Any) -> None:
    import survey.derive.plots as plots

    write_knowledge_base(tmp_path / "kb")
    views = build_views(load_knowledge_base(tmp_path / "kb"))
    drawn = write_figures(views, tmp_path / "first", cache=tmp_path / "cache")

    def refuse(*_: Any) -> None:
        raise AssertionError("drew a figure the cache holds")

    monkeypatch.setattr(plots, "speedup_figure", refuse)
    monkeypatch.setattr(plots, "efficiency_figure", refuse)
    again = write_figures(views, tmp_path / "second", cache=tmp_path / "cache")
    assert again == drawn
    for figure in drawn:
        assert (tmp_path / "second" / figure.file_name).read_bytes() == \
            (tmp_path / "first" / figure.file_name).read_bytes()
    entry = tmp_path / "kb" / "entries" / "ex-imc.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("value: 12", "value: 13"), encoding="utf-8")
    changed = build_views(load_knowledge_base(tmp_path / "kb"))
    try:
        write_figures(changed, tmp_path / "third", cache=tmp_path / "cache")
    except AssertionError as refused:
        assert "drew a figure" in str(refused)  # new data is drawn, not taken from the cache
    else:
        raise AssertionError("changed data was served from the cache")
