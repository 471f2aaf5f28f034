"""One truth about validity: `survey check`, `survey fmt --check` and the JSON Schema (read by Python's jsonschema
and by ajv in strict mode) accept and reject the same entries, over one corpus of valid and invalid ones.

The corpus is built from the fictional valid entry by replacing one piece. What a schema cannot state (a
comparison of two values, a checksum, a unit's dimension, anything across files) is listed in CHECK_ONLY and
asserted to be exactly that: check refuses it, the schema lets it through, as docs/entry-format.md says.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder, run_survey

from survey.load.yamlsource import parse_yaml

# name -> (old, new): the valid entry with `old` replaced by `new`; every one must be accepted by all.
VALID: dict[str, tuple[str, str]] = {
    "as-written": ("", ""),
    "adc-bits-range": ("precision: {weights: [int8], activations: [int8]}",
                       "precision: {weights: [int8], activations: [int8], adc_bits: [4, 8]}"),
    "upper-case-terms": ("memory: [hbm3]", "memory: [HBM3]"),
    "mixed-case-alias": ("memory: [hbm3]", "memory: [RRAM, Hbm3]"),
    "term-label": ("architecture: [near-bank]", "architecture: [Near-Bank PIM]"),
    "term-with-spaces": ("phases: [decode]", "phases: [ Decode ]"),
    "single-term-not-a-list": ("memory: [hbm3]", "memory: hbm3"),
    "single-affiliation": ("    affiliations: [Example University]\n    email", "    affiliations: Example University\n"
                           "    email"),
    "kind-in-upper-case": ("  - kind: speedup", "  - kind: Speedup"),
    "year-as-float": ("year: 2024\n", "year: 2024.0\n"),
    "batch-as-text": ("conditions: {model: Tiny-LM 1B,", "conditions: {model: Tiny-LM 1B, batch: \"64 requests\","),
    "consent-word": ("    role: presenter\n", "    role: presenter\n    consent: invited\n"),
    "old-style-arxiv": ('arxiv: "2401.00001"', "arxiv: cs/0601001"),
    "arxiv-with-version": ('arxiv: "2401.00001"', 'arxiv: "2401.00001v2"'),
    "range-instead-of-value": ("    value: 2.5\n", "    range: [2.5, 3]\n"),
    "value-null-and-range": ("    value: 2.5\n", "    value: null\n    range: [2.5, 3]\n"),
}

# name -> (old, new): each must be refused by check (an error) and by the schema.
INVALID: dict[str, tuple[str, str]] = {
    "quoted-year": ("year: 2024\n", 'year: "2024"\n'),
    "quoted-value": ("    value: 2.5\n", '    value: "2.5"\n'),
    "value-with-unit": ("    value: 2.5\n", "    value: 2.5x\n"),
    "year-true": ("year: 2024\n", "year: true\n"),
    "batch-true": ("conditions: {model: Tiny-LM 1B,", "conditions: {model: Tiny-LM 1B, batch: true,"),
    "year-out-of-range": ("year: 2024\n", "year: 1900\n"),
    "consent-yes": ("    role: presenter\n", "    role: presenter\n    consent: yes\n"),
    "arxiv-prefix": ('arxiv: "2401.00001"', 'arxiv: "arXiv:2401.00001"'),
    "arxiv-month-13": ('arxiv: "2401.00001"', 'arxiv: "2413.00001"'),
    "arxiv-url": ('arxiv: "2401.00001"', "arxiv: https://arxiv.org/abs/2401.00001"),
    "doi-url": ("doi: 10.5555/", "doi: https://doi.org/10.5555/"),
    "doi-prefix": ("doi: 10.5555/", "doi: doi:10.5555/"),
    "doi-other-digits": ("doi: 10.5555/", "doi: 10.\u0665\u0665\u0665\u0665/"),
    "doi-with-brace": ("doi: 10.5555/example.2024", "doi: 10.5555/example{2024}"),
    "email": ("email: ada@example.org", "email: ada-at-example.org"),
    "orcid-url": ("orcid: 0000-0002-1825-0097", "orcid: https://orcid.org/0000-0002-1825-0097"),
    "unknown-term": ("memory: [hbm3]", "memory: [hbm9]"),
    "unknown-field": ("venue:", "venu:"),
    "title-number": ('title: "A Fictional Near-Bank PIM for Tiny Transformers"', "title: 2024"),
    "no-people": ("people:\n  - name: Ada Example", "people: []\nformer:\n  - name: Ada Example"),
    "no-source": ('    source: {locator: Table 2, quote: "12 GOPS/mW"}\n', ""),
    "null-source": ('    source: {locator: Table 2, quote: "12 GOPS/mW"}\n', "    source: null\n"),
    "no-baseline": ("    baseline: Example GPU\n", ""),
    "blank-baseline": ("    baseline: Example GPU\n", '    baseline: "  "\n'),
    "neither-value-nor-range": ("    value: 2.5\n", ""),
    "value-and-range": ("    value: 2.5\n", "    value: 2.5\n    range: [2.5, 3]\n"),
    "long-text": ("summary: A fictional near-bank design used only by the test suite.",
                  "summary: " + "a" * 8_001),
    "empty-quote": ('quote: "12 GOPS/mW"', 'quote: ""'),
}

# Refused by check, accepted by the schema: rules no JSON Schema can state (docs/entry-format.md lists them).
CHECK_ONLY: dict[str, tuple[str, str]] = {
    "reversed-range": ("    value: 2.5\n", "    range: [3, 2.5]\n"),
    "reversed-adc-bits": ("precision: {weights: [int8], activations: [int8]}",
                          "precision: {weights: [int8], activations: [int8], adc_bits: [8, 4]}"),
    "orcid-check-digit": ("orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098"),
    "unknown-unit": ("    unit: GOPS/mW", "    unit: GOPS/mWh"),
    "unit-of-another-dimension": ("    unit: GOPS/mW", "    unit: GOPS/mm^2"),
    "voltage-not-a-voltage": ("conditions: {model: Tiny-LM 1B,", "conditions: {model: Tiny-LM 1B, voltage: 200 MHz,"),
    "bibtex-syntax": ("    year = {2024},", "    year = {2024,"),
    "unknown-draws-on": ("summary:", "draws_on: [no-such-entry]\nsummary:"),
}

# Refused by check and by `survey fmt --check`: YAML two tools read differently (the schema sees data only).
YAML_LEVEL: dict[str, tuple[str, str]] = {
    "tab-after-colon": ("year: 2024\n", "year:\t2024\n"),
    "tab-in-plain-text": ("venue: Example Workshop 2024", "venue: Example\tWorkshop 2024"),
    "tab-before-comment": ("year: 2024\n", "year: 2024\t# the poster's year\n"),
    "duplicate-key": ("year: 2024\n", "year: 2024\nyear: 2025\n"),
}


def _text(old: str, new: str, number: int) -> str:
    assert old in VALID_ENTRY, old
    text = VALID_ENTRY.replace(old, new, 1) if old else VALID_ENTRY
    # A DOI of its own for each case, so that the cross-entry rule (one DOI, one entry) stays out of the way.
    return text.replace("10.5555/example.2024.001", f"10.5555/example.2024.{number:03d}")


def _entry_id(name: str) -> str:
    return f"case-{name}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case written into one knowledge base, and each tool's verdict on every file."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "entries").mkdir()
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    texts: dict[str, str] = {}
    groups = {"valid": VALID, "invalid": INVALID, "check-only": CHECK_ONLY, "yaml": YAML_LEVEL}
    for number, (name, (old, new)) in enumerate(((n, c) for g in groups.values() for n, c in g.items()), start=2):
        text = _text(old, new, number).replace("id: ada-example-pim24", f"id: {_entry_id(name)}", 1)
        texts[name] = text
        (root / "entries" / f"{_entry_id(name)}.yaml").write_text(text, encoding="utf-8")
    check_run = run_survey("--root", str(root), "check", "--format", "json")
    errors: dict[str, list[str]] = {name: [] for name in texts}
    for found in check_run.diagnostics:
        if found["severity"] == "error":
            errors[Path(found["path"]).stem.removeprefix("case-")].append(found["code"])
    fmt_run = run_survey("--root", str(root), "fmt", "--check", str(root / "entries"))
    # A file fmt cannot read is an error; one it would lay out differently is only a formatting change.
    refused_lines = [line for line in fmt_run.output.splitlines() if "error[fmt]" in line]
    fmt_refused = {name for name in texts if any(f"case-{name}.yaml:" in line for line in refused_lines)}
    return {"root": root, "texts": texts, "errors": errors, "fmt_refused": fmt_refused, "fmt": fmt_run.output}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    run = run_survey("--root", str(REPO), "schema")
    assert run.exit_code == 0
    return json.loads(run.output)


def _as_json(text: str) -> Any:
    """The entry as an editor's YAML language server hands it to the schema (dates as text)."""
    loaded = parse_yaml(text.encode(), "entry.yaml")
    assert loaded.data is not None, loaded.diagnostics

    def plain(value: object) -> str:
        assert isinstance(value, (datetime.date, datetime.datetime)), value
        return value.isoformat()

    return json.loads(json.dumps(loaded.data, default=plain))


