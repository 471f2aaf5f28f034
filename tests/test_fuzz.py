"""Fuzz properties with small budgets (fuzz/run.py runs the same targets for minutes): hostile input to the loader,
checker, query language and BibTeX import gets located diagnostics or located errors, never a traceback, and
escaped text always compiles and prints as itself."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(REPO))  # the fuzz package sits beside survey/, as fuzz/run.py expects

from fuzz import inputs, tex
from fuzz.run import write_reproducer
from fuzz.targets import (
    TARGET_NAMES,
    BibImportTarget,
    Broken,
    CheckTarget,
    EscapeTarget,
    FmtTarget,
    PathsTarget,
    QueryTarget,
    Sample,
    TerminalTarget,
    YamlTarget,
    line_count,
)
from survey.check.rules import check
from survey.contribute.bibimport import read_bibtex
from survey.load.yamlsource import parse_yaml
from survey.query.evaluate import select
from survey.query.syntax import QueryError
from survey.render.latex_escape import Charset, Escaper, detect_charset, fallback_charset

needs_tex = pytest.mark.skipif(not tex.HAVE_TEX, reason="pdflatex and pdftotext are needed")
randoms = st.randoms(use_true_random=False)
QUICK = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def yaml_target() -> YamlTarget:
    return YamlTarget()


@pytest.fixture(scope="module")
def check_target(tmp_path_factory: pytest.TempPathFactory) -> CheckTarget:
    """A copy of the real knowledge base (checked clean when made); each case mutates entries and restores them."""
    target = CheckTarget(tmp_path_factory.mktemp("check"))
    target.cli_every = 0  # the CLI has its own test
    return target


@pytest.fixture(scope="module")
def query_target() -> QueryTarget:
    return QueryTarget()


@pytest.fixture(scope="module")
def bibimport_target(tmp_path_factory: pytest.TempPathFactory) -> BibImportTarget:
    return BibImportTarget(tmp_path_factory.mktemp("bibimport"))


# --- yaml ---------------------------------------------------------------------------------------------------------

@settings(QUICK, max_examples=150)
@given(rng=randoms)
def test_parse_yaml_never_raises_and_locates_every_diagnostic_on_mutated_real_entries(
        yaml_target: YamlTarget, rng: random.Random) -> None:
    text = rng.choice(yaml_target.entries)
    yaml_target.run(Sample(inputs.mutate_entry(rng, text).data))


@settings(QUICK, max_examples=150)
@given(rng=randoms)
def test_parse_yaml_never_raises_on_tags_anchors_deep_nesting_and_broken_encodings(
        yaml_target: YamlTarget, rng: random.Random) -> None:
    yaml_target.run(yaml_target.generate(rng))


@pytest.mark.parametrize("raw", [b"~\n", b"null\n", b"--- ~\n", b"!!null ''\n", b"&a ~\n"])
def test_parse_yaml_reports_a_document_that_holds_only_null(raw: bytes) -> None:
    loaded = parse_yaml(raw, "entries/x.yaml")
    assert loaded.fatal
    assert [(d.code, d.location.path, d.location.line) for d in loaded.diagnostics] == [("empty-file",
                                                                                          "entries/x.yaml", 1)]


@pytest.mark.parametrize("raw", [b"year: !!float ''\n", b"year: !!int ''\n", b"year: !!timestamp on\n",
                                 b"year: !!bool maybe\n"])
def test_parse_yaml_reports_a_value_its_explicit_tag_does_not_fit_at_the_value(raw: bytes) -> None:
    loaded = parse_yaml(raw, "entries/x.yaml")
    assert [(d.code, d.location.line, d.location.column) for d in loaded.diagnostics] == [("yaml-syntax", 1, 7)]


def test_parse_yaml_locates_a_character_yaml_does_not_allow_where_it_is() -> None:
    loaded = parse_yaml("id: x\ntitle: \"Caf\u00e9 \U0001f600 \x84\"\n".encode(), "entries/x.yaml")
    [found] = loaded.diagnostics
    assert (found.code, found.location.line, found.location.column) == ("yaml-syntax", 2, 16)
    assert found.message == "character U+0084 is not allowed in YAML"
    assert "\\x84" in (found.hint or "")


# --- check --------------------------------------------------------------------------------------------------------

@settings(QUICK, max_examples=25)
@given(rng=randoms)
def test_check_never_raises_and_locates_every_diagnostic_on_mutated_real_entries(
        check_target: CheckTarget, rng: random.Random) -> None:
    check_target.run(check_target.generate(rng))


@settings(QUICK, max_examples=2)
@given(rng=randoms)
def test_check_cli_exits_0_or_1_with_json_that_agrees_with_the_library_on_mutated_real_entries(
        check_target: CheckTarget, rng: random.Random) -> None:
    check_target.cli_every = 1
    try:
        check_target.run(check_target.generate(rng))
    finally:
        check_target.cli_every = 0


def test_check_of_mutations_restores_a_clean_knowledge_base(check_target: CheckTarget) -> None:
    check_target.run(check_target.generate(random.Random(7)))
    assert check(check_target.root).diagnostics == []


def test_check_reports_an_entry_that_holds_only_null_instead_of_skipping_it(kb: KnowledgeBaseFolder) -> None:
    kb.write("nothing.yaml", "# an entry still to be written\n~\n")
    found = kb.check().only("empty-file")
    assert (found["path"], found["line"]) == ("entries/nothing.yaml", 2)


def test_check_keeps_each_problem_on_one_line_when_a_value_holds_line_breaks(kb: KnowledgeBaseFolder) -> None:
    entry = VALID_ENTRY.replace("memory: [hbm3]", 'memory: ["hbm9\\nsecond line"]').replace(
        "unit: x", 'unit: "x\\u2028y"', 1)
    kb.write_entry("ada-example-pim24", entry)
    run = kb.run("check")
    assert run.exit_code == 1
    assert "memory term 'hbm9\\nsecond line' is not in taxonomy.yaml" in run.output
    assert "unit 'x\\u2028y' is not a known unit" in run.output
    lines = run.output.splitlines()
    assert len(lines) == 3 and lines[-1].startswith("2 errors")


@pytest.mark.parametrize("unit", ["km^300", "TOPS/pm^200"])
def test_check_reports_a_unit_whose_scale_overflows_as_unknown_instead_of_crashing(kb: KnowledgeBaseFolder,
                                                                                   unit: str) -> None:
    kb.write_entry("ada-example-pim24", VALID_ENTRY.replace("    unit: x", f"    unit: {unit}", 1))
    assert kb.check().only("unknown-unit")["message"] == f"unit '{unit}' is not a known unit"


# --- query --------------------------------------------------------------------------------------------------------

@settings(QUICK, max_examples=200)
@given(rng=randoms)
def test_any_query_from_the_grammar_runs_or_fails_with_a_located_error_and_not_gives_the_complement(
        query_target: QueryTarget, rng: random.Random) -> None:
    query_target.run(Sample(inputs.grammar_query(rng, query_target.words)))


@settings(QUICK, max_examples=200)
@given(query=st.lists(st.sampled_from([*"ab=!<>~()[],\"' .-10*?%/", "OR ", "AND ", "NOT ", "year", "memory", "speedup",
                                       "TOPS/W", "\u00e9"]), max_size=30).map("".join))
def test_any_query_text_runs_on_the_real_corpus_or_fails_with_a_located_query_error(
        query_target: QueryTarget, query: str) -> None:
    query_target.run(Sample(query))


def test_query_with_a_unit_whose_scale_overflows_is_an_error_at_the_unit(query_target: QueryTarget) -> None:
    query = "latency<1 km^300"
    with pytest.raises(QueryError) as caught:
        select(query, query_target.index)
    assert (caught.value.code, query[caught.value.start:caught.value.end]) == ("query-unit", "km^300")


# --- bibimport ----------------------------------------------------------------------------------------------------

@settings(QUICK, max_examples=15)
@given(rng=randoms)
def test_bibtex_import_never_raises_reports_every_record_on_a_line_and_writes_entries_that_read_back(
        bibimport_target: BibImportTarget, rng: random.Random) -> None:
    bibimport_target.run(bibimport_target.generate(rng))


@settings(QUICK, max_examples=150)
@given(text=st.lists(st.sampled_from([*"@{}\"=,#%\\() \nab1", "article", "string", "title", "author", " and ", "jan",
                                      "\x84"]), max_size=60).map("".join))
def test_read_bibtex_never_raises_and_reports_each_record_on_a_line_of_the_text(text: str) -> None:
    for item in read_bibtex(text):
        assert 1 <= item.line <= line_count(text) + 1
        assert item.draft is not None or item.problem


def test_bibtex_import_drops_control_characters_so_the_written_entry_reads_back(
        bibimport_target: BibImportTarget) -> None:
    bib = "@article{ctl2024, title = {Control\x84 Characters\x7f In A Title}, author = {Exa\x9fmple, Ada}, year = 2024}"
    bibimport_target.run(Sample(bib))
    [item] = read_bibtex(bib)
    assert item.draft is not None
    assert item.draft["title"] == "Control Characters In A Title"
    assert item.draft["people"] == [{"name": "Ada Example", "role": "author"}]


def test_bibtex_import_names_the_fields_a_record_writes_twice() -> None:
    [item] = read_bibtex("@article{twice2024, title = {A}, year = 2024, title = {B}}\n")
    assert (item.line, item.key) == (1, "twice2024")
    assert item.problem == "field 'title' appears twice in the record; keep one"


# --- escape -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "escaped"), [
    ("!\u2018", "!{}\u2018"), ("?\u2018", "?{}\u2018"), ("\u2018\u2018", "\u2018{}\u2018"),
    ("\u2019\u2019", "\u2019{}\u2019"), ("\u2013-", "\u2013{}-"), ("\u2012-", "\u2012{}-"), ("\u2010-", "\u2010{}-"),
    ("-\u2010", "-{}\u2010"), ("a-b -- c", "a-b -{}- c"), (",,,", ",{},{},")])
def test_escape_keeps_characters_apart_that_a_t1_font_would_join_into_one_glyph(text: str, escaped: str) -> None:
    assert Escaper(Charset(frozenset(map(ord, "\u2010\u2012\u2013\u2018\u2019")), cjk=False))(text) == escaped


@settings(QUICK, max_examples=300)
@given(rng=randoms)
def test_escape_of_tex_hostile_text_leaves_no_markup_of_its_own(rng: random.Random) -> None:
    from fuzz.targets import require_plain_escape

    text = inputs.tex_hostile_text(rng)
    require_plain_escape(text, Escaper(fallback_charset())(text))


@pytest.fixture(scope="module")
def escape_target(tmp_path_factory: pytest.TempPathFactory) -> EscapeTarget:
    return EscapeTarget(tmp_path_factory.mktemp("escape"))


def _batch(alphabet: list[str]) -> st.SearchStrategy[list[tuple[str, bool]]]:
    typesettable = st.tuples(st.text(st.sampled_from(alphabet), min_size=1, max_size=24), st.just(True))
    anything = st.tuples(st.text(max_size=24), st.just(False))
    hostile = st.tuples(st.sampled_from(inputs._TEX_FRAGMENTS), st.just(False))
    return st.lists(st.one_of(typesettable, anything, hostile), min_size=150, max_size=150)


@needs_tex
@settings(QUICK, max_examples=2, phases=[Phase.explicit, Phase.generate])
@given(data=st.data())
def test_escaped_random_unicode_compiles_and_every_typesettable_sample_prints_as_itself(
        escape_target: EscapeTarget, data: st.DataObject) -> None:
    samples = data.draw(_batch(escape_target.alphabet))
    escape_target.run(Sample(samples, cases=len(samples)))


@needs_tex
def test_characters_a_t1_font_would_join_print_apart_in_real_pdflatex(tmp_path: Path) -> None:
    charset = detect_charset()
    samples = ["!\u2018", "?\u2018", "\u2018\u2018", "\u2019\u2019", "\u2013-", "\u2012-", "\u2010-", "\u2010\u2010"]
    printed = tex.typeset(samples, charset, tmp_path).printed
    assert printed == [tex.expected_print(s) for s in samples]


# --- the fuzz script ----------------------------------------------------------------------------------------------

def test_fuzz_script_runs_every_target_and_reports_a_case_count_for_each(tmp_path: Path) -> None:
    names = [n for n in TARGET_NAMES if tex.HAVE_TEX or n != "escape"]
    done = subprocess.run([sys.executable, str(REPO / "fuzz" / "run.py"), "--minutes", "0.05", "--seed", "1",
                           "--turn", "0.5", "--target", ",".join(names), "--failures", str(tmp_path / "failures")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = re.finditer(r"^(?P<name>[a-z]+) +(?P<cases>\d+) +(?P<failures>\d+)", done.stdout, re.MULTILINE)
    counts = {m["name"]: (int(m["cases"]), int(m["failures"])) for m in rows}
    assert sorted(counts) == sorted(names)
    assert all(cases > 0 and failures == 0 for cases, failures in counts.values()), done.stdout
    assert not (tmp_path / "failures").exists()


def test_fuzz_script_replays_one_case_from_its_seed() -> None:
    done = subprocess.run([sys.executable, str(REPO / "fuzz" / "run.py"), "--replay", "yaml:1:3"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("no failure")


def test_fuzz_reproducer_holds_the_replay_command_the_input_and_the_broken_invariant(tmp_path: Path) -> None:
    sample = Sample(b"id: \xff\n", {"input.yaml": b"id: \xff\n"}, ["flip-bytes"])
    path = write_reproducer(tmp_path, "yaml", 1, 3, sample, Broken("outside-file", "line 9 of 2"))
    text = path.read_text(encoding="utf-8")
    assert path.name == "yaml-1.txt"
    assert "replay: python3 fuzz/run.py --replay yaml:1:3" in text
    assert "outside-file: line 9 of 2" in text
    assert "b'id: \\xff\\n'" in text and "flip-bytes" in text


# --- fmt, the build's path handling, the terminal filter (issue 14) ------------------------------------------------

@pytest.fixture(scope="module")
def fmt_target(tmp_path_factory: pytest.TempPathFactory) -> FmtTarget:
    return FmtTarget(tmp_path_factory.mktemp("fmt"))


@settings(QUICK, max_examples=60)
@given(rng=randoms)
def test_fmt_never_raises_keeps_the_data_and_formats_to_itself_on_mutated_real_entries(
        fmt_target: FmtTarget, rng: random.Random) -> None:
    fmt_target.run(fmt_target.generate(rng))


@pytest.mark.parametrize("text", ["[a]: 1\nid: x\n", "!!int \u05b7\\cjktext{people&a #&a Null\n",
                                  "id: x\nk: !!float ''\n"])
def test_fmt_reports_yaml_its_libraries_cannot_construct_instead_of_crashing(kb: KnowledgeBaseFolder,
                                                                             text: str) -> None:
    path = kb.write("odd.yaml", text)
    run = kb.run("fmt", "--check")
    assert run.exit_code == 1 and "entries/odd.yaml" in run.output and "error[fmt]" in run.output, run.output
    assert "internal error" not in run.output and path.read_text(encoding="utf-8") == text


@pytest.fixture(scope="module")
def paths_target(tmp_path_factory: pytest.TempPathFactory) -> PathsTarget:
    return PathsTarget(tmp_path_factory.mktemp("paths"))


@settings(QUICK, max_examples=60)
@given(rng=randoms)
def test_planted_links_and_journals_never_change_anything_outside_and_are_refused_exactly_when_they_lead_out(
        paths_target: PathsTarget, rng: random.Random) -> None:
    paths_target.run(paths_target.generate(rng))


@pytest.fixture(scope="module")
def terminal_target(tmp_path_factory: pytest.TempPathFactory) -> TerminalTarget:
    target = TerminalTarget(tmp_path_factory.mktemp("terminal"))
    target.cli_every = 0  # tests/test_terminal.py drives the real commands
    return target


@settings(QUICK, max_examples=300)
@given(rng=randoms)
def test_the_terminal_filter_lets_nothing_active_through_and_keeps_json_meaning(
        terminal_target: TerminalTarget, rng: random.Random) -> None:
    terminal_target.run(terminal_target.generate(rng))
