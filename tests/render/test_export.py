"""`survey export` and the format backends: long-format metrics CSV, JSON, BibTeX escaping, the notebook API."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from query_fixture_kb import make_kb

from survey.cli.main import main
from survey.render.export import METRIC_COLUMNS, to_markdown


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_kb(tmp_path_factory.mktemp("kb"))


def export(root, fmt):
    result = CliRunner().invoke(main, ["--root", str(root), "export", "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_export_csv_has_one_row_per_metric_with_canonical_values(root):
    rows = list(csv.DictReader(io.StringIO(export(root, "csv"))))
    assert len(rows) == 10 and list(rows[0]) == list(METRIC_COLUMNS)
    ada = next(r for r in rows if r["id"] == "ada-reram-macro" and r["kind"] == "energy-efficiency")
    assert (ada["value"], ada["unit"], ada["canonical_low"], ada["canonical_unit"]) == ("12", "GOPS/mW", "12", "TOPS/W")
    assert (ada["weights"], ada["evaluation"], ada["source_quote"]) == ("int8", "silicon", "12 GOPS/mW")
    throughput = next(r for r in rows if r["kind"] == "throughput")
    assert (throughput["low"], throughput["high"]) == ("100", "200")


def test_export_json_lists_every_whole_entry(root):
    objects = json.loads(export(root, "json"))
    assert [o["id"] for o in objects] == ["ada-reram-macro", "bo-hbm-system", "cy-gddr6-chip", "di-sram-fp",
                                         "ed-pcm-bert"]
    assert objects[0]["memory"] == ["rram"]  # as written


def test_export_bibtex_has_one_record_per_entry(root):
    text = export(root, "bibtex")
    assert text.count("\n@") + text.startswith("@") == 5


def test_export_is_deterministic(root):
    assert export(root, "csv") == export(root, "csv") and export(root, "json") == export(root, "json")


def test_generated_bibtex_escapes_tex_specials(tmp_path):
    make_kb(tmp_path)
    path = tmp_path / "entries" / "ed-pcm-bert.yaml"
    path.write_text(path.read_text().replace('"Example PCM Encoder Accuracy Study"', '"100% {Drift} & Co_1"'))
    text = CliRunner().invoke(main, ["--root", str(tmp_path), "query", "id=ed-pcm-bert", "--format", "bibtex"]).stdout
    assert "title = {{100\\% \\{Drift\\} \\& Co\\_1}}" in text


def test_markdown_escapes_table_syntax():
    assert to_markdown(["a"], [["x | *y*"]]).splitlines()[2] == "| x \\| \\*y\\* |"


def test_notebook_api_gives_entries_queries_and_a_metrics_frame(root):
    pandas = pytest.importorskip("pandas")
    from survey import api

    kb = api.load(root)
    assert [e.id for e in kb.query("memory=dram")] == ["bo-hbm-system", "cy-gddr6-chip"]
    frame = kb.metrics_frame("energy-efficiency>=1")
    assert isinstance(frame, pandas.DataFrame)
    efficiency = frame[frame["kind"] == "energy-efficiency"].set_index("id")["canonical_high"].to_dict()
    assert efficiency == {"ada-reram-macro": 12.0, "cy-gddr6-chip": 1.5, "di-sram-fp": 20.0}