def _jsonschema_accepts(schema: dict[str, Any], text: str) -> bool:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return not list(validator.iter_errors(_as_json(text)))


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_entry_is_accepted_by_check_fmt_and_the_schema(corpus: dict[str, Any], schema: dict[str, Any],
                                                              name: str) -> None:
    assert corpus["errors"][name] == [], corpus["errors"][name]
    assert name not in corpus["fmt_refused"], corpus["fmt"]
    assert _jsonschema_accepts(schema, corpus["texts"][name])


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_entry_is_refused_by_check_and_the_schema(corpus: dict[str, Any], schema: dict[str, Any],
                                                            name: str) -> None:
    assert corpus["errors"][name], f"check accepts {name}"
    assert not _jsonschema_accepts(schema, corpus["texts"][name]), f"the schema accepts {name}"


@pytest.mark.parametrize("name", sorted(CHECK_ONLY))
def test_what_no_schema_can_state_is_refused_by_check_alone(corpus: dict[str, Any], schema: dict[str, Any],
                                                           name: str) -> None:
    assert corpus["errors"][name], f"check accepts {name}"
    assert _jsonschema_accepts(schema, corpus["texts"][name]), f"the schema refuses {name}: move it to INVALID"


@pytest.mark.parametrize("name", sorted(YAML_LEVEL))
def test_yaml_that_tools_read_differently_is_refused_by_check_and_fmt(corpus: dict[str, Any], name: str) -> None:
    assert corpus["errors"][name], f"check accepts {name}"
    assert name in corpus["fmt_refused"], corpus["fmt"]


