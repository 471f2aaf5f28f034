"""`survey check` end to end: each kind of bad input gets its code, file, line (and column), and nothing crashes."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder, column_of, line_of, run_survey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.inputs import data_paths
from survey.check.rules import check
from survey.load import units

ENTRY = "entries/ada-example-pim24.yaml"


def deprecate_hbm2e(kb: KnowledgeBaseFolder) -> None:
    """Make the temporary taxonomy's hbm2e deprecated in favour of hbm3."""
    term = '{id: hbm2e, parent: hbm, label: HBM2E, description: "HBM2E."'
    kb.edit_taxonomy(term + "}", term + ", deprecated: true, replaced_by: hbm3}")


def bad_entry(kb: KnowledgeBaseFolder, old: str, new: str) -> str:
    """Write the valid entry with `old` replaced by `new`; return the text written."""
    assert old in VALID_ENTRY, old
    text = VALID_ENTRY.replace(old, new, 1)
    kb.write_entry("ada-example-pim24", text)
    return text


# --- a clean knowledge base -------------------------------------------------------------------------------------

def test_check_passes_a_valid_fictional_entry(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    run = kb.check()
    assert run.exit_code == 0, run.output
    assert run.diagnostics == []


def test_check_is_clean_on_the_shipped_corpus() -> None:
    result = run_survey("--root", str(REPO), "check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 errors, 0 warnings")


# --- YAML level -------------------------------------------------------------------------------------------------

def test_check_reports_yaml_syntax_error_with_line_and_column(kb: KnowledgeBaseFolder) -> None:
    kb.write("broken.yaml", "id: broken\ntype: poster\ntitle: Tiny: a title with a colon\n")
    run = kb.check()
    found = run.only("yaml-syntax")
    assert (found["path"], found["line"], found["column"]) == ("entries/broken.yaml", 3, 12)
    assert "quote" in found["hint"]
    assert run.exit_code == 1


def test_check_reports_duplicate_key_at_the_second_occurrence(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "year: 2024\n", "year: 2024\nyear: 2023\n")
    found = kb.check().only("duplicate-key")
    assert found["path"] == ENTRY
    assert found["line"] == line_of(text, "year: 2023")
    assert found["column"] == 1
    assert f"line {line_of(text, 'year: 2024')}" in found["hint"]


def test_check_reports_duplicate_key_inside_a_nested_mapping(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "    role: presenter\n", "    role: presenter\n    role: author\n")
    found = kb.check().only("duplicate-key")
    assert (found["line"], found["column"]) == (line_of(text, "role: author"), 5)


# --- model level ------------------------------------------------------------------------------------------------

def test_check_reports_wrong_type(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "year: 2024", "year: twenty-twenty-four")
    found = kb.check().only("wrong-type")
    assert (found["path"], found["line"], found["column"]) == (ENTRY, line_of(text, "year:"), 7)
    assert "whole number" in found["message"]


def test_check_reports_missing_required_field_of_a_list_item(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, '    source: {locator: Table 2, quote: "12 GOPS/mW"}', '    source: {quote: "12 GOPS/mW"}')
    found = kb.check().only("missing-field")
    assert "'locator'" in found["message"] and "metrics[1].source" in found["message"]
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, "source: {quote"))
    assert "Table 3" in found["hint"]


@pytest.mark.parametrize("old, parent_line, field", [
    ("    role: author\n", "- name: Bo Sample", "role"),
    ("  - kind: energy-efficiency\n    value: 12", "    value: 12", "kind"),
    ("type: poster\n", "id: ada-example-pim24", "type"),
    ("  - method: cycle-simulation\n    tool: ramulator2", "    tool: ramulator2", "method"),
])
def test_check_reports_missing_required_term_field(kb: KnowledgeBaseFolder, old: str, parent_line: str,
                                                   field: str) -> None:
    new = old.split("\n", 1)[1] if "\n" in old.rstrip("\n") else ""
    if new.startswith("    ") and old.startswith("  - "):
        new = "  - " + new[4:]
    text = bad_entry(kb, old, new)
    found = kb.check().only("missing-field")
    assert f"'{field}'" in found["message"]
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, parent_line.strip()))


