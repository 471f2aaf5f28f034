"""The safe YAML reader: plain data plus the position of every value, and diagnostics instead of exceptions."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from conftest import VALID_ENTRY, KnowledgeBaseFolder, line_of
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.load.knowledge_base import load_knowledge_base
from survey.load.yamlsource import MAX_DEPTH, parse_yaml, read_yaml_file


def test_parse_gives_the_same_data_as_pyyaml_safe_load() -> None:
    loaded = parse_yaml(VALID_ENTRY.encode(), "entry.yaml")
    assert loaded.diagnostics == []
    assert loaded.data == yaml.safe_load(VALID_ENTRY)


def test_parse_remembers_where_values_and_keys_were_written() -> None:
    text = "id: x\npeople:\n  - name: Ada Example\n    role: author\nmetrics:\n  - {kind: speedup, unit: x}\n"
    source = parse_yaml(text.encode(), "e.yaml").source
    assert str(source.locate(("id",))) == "e.yaml:1:5"
    assert str(source.locate(("people", 0, "role"))) == "e.yaml:4:11"
    assert str(source.locate(("people", 0, "role"), key=True)) == "e.yaml:4:5"
    assert str(source.locate(("metrics", 0, "unit"))) == "e.yaml:6:27"


def test_locate_falls_back_to_the_nearest_written_ancestor() -> None:
    source = parse_yaml(b"id: x\npeople:\n  - name: Ada\n", "e.yaml").source
    assert str(source.locate(("people", 0, "orcid"))) == "e.yaml:3:5"
    assert str(source.locate(("nowhere",))) == "e.yaml:1:1"


def test_parse_reads_plain_scalars_like_yaml_1_1() -> None:
    data = parse_yaml(b"a: 12\nb: 1.5e+3\nc: true\nd: ~\ne: 2024-10-04\nf: '007'\n", "e.yaml").data
    assert data == {"a": 12, "b": 1500.0, "c": True, "d": None, "e": datetime.date(2024, 10, 4), "f": "007"}


def test_parse_reports_each_duplicate_key_and_keeps_going() -> None:
    loaded = parse_yaml(b"a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n", "e.yaml")
    assert [(d.code, d.location.line, d.location.column) for d in loaded.diagnostics] == [
        ("duplicate-key", 3, 1), ("duplicate-key", 6, 3)]
    assert loaded.data is not None


def test_parse_allows_small_anchors_and_aliases() -> None:
    loaded = parse_yaml(b"a: &x [1, 2]\nb: *x\n", "e.yaml")
    assert loaded.diagnostics == [] and loaded.data == {"a": [1, 2], "b": [1, 2]}


def test_parse_refuses_every_non_plain_tag() -> None:
    for text in ("a: !!python/name:os.system\n", "a: !custom 1\n", "!!python/object:object {}\n", "a: !!set {x}\n"):
        loaded = parse_yaml(text.encode(), "e.yaml")
        assert loaded.fatal and [d.code for d in loaded.diagnostics] == ["unsupported-tag"], text


def test_parse_accepts_explicit_plain_tags() -> None:
    assert parse_yaml(b"a: !!str 12\n", "e.yaml").data == {"a": "12"}


def test_parse_limits_nesting_depth() -> None:
    assert not parse_yaml(b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1), "e.yaml").fatal
    assert [d.code for d in parse_yaml(b"[" * 10_000, "e.yaml").diagnostics] == ["too-deep"]


def test_parse_reports_a_value_yaml_cannot_construct() -> None:
    loaded = parse_yaml(b"a: 2024-13-45\n", "e.yaml")
    assert [(d.code, d.location.line, d.location.column) for d in loaded.diagnostics] == [("yaml-syntax", 1, 4)]


def test_parse_skips_a_byte_order_mark() -> None:
    assert parse_yaml("\ufeffid: x\n".encode(), "e.yaml").data == {"id": "x"}


def test_read_reports_a_missing_file_as_a_diagnostic(tmp_path: Path) -> None:
    loaded = read_yaml_file(str(tmp_path / "absent.yaml"), "absent.yaml")
    assert [d.code for d in loaded.diagnostics] == ["unreadable"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_parse_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    loaded = parse_yaml(raw, "fuzz.yaml")
    assert loaded.fatal == (loaded.data is None)
    assert all(d.location.line >= 1 and d.location.column >= 1 for d in loaded.diagnostics)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!#|>'\"\n\t %@`?") + ["\u00e9", "\ufeff"]), max_size=120))
def test_parse_never_raises_on_yaml_punctuation(text: str) -> None:
    loaded = parse_yaml(text.encode(), "fuzz.yaml")
    assert loaded.fatal == (loaded.data is None)
    assert all(1 <= d.location.line <= text.count("\n") + 2 for d in loaded.diagnostics)


# --- the library API keeps locations ------------------------------------------------------------------------

def test_load_knowledge_base_keeps_the_location_of_every_value(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    knowledge_base = load_knowledge_base(kb.root)
    entry = knowledge_base.entry("ada-example-pim24")
    assert entry is not None
    unit = entry.locate("metrics", 0, "unit")
    assert Path(unit.path).name == "ada-example-pim24.yaml"
    assert (unit.line, unit.column) == (line_of(VALID_ENTRY, "unit: x"), 11)
    second = entry.locate("metrics", 1, "unit")
    assert second.line == line_of(VALID_ENTRY, "unit: GOPS/mW")
    assert entry.locate("people", 1, "name").line == line_of(VALID_ENTRY, "Bo Sample")
    assert entry.locate("title").line == line_of(VALID_ENTRY, "title:")


def test_load_knowledge_base_gives_typed_entries_and_the_taxonomy(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    knowledge_base = load_knowledge_base(kb.root)
    assert knowledge_base.taxonomy is not None
    [entry] = knowledge_base.entries
    assert entry.metrics[1].value == 12 and entry.metrics[1].unit == "GOPS/mW"
    assert entry.people[0].orcid == "0000-0002-1825-0097"
    assert knowledge_base.taxonomy["memory"].resolve(entry.memory[0]).label == "HBM3"  # type: ignore[union-attr]