def test_every_file_check_accepts_is_one_fmt_check_accepts(corpus: dict[str, Any]) -> None:
    accepted = {name for name, codes in corpus["errors"].items() if not codes}
    assert accepted, "the corpus has valid entries"
    assert not accepted & corpus["fmt_refused"], corpus["fmt"]


def _ajv(schema_path: Path, instances: list[Any]) -> dict[str, Any]:
    node, script = shutil.which("node"), REPO / "tests" / "ajv_validate.mjs"
    if node is None or not (REPO / "node_modules" / "ajv").is_dir():
        pytest.skip("ajv needs node and `npm ci` (scripts/setup --test runs it when npm is installed)")
    run = subprocess.run([node, str(script), str(schema_path)], input=json.dumps(instances), capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(run.stdout)


def test_ajv_in_strict_mode_compiles_the_schema_and_agrees_on_the_corpus(corpus: dict[str, Any]) -> None:
    names = sorted(VALID) + sorted(INVALID) + sorted(CHECK_ONLY)
    verdicts = _ajv(REPO / "schema" / "entry.schema.json", [_as_json(corpus["texts"][name]) for name in names])
    assert "schema_error" not in verdicts, verdicts.get("schema_error")
    refused = {name for name, errors in zip(names, verdicts["results"]) if errors}
    assert refused == set(INVALID), {"accepted but invalid": sorted(set(INVALID) - refused),
                                     "refused but valid": sorted(refused - set(INVALID))}


def test_ajv_accepts_every_shipped_entry() -> None:
    paths = sorted((REPO / "entries").glob("*.yaml"))
    verdicts = _ajv(REPO / "schema" / "entry.schema.json", [_as_json(p.read_text(encoding="utf-8")) for p in paths])
    assert "schema_error" not in verdicts
    assert {p.name: e for p, e in zip(paths, verdicts["results"]) if e} == {}


def test_the_schema_keeps_checks_text_limit() -> None:
    from survey.check import rules as check
    from survey.render import schema

    assert schema.MAX_TEXT == check.MAX_TEXT


def test_check_reports_a_tab_outside_quoted_text_with_its_column(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24", VALID_ENTRY.replace("year: 2024\n", "year:\t2024\n"))
    found = kb.check().only("tab-character")
    assert (found["line"], found["column"]) == (VALID_ENTRY.splitlines().index("year: 2024") + 1, 6)
    assert "spaces" in found["hint"]


def test_check_leaves_tabs_in_quoted_block_text_and_comments_alone(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("year: 2024\n", "year: 2024  # a\ttab\n").replace(
        'quote: "12 GOPS/mW"', 'quote: "12\tGOPS/mW"').replace("    title = {A Fictional", "    title =\t{A Fictional")
    kb.write_entry("ada-example-pim24", text)
    assert "tab-character" not in kb.check().codes()