def test_check_reports_missing_top_level_field_at_the_document(kb: KnowledgeBaseFolder) -> None:
    bad_entry(kb, 'title: "A Fictional Near-Bank PIM for Tiny Transformers"\n', "")
    found = kb.check().only("missing-field")
    assert "'title'" in found["message"]
    assert (found["path"], found["line"]) == (ENTRY, 2)  # the first line of the mapping (line 1 is a comment)


def test_check_reports_unknown_field_with_did_you_mean(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "venue: Example", "venu: Example")
    found = kb.check().only("unknown-field")
    assert (found["line"], found["column"]) == (line_of(text, "venu:"), 1)
    assert found["hint"] == "did you mean 'venue'?"


def test_check_reports_unknown_nested_field_with_did_you_mean(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "    email: ada@example.org", "    emial: ada@example.org")
    found = kb.check().only("unknown-field")
    assert (found["line"], found["column"]) == (line_of(text, "emial:"), 5)
    assert found["hint"] == "did you mean 'email'?"


def test_check_reports_unknown_taxonomy_term_with_did_you_mean(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "memory: [hbm3]", "memory: [RRam-x]")
    found = kb.check().only("unknown-term")
    assert (found["line"], found["column"]) == (line_of(text, "memory:"), column_of(text, "RRam-x"))
    assert "'RRam-x'" in found["message"]
    assert found["hint"] == "did you mean 'reram'?"


def test_check_accepts_taxonomy_aliases_in_any_case(kb: KnowledgeBaseFolder) -> None:
    bad_entry(kb, "memory: [hbm3]", "memory: [RRAM, Hbm3]")
    assert kb.check().diagnostics == []


def test_check_reports_unknown_term_inside_metric_conditions(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "phase: decode, level", "phase: decoding-x, level")
    found = kb.check().only("unknown-term")
    assert (found["line"], found["column"]) == (line_of(text, "decoding-x"), column_of(text, "decoding-x"))


# --- metrics ----------------------------------------------------------------------------------------------------

def test_check_reports_unit_of_the_wrong_dimension_naming_the_expected_one(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "unit: GOPS/mW", "unit: ms")
    found = kb.check().only("unit-dimension")
    assert (found["line"], found["column"]) == (line_of(text, "unit: ms"), 11)
    assert "energy-efficiency" in found["message"]
    assert units.dimension_text("TOPS/W") in found["hint"] and "TOPS/W" in found["hint"]


def test_check_reports_bandwidth_given_as_frequency(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "  - kind: energy-efficiency\n    value: 12\n    unit: GOPS/mW",
                     "  - kind: frequency\n    value: 12\n    unit: GB/s")
    found = kb.check().only("unit-dimension")
    assert found["line"] == line_of(text, "unit: GB/s")
    assert "MHz" in found["hint"]


def test_check_reports_unknown_unit(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "unit: GOPS/mW", "unit: bananas/W")
    found = kb.check().only("unknown-unit")
    assert (found["line"], found["column"]) == (line_of(text, "bananas"), 11)


def test_check_reports_metric_without_source(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, '    source: {locator: Table 2, quote: "12 GOPS/mW"}\n', "")
    found = kb.check().only("missing-source")
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, "- kind: energy-efficiency"))
    assert "quote" in found["hint"]


def test_check_reports_relative_metric_without_baseline(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "    baseline: Example GPU\n", "")
    found = kb.check().only("missing-baseline")
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, "- kind: speedup"))
    assert "speedup" in found["message"]


def test_check_warns_about_an_implausible_value_without_failing(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "    value: 12\n    unit: GOPS/mW", "    value: 12000000\n    unit: GOPS/mW")
    run = kb.check()
    found = run.only("implausible-value")
    assert found["severity"] == "warning"
    assert (found["line"], found["column"]) == (line_of(text, "12000000"), 12)
    assert run.exit_code == 0


