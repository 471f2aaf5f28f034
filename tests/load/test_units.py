"""Units of metrics (pint): parsing, dimensions and conversion to canonical units."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import KnowledgeBaseFolder

from survey.load import units


@pytest.mark.parametrize("first, second", [
    ("GOPS/mW", "TOPS/W"),
    ("uJ/token", "mJ/token"),
    ("mm2", "mm^2"),
    ("mm²", "mm^2"),
    ("µJ/token", "mJ/token"),
    ("TOPS/mm^2", "GOPS/mm2"),
    ("x", "X"),
    ("%", "percent"),
    ("MAC/s", "OPS"),
])
def test_units_of_the_same_dimension_agree(first: str, second: str) -> None:
    assert units.same_dimension(first, second)


def test_gops_per_milliwatt_equals_tops_per_watt() -> None:
    assert units.convert(12, "GOPS/mW", "TOPS/W") == pytest.approx(12)


def test_microjoule_per_token_converts_to_millijoule_per_token() -> None:
    assert units.convert(250, "uJ/token", "mJ/token") == pytest.approx(0.25)


def test_square_millimetres_written_mm2_are_mm_squared() -> None:
    assert units.convert(3, "mm2", "mm^2") == pytest.approx(3)
    assert units.convert(1, "cm^2", "mm2") == pytest.approx(100)


def test_a_mac_is_two_operations() -> None:
    assert units.convert(1, "TMACS/W", "TOPS/W") == pytest.approx(2)


def test_percent_converts_to_a_ratio() -> None:
    assert units.convert(50, "%", "x") == pytest.approx(0.5)


@pytest.mark.parametrize("first, second", [
    ("GB/s", "MHz"),       # bandwidth is not a frequency: bits carry their own dimension
    ("TOPS/W", "token/J"),  # operations are not tokens
    ("ms", "TOPS/W"),
    ("mJ/token", "mJ"),
    ("x", "MB"),
])
def test_units_of_different_dimensions_disagree(first: str, second: str) -> None:
    assert not units.same_dimension(first, second)


def test_converting_across_dimensions_is_refused() -> None:
    with pytest.raises(ValueError):
        units.factor("GB/s", "MHz")


@pytest.mark.parametrize("text", ["", "   ", "bananas/W", "TOPS/", "1/0/"])
def test_unknown_or_malformed_units_parse_to_none(text: str) -> None:
    assert units.parse_unit(text) is None


def test_dimension_text_names_the_dimension_in_a_hint() -> None:
    assert units.dimension_text("no-such-unit") == "unknown"
    assert units.dimension_text("TOPS/W") != units.dimension_text("ms")


def test_a_check_with_a_warm_unit_memo_never_imports_pint(kb: KnowledgeBaseFolder) -> None:
    import subprocess
    import sys

    from conftest import VALID_ENTRY

    # GOPS/uW: a unit of the right dimension that the shipped table (survey/data/unit-facts.json) does not hold
    assert "GOPS/uW" not in units.TABLE_FILE.read_text(encoding="utf-8")
    kb.write_entry("ada-example-pim24", VALID_ENTRY.replace("unit: GOPS/mW", "unit: GOPS/uW"))
    program = ("import sys\nfrom survey.cli.main import main\n"
               "try:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
               "print('pint loaded' if 'pint' in sys.modules else 'pint not loaded')\n")
    first = subprocess.run([sys.executable, "-c", program], cwd=kb.root, capture_output=True, text=True)
    assert "pint loaded" in first.stdout and (kb.root / ".survey-cache" / "units.json").is_file()
    second = subprocess.run([sys.executable, "-c", program], cwd=kb.root, capture_output=True, text=True)
    assert "pint not loaded" in second.stdout
    assert second.stdout.splitlines()[0] == first.stdout.splitlines()[0]  # the same diagnostics summary


def test_a_unit_memo_written_by_other_rules_is_ignored(tmp_path: Path) -> None:
    import json

    memo = tmp_path / "units.json"
    memo.write_text(json.dumps({"key": "other rules", "units": {"blorps": ["[length]^1", 201.2]}}))
    with units.memo_file(memo):
        assert not units.is_unit("blorps")  # not a unit, whatever a stale memo says
    rewritten = json.loads(memo.read_text())
    assert rewritten["key"] != "other rules" and rewritten["units"]["blorps"] is None


def test_a_memo_is_only_rewritten_when_new_units_were_worked_out(tmp_path: Path) -> None:
    memo = tmp_path / "units.json"
    with units.memo_file(memo):
        assert units.is_unit("hOPS/dW")  # a unit string no other test meets
    written = memo.stat().st_mtime_ns
    memo.write_text(memo.read_text())  # a later mtime would show a rewrite
    touched = memo.stat().st_mtime_ns
    with units.memo_file(memo):
        assert units.same_dimension("hOPS/dW", "hOPS/dW")
    assert memo.stat().st_mtime_ns == touched and touched >= written


def _pint_facts(text: str) -> units.UnitFacts | None:
    return units._work_out(text)


def test_every_unit_of_the_shipped_table_is_what_pint_works_out() -> None:
    import json

    shipped = json.loads(units.TABLE_FILE.read_text(encoding="utf-8"))["units"]
    assert len(shipped) > 40
    for text, stored in shipped.items():
        worked_out = _pint_facts(text)
        assert (None if worked_out is None else [worked_out.dimension, worked_out.scale]) == stored, text


def test_the_shipped_table_holds_the_taxonomys_units_and_the_fields_usual_ones() -> None:
    import json

    from survey.load.taxonomy import load_taxonomy

    shipped = json.loads(units.TABLE_FILE.read_text(encoding="utf-8"))["units"]
    taxonomy, _ = load_taxonomy(str(Path(__file__).resolve().parents[2] / "taxonomy.yaml"))
    kinds = taxonomy.vocabularies["metric"].terms.values()
    wanted = {t for kind in kinds for t in (kind.dimension, kind.canonical_unit) if t} | set(units.FIELD_UNITS)
    assert wanted - set(shipped) == set()


def test_a_cold_check_of_units_the_table_holds_never_imports_pint(kb: KnowledgeBaseFolder) -> None:
    import subprocess
    import sys

    kb.write_entry("ada-example-pim24")  # x and GOPS/mW, both in the table
    program = ("import sys\nfrom survey.cli.main import main\n"
               "try:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
               "print('pint loaded' if 'pint' in sys.modules else 'pint not loaded')\n")
    run = subprocess.run([sys.executable, "-c", program], cwd=kb.root, capture_output=True, text=True)
    assert run.stdout.splitlines() == ["0 errors, 0 warnings in 2 files checked", "pint not loaded"]
    assert not (kb.root / ".survey-cache").exists() or not (kb.root / ".survey-cache" / "units.json").exists()


def test_a_damaged_table_only_costs_pint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = tmp_path / "unit-facts.json"
    damaged.write_text('{"units": {"ms": ["[time]^1", "not a number"]}}')
    monkeypatch.setattr(units, "_FACTS", {})
    monkeypatch.setattr(units, "_TABLE_UNREAD", [damaged])
    assert units.convert(1500, "us", "ms") == pytest.approx(1.5)
    assert units.facts("ms") == units.UnitFacts("[time]^1", 0.001)