def test_check_reports_implausible_value_in_a_range(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "    value: 12\n", "    range: [12, 9000000]\n")
    found = kb.check().only("implausible-value")
    assert found["line"] == line_of(text, "range:")


# --- identifiers ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, code", [
    ("doi: 10.5555/example.2024.001\n", "doi: 10.55/example\n", "invalid-doi"),
    ('arxiv: "2401.00001"', 'arxiv: "2413.00001"', "invalid-arxiv"),
    ('arxiv: "2401.00001"', "arxiv: arXiv:2401.00001", "invalid-arxiv"),
    ("email: ada@example.org", "email: ada.example.org", "invalid-email"),
    ("orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098", "invalid-orcid"),
])
def test_check_reports_malformed_identifier(kb: KnowledgeBaseFolder, old: str, new: str, code: str) -> None:
    text = bad_entry(kb, old, new)
    found = kb.check().only(code)
    key = new.split(":")[0]
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, new.strip()))
    assert found["column"] == text.splitlines()[found["line"] - 1].index(key) + len(key) + 3


def test_check_names_the_expected_orcid_check_digit(kb: KnowledgeBaseFolder) -> None:
    bad_entry(kb, "orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098")
    assert "'7'" in kb.check().only("invalid-orcid")["hint"]


def test_check_reports_bibtex_that_does_not_parse_inside_the_block(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "    year = {2024},\n", "    year = {2024,\n")
    found = kb.check().only("bibtex-syntax")
    # bibtexparser names the record that fails, not the line within it: the diagnostic points at its first line,
    # inside the block scalar (the line after `bibtex: |`).
    assert (found["path"], found["line"]) == (ENTRY, line_of(text, "@inproceedings{example2024pim,"))
    assert "does not parse" in found["message"]


def test_check_reports_bibtex_with_no_record(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "  @inproceedings{example2024pim,", "  inproceedings example2024pim,")
    found = kb.check().only("bibtex-syntax")
    assert line_of(text, "bibtex: |") < found["line"] < line_of(text, "architecture:")


# --- rules across entries ---------------------------------------------------------------------------------------

def test_check_reports_id_that_differs_from_the_file_name(kb: KnowledgeBaseFolder) -> None:
    kb.write("other-name.yaml", VALID_ENTRY)
    found = kb.check().only("id-mismatch")
    assert (found["path"], found["line"], found["column"]) == ("entries/other-name.yaml", 2, 5)
    assert "other-name" in found["hint"]


def test_check_reports_duplicate_ids(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    kb.write("ada-example-pim24.yml", VALID_ENTRY.replace("10.5555/example.2024.001", "10.5555/example.2024.002"))
    found = kb.check().only("duplicate-id")
    assert (found["path"], found["line"], found["column"]) == ("entries/ada-example-pim24.yml", 2, 5)
    assert ENTRY in found["message"]


def test_check_reports_duplicate_dois(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    kb.write_entry("bo-sample-pim24", VALID_ENTRY.replace("doi: 10.5555/example.2024.001",
                                                          "doi: 10.5555/EXAMPLE.2024.001"))
    found = kb.check().only("duplicate-doi")
    assert found["path"] == "entries/bo-sample-pim24.yaml"
    assert found["line"] == line_of(VALID_ENTRY, "doi: 10.5555")
    assert ENTRY in found["message"]


def test_check_reports_one_person_with_two_orcids(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    second = VALID_ENTRY.replace("0000-0002-1825-0097", "0000-0002-1825-0118").replace(
        "10.5555/example.2024.001", "10.5555/example.2024.002")
    kb.write_entry("ada-example-pim25", second)
    found = kb.check().only("orcid-conflict")
    assert (found["path"], found["line"]) == ("entries/ada-example-pim25.yaml", line_of(second, "orcid:"))
    assert "Ada Example" in found["message"] and "0000-0002-1825-0097" in found["message"]


def test_check_reports_draws_on_naming_an_unknown_entry(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    talk = VALID_ENTRY.replace("doi: 10.5555/example.2024.001\n", "").replace(
        "    doi = {10.5555/example.2024.001}\n", "")
    talk = talk.replace("summary:", "draws_on: [ada-example-pim42]\nsummary:")
    kb.write_entry("ada-example-talk", talk)
    found = kb.check().only("unknown-entry")
    assert (found["path"], found["line"]) == ("entries/ada-example-talk.yaml", line_of(talk, "draws_on"))
    assert found["column"] == column_of(talk, "ada-example-pim42")
    assert found["hint"] == "did you mean 'ada-example-pim24'?"


def test_check_warns_about_a_deprecated_term_with_its_replacement(kb: KnowledgeBaseFolder) -> None:
    deprecate_hbm2e(kb)
    text = bad_entry(kb, "memory: [hbm3]", "memory: [hbm2e]")
    run = kb.check()
    found = run.only("deprecated-term")
    assert found["severity"] == "warning"
    assert (found["path"], found["line"], found["column"]) == (ENTRY, line_of(text, "memory:"), 10)
    assert found["hint"] == "use 'hbm3' instead"
    assert run.exit_code == 0


def test_check_reports_every_problem_of_the_run_together(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24", VALID_ENTRY.replace("unit: GOPS/mW", "unit: ms").replace(
        "memory: [hbm3]", "memory: [hbm9]"))
    kb.write("broken.yaml", "id: [\n")
    codes = sorted(kb.check().codes())
    assert codes == ["unit-dimension", "unknown-term", "yaml-syntax"]


def test_check_with_a_path_reports_only_that_file(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    kb.write("broken.yaml", "id: [\n")
    assert kb.check(ENTRY).diagnostics == []
    assert kb.check("entries/broken.yaml").codes() == ["yaml-syntax"]


# --- hostile files ----------------------------------------------------------------------------------------------

def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for index in range(1, 10):
        name, previous = chr(97 + index), chr(96 + index)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty-file"),
    "comments-only": (b"# nothing here\n", "empty-file"),
    "not-utf8": (b"id: not-utf8\ntitle: caf\xe9\n", "not-utf8"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" + bytes(range(256)), "binary-file"),
    "a-list": (b"- id: a-list\n- type: poster\n", "not-a-mapping"),
    "a-scalar": (b"just some words\n", "not-a-mapping"),
    "two-documents": (b"id: two-documents\n---\nid: again\n", "yaml-syntax"),
    "deep": (b"id: [" + b"[" * 10_000 + b"]" * 10_000 + b"]\n", "too-deep"),
    "deep-block": (b"- " * 10_000 + b"x\n", "too-deep"),
    "billion-laughs": (_billion_laughs().encode(), "alias-expansion"),
    "merge-key": (b"base: &b {x: 1}\nother:\n  <<: *b\n", "yaml-syntax"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_check_reports_hostile_file_with_its_code_quickly(kb: KnowledgeBaseFolder, name: str) -> None:
    content, code = HOSTILE[name]
    kb.write(f"{name}.yaml", content)
    started = time.perf_counter()
    run = kb.check()
    assert time.perf_counter() - started < 5
    assert run.exit_code == 1
    assert "Traceback" not in run.output
    found = run.only(code)
    assert found["path"] == f"entries/{name}.yaml"
    assert found["line"] >= 1 and found["column"] >= 1


def test_check_reports_the_line_and_column_of_a_byte_that_is_not_utf8(kb: KnowledgeBaseFolder) -> None:
    kb.write("latin1.yaml", HOSTILE["not-utf8"][0])
    found = kb.check().only("not-utf8")
    assert (found["line"], found["column"]) == (2, 11)


def test_check_never_executes_a_python_tag(kb: KnowledgeBaseFolder) -> None:
    marker = kb.root / "executed"
    kb.write("evil.yaml", f'id: !!python/object/apply:os.system ["touch {marker}"]\n'
                          f'title: !!python/object/apply:builtins.exec ["open(\'{marker}\', \'w\')"]\n')
    run = kb.check()
    found = run.only("unsupported-tag")
    assert (found["path"], found["line"], found["column"]) == ("entries/evil.yaml", 1, 5)
    assert not marker.exists()
    assert run.exit_code == 1


def test_check_refuses_a_30_megabyte_file_quickly(kb: KnowledgeBaseFolder) -> None:
    with open(kb.root / "entries" / "huge.yaml", "wb") as handle:
        handle.write(b"id: huge\nnotes: ")
        handle.write(b"x" * (30 << 20))
    started = time.perf_counter()
    run = kb.check()
    assert time.perf_counter() - started < 2
    found = run.only("file-too-large")
    assert (found["path"], found["line"]) == ("entries/huge.yaml", 1)
    assert "30.0 MiB" in found["message"]


def test_hostile_files_get_located_errors_and_no_traceback_from_the_real_command(tmp_path: Path) -> None:
    kb = KnowledgeBaseFolder(tmp_path)
    for name, (content, _) in HOSTILE.items():
        kb.write(f"{name}.yaml", content)
    kb.write("evil.yaml", f'id: !!python/object/apply:os.system ["touch {tmp_path / "executed"}"]\n')
    with open(tmp_path / "entries" / "huge.yaml", "wb") as handle:
        handle.write(b"notes: " + b"x" * (30 << 20))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "survey", "check"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert time.perf_counter() - started < 15
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name, (_, code) in HOSTILE.items():
        assert any(line.startswith(f"entries/{name}.yaml:") and f"[{code}]" in line for line in lines), name
    assert any(line.startswith("entries/huge.yaml:1:1: error[file-too-large]") for line in lines)
    assert not (tmp_path / "executed").exists()


# --- output formats and exit codes ------------------------------------------------------------------------------

TEXT_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning)"
                       r"\[(?P<code>[a-z0-9-]+)\] (?P<message>.+)$")


def test_text_format_is_one_located_line_per_problem_and_a_summary(kb: KnowledgeBaseFolder) -> None:
    text = bad_entry(kb, "memory: [hbm3]", "memory: [hbm9]")
    run = kb.run("check")
    lines = run.output.splitlines()
    assert len(lines) == 2
    match = TEXT_LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"] == ENTRY and int(match["line"]) == line_of(text, "memory:")
    assert int(match["column"]) == 10
    assert (match["severity"], match["code"]) == ("error", "unknown-term")
    assert match["message"].endswith("; did you mean 'hbm'?")
    assert lines[1] == "1 error, 0 warnings in 2 files checked"
    assert run.exit_code == 1


def test_json_format_is_a_list_of_objects_with_every_field(kb: KnowledgeBaseFolder) -> None:
    bad_entry(kb, "memory: [hbm3]", "memory: [hbm9]")
    run = kb.check()
    data = json.loads(run.output)
    assert isinstance(data, list) and len(data) == 1
    assert set(data[0]) == {"path", "line", "column", "severity", "code", "message", "hint"}
    assert data[0]["severity"] == "error" and isinstance(data[0]["line"], int)


def test_json_format_of_a_clean_run_is_an_empty_list(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    assert json.loads(kb.check().output) == []


def test_github_format_gives_workflow_annotations(kb: KnowledgeBaseFolder) -> None:
    deprecate_hbm2e(kb)
    text = bad_entry(kb, "memory: [hbm3]", "memory: [hbm2e]\ncompression: [zip]")
    run = kb.run("check", "--format", "github")
    lines = run.output.splitlines()
    memory, compression = line_of(text, "memory:"), line_of(text, "compression:")
    assert lines[0].startswith(f"::warning file={ENTRY},line={memory},col=10,title=deprecated-term::")
    assert lines[0].endswith("(use 'hbm3' instead)")
    assert lines[1].startswith(f"::error file={ENTRY},line={compression},col=")
    assert "title=unknown-term::" in lines[1]
    assert run.exit_code == 1


def test_exit_code_is_zero_when_only_warnings(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("    value: 12\n    unit: GOPS/mW", "    value: 12000000\n    unit: GOPS/mW").replace(
        'quote: "12 GOPS/mW"', 'quote: "12,000,000 GOPS/mW"')
    kb.write_entry("ada-example-pim24", text)
    run = kb.run("check")
    assert run.exit_code == 0
    assert "0 errors, 1 warning in" in run.output


@pytest.mark.parametrize("args", [
    ("check", "--bogus"),
    ("check", "entries/no-such-file.yaml"),
    ("check", "--format", "xml"),
    ("--root", "no-such-folder", "check"),
    ("no-such-command",),
])
def test_usage_errors_exit_2(kb: KnowledgeBaseFolder, args: tuple[str, ...]) -> None:
    kb.write_entry("ada-example-pim24")
    run = kb.run(*args)
    assert run.exit_code == 2, run.output
    assert "Traceback" not in run.output


def test_root_option_checks_another_folder(kb: KnowledgeBaseFolder, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    bad_entry(kb, "memory: [hbm3]", "memory: [hbm9]")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run = kb.check()
    assert run.codes() == ["missing-taxonomy"]
    assert run.exit_code == 1
    found = kb.run("--root", "..", "check", "--format", "json").diagnostics
    assert [(d["path"], d["code"]) for d in found] == [("../" + ENTRY, "unknown-term")]


def test_check_reports_a_missing_taxonomy(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    (kb.root / "taxonomy.yaml").unlink()
    found = kb.check().only("missing-taxonomy")
    assert found["path"] == "taxonomy.yaml"


# --- any value in any field: diagnostics, never an exception ----------------------------------------------------

_VALID_DATA = yaml.safe_load(VALID_ENTRY)
_ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 80), max_value=2 ** 80), st.floats(),
    st.text(max_size=20), st.sampled_from(["GB/s", "%", "", "2024-13-01", "0000-0002-1825-0098", "hbm9"]),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(data_paths(_VALID_DATA)), _ODD_VALUES, st.booleans()),
                        min_size=1, max_size=3))
def test_check_reports_any_odd_value_without_raising(kb: KnowledgeBaseFolder, changes: list) -> None:
    data = copy.deepcopy(_VALID_DATA)
    for path, value, delete in changes:
        holder = data
        try:
            for part in path[:-1]:
                holder = holder[part]
            if delete and isinstance(holder, dict):
                del holder[path[-1]]
            else:
                holder[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    kb.write("ada-example-pim24.yaml", yaml.safe_dump(data, allow_unicode=True))
    result = check(kb.root)
    assert all(d.location.line >= 1 for d in result.diagnostics)


def test_benchmark_generates_entries_the_check_finds_clean(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from bench_check import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    generate(tmp_path, 25)
    result = check(tmp_path)
    assert [d.as_text() for d in result.diagnostics] == []
    assert len(result.knowledge_base.entries) == 25


def test_check_reports_a_misspelt_metadata_field_with_its_line(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    (kb.root / "paper").mkdir()
    text = (REPO / "paper" / "metadata.yaml").read_text(encoding="utf-8").replace("\nchairs:", "\nchairz:", 1)
    (kb.root / "paper" / "metadata.yaml").write_text(text, encoding="utf-8")
    run = kb.check()
    assert run.exit_code == 1
    found = run.only("unknown-field")
    assert found["path"] == "paper/metadata.yaml"
    assert found["line"] == line_of(text, "chairz:")
    assert "chairs" in found["hint"]


@pytest.mark.parametrize(("written", "meant"), [("TOPs/W", "TOPS/W"), ("TOPS/w", "TOPS/W"), ("TOPS/Watt", "TOPS/W")])
def test_check_suggests_the_unit_the_field_writes(kb: KnowledgeBaseFolder, written: str, meant: str) -> None:
    bad_entry(kb, "    value: 12\n    unit: GOPS/mW", f"    value: 12\n    unit: {written}")
    found = next(d for d in kb.check().diagnostics if d["code"] in ("unknown-unit", "unit-dimension"))
    assert f"did you mean '{meant}'?" in found["hint"]


def test_check_names_a_units_dimension_and_how_it_was_read(kb: KnowledgeBaseFolder) -> None:
    bad_entry(kb, "    value: 12\n    unit: GOPS/mW", "    value: 12\n    unit: pct")
    found = kb.check().only("unit-dimension")
    assert "[mass]" not in found["hint"] and "is mass (read as picocarat)" in found["hint"]


def test_check_suggests_percent_for_pct_where_a_percentage_is_expected(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("  - kind: energy-efficiency\n    value: 12\n    unit: GOPS/mW",
                               "  - kind: accuracy\n    value: 12\n    unit: pct")
    kb.write_entry("ada-example-pim24", text)
    found = next(d for d in kb.check().diagnostics if d["code"] in ("unknown-unit", "unit-dimension"))
    assert "did you mean '%'?" in found["hint"]


@pytest.mark.parametrize(("old", "new", "says", "hint"), [
    ("    value: 2.5\n", "    value: 2.3x\n", "must be a number, not the text '2.3x'", "`2.3`; the unit goes in `unit:`"),
    ("    value: 2.5\n", '    value: "2.5"\n', "must be a number, not the text '2.5'", "without quotes"),
    ("    role: presenter\n", "    role: presenter\n    consent: yes\n", "not the truth value true", "YAML reads yes"),
    ("title: \"A Fictional Near-Bank PIM for Tiny Transformers\"", "title: 2024", "not the number 2024", "quote"),
])
def test_check_names_the_real_type_of_a_bad_value(kb: KnowledgeBaseFolder, old: str, new: str, says: str,
                                                   hint: str) -> None:
    bad_entry(kb, old, new)
    found = kb.check().only("wrong-type")
    assert says in found["message"] and "whole number" not in found["message"] and "(got" not in found["message"]
    assert hint in found["hint"]


def test_a_value_of_the_wrong_type_is_reported_once_not_also_as_missing(kb: KnowledgeBaseFolder) -> None:
    bad_entry(kb, "    value: 2.5\n", "    value: 2.3x\n")
    codes = kb.check().codes()
    assert "wrong-type" in codes and "missing-value" not in codes


# --- what the byline needs from co-authors ------------------------------------------------------------------------

METADATA_WITHOUT_COUNTRY = """title: A Fictional Survey
workshop: {name: Example Workshop}
chairs:
  - {name: Zara Zulu, affiliations: [Sample Institute]}
affiliations:
  Sample Institute: {city: Sampleton, country: Sampleland}
  Example University: {city: Exampleton}
"""


def test_check_warns_at_a_presenters_affiliation_without_country_naming_the_key_to_add(
        kb: KnowledgeBaseFolder) -> None:
    (kb.root / "paper").mkdir()
    (kb.root / "paper" / "metadata.yaml").write_text(METADATA_WITHOUT_COUNTRY, encoding="utf-8")
    kb.write_entry("ada-example-pim24")
    result = kb.check()
    assert result.exit_code == 0  # a warning: the build still runs
    found = result.only("affiliation-without-country")
    assert found["path"] == "entries/ada-example-pim24.yaml"
    assert (found["line"], found["column"]) == (line_of(VALID_ENTRY, "Example University"),
                                                column_of(VALID_ENTRY, "Example University"))
    assert "Example University" in found["message"] and "Ada Example" in found["message"]
    assert "paper/metadata.yaml" in found["hint"] and "country:" in found["hint"]
    assert "Bo Sample" not in result.output  # an author of the work, not a co-author of the survey


def test_check_of_one_entry_shows_its_affiliation_warning(kb: KnowledgeBaseFolder) -> None:
    (kb.root / "paper").mkdir()
    (kb.root / "paper" / "metadata.yaml").write_text(METADATA_WITHOUT_COUNTRY, encoding="utf-8")
    path = kb.write_entry("ada-example-pim24")
    assert kb.check(str(path)).codes() == ["affiliation-without-country"]
    fixed = METADATA_WITHOUT_COUNTRY.replace("{city: Exampleton}", "{city: Exampleton, country: Exampleland}")
    (kb.root / "paper" / "metadata.yaml").write_text(fixed, encoding="utf-8")
    assert kb.check().codes() == []
