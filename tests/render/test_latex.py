"""The LaTeX backend without TeX: templates escape by default, output is deterministic, venues differ right."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.check.authors import build_author_list
from survey.compile.latexmk import entry_at, read_log
from survey.derive.views import build_views
from survey.load.knowledge_base import load_knowledge_base
from survey.load.metadata import load_metadata
from survey.render.bibliography import bib_names, build_bibliography, safe_value
from survey.render.latex import VENUES, make_environment, make_table, render_document
from survey.render.latex_escape import Escaper, Raw, fallback_charset
from survey.report.diagnostics import Location

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    kb = load_knowledge_base(ROOT)
    metadata, _ = load_metadata(ROOT)
    return kb, metadata, build_views(kb), build_author_list(kb, metadata)


def render(corpus, venue: str, **changes: object) -> str:  # type: ignore[no-untyped-def]
    kb, metadata, views, authors = corpus
    if changes:
        metadata = metadata.model_copy(update=changes)
    document = render_document(views=views, authors=authors, metadata=metadata, entries=kb.entries, venue=venue,
                               templates=TEMPLATES, escaper=Escaper(fallback_charset()))
    return document.files["survey.tex"]


def test_template_values_are_escaped_without_asking(tmp_path: Path) -> None:
    (tmp_path / "t.tex.j2").write_text(r"\VAR{x} \VAR{y|join_text(' & ')} \VAR{n}")
    env = make_environment(tmp_path, Escaper(fallback_charset()))
    out = env.get_template("t.tex.j2").render(x=r"\input{/etc/passwd}", y=["a&b", Raw(r"\textbf{ok}")], n=3)
    assert out == r"\textbackslash{}input\{/etc/passwd\} a\&b & \textbf{ok} 3"


def test_template_refuses_none_rather_than_printing_it(tmp_path: Path) -> None:
    (tmp_path / "t.tex.j2").write_text(r"\VAR{x}")
    env = make_environment(tmp_path, Escaper(fallback_charset()))
    with pytest.raises(ValueError):
        env.get_template("t.tex.j2").render(x=None)


def test_title_with_tex_commands_prints_literally_in_both_venues(corpus) -> None:  # type: ignore[no-untyped-def]
    for venue in VENUES:
        text = render(corpus, venue, title=r"\immediate\write18{touch x} & 100%")
        assert r"\textbackslash{}immediate\textbackslash{}write18\{touch x\} \& 100\%" in text
        assert r"\immediate\write18" not in text


def test_generated_latex_is_byte_identical_for_identical_inputs(corpus) -> None:  # type: ignore[no-untyped-def]
    for venue in VENUES:
        assert render(corpus, venue) == render(corpus, venue)


def test_todaes_source_has_acm_journal_metadata_and_a_country_per_affiliation(corpus) -> None:  # type: ignore[no-untyped-def]
    text = render(corpus, "todaes")
    assert r"\documentclass[acmsmall,screen,review]{acmart}" in text
    assert r"\acmJournal{TODAES}" in text
    assert r"\ccsdesc[500]{Hardware~Emerging architectures}" in text
    assert r"\keywords{processing-in-memory, " in text
    assert text.count(r"\affiliation{") == text.count(r"\country{") > 0
    assert r"\authorsaddresses{" in text and r"\begin{xltabular}" in text


def test_tcad_source_uses_t1_ieee_keywords_thanks_and_never_longtable(corpus) -> None:  # type: ignore[no-untyped-def]
    text = render(corpus, "tcad")
    assert r"\documentclass[journal]{IEEEtran}" in text and r"\usepackage[T1]{fontenc}" in text
    assert r"\begin{IEEEkeywords}" in text and r"\thanks{" in text
    assert "longtable" not in text and "xltabular" not in text and r"\begin{table*}" in text


def test_every_entry_is_cited_in_the_catalogue(corpus) -> None:  # type: ignore[no-untyped-def]
    kb = corpus[0]
    text = render(corpus, "todaes")
    for entry in kb.entries:
        assert rf"\cite{{{entry.id}}}" in text


def test_generated_rows_carry_their_entry_for_error_mapping(corpus) -> None:  # type: ignore[no-untyped-def]
    lines = render(corpus, "tcad").splitlines()
    marked = [i for i, line in enumerate(lines, 1) if line.endswith("% entry: attacc-asplos24")]
    assert marked and entry_at(lines, marked[0]) == "attacc-asplos24"


def test_long_tables_are_split_into_table_star_chunks_for_ieee() -> None:
    escaper = Escaper(fallback_charset())
    rows = [([f"work {i}", "x" * 40], f"e{i}") for i in range(200)]
    table = make_table("tab:t", "T", Raw("T"), ["a", "b"], [None, 1.0], rows, VENUES["tcad"], escaper)
    assert len(table.chunks) >= 3
    assert sum(len(c) for c in table.chunks) == 200


def test_bibliography_keys_are_entry_ids_and_records_without_bibtex_are_generated(corpus) -> None:  # type: ignore[no-untyped-def]
    kb = corpus[0]
    bib = build_bibliography(kb.entries, Escaper(fallback_charset())).text
    for entry in kb.entries:
        assert f"{{{entry.id}," in bib
    talk = next(e for e in kb.entries if not e.bibtex)
    assert f"@misc{{{talk.id}," in bib


def test_bibtex_markup_other_than_formatting_is_printed_literally() -> None:
    escaper = Escaper(fallback_charset())
    assert safe_value(r"M{\"u}ller and \emph{x}", escaper) == (r"M{\"u}ller and \emph{x}", False)
    value, escaped = safe_value(r"\input{/etc/passwd}", escaper)
    assert escaped and value == r"\textbackslash{}input\{/etc/passwd\}"


def test_tex_errors_are_mapped_to_the_entry_that_generated_the_line() -> None:
    tex = ["\\begin{document}", "a & b \\\\ % entry: demo-work", "\\end{document}"]
    log = "./survey.tex:2: Undefined control sequence.\nLaTeX Warning: Float too large for page by 436.1pt on input line 2.\n"
    found = read_log(log, "survey.tex", tex, lambda i: Location(f"entries/{i}.yaml", 2, 1), Path("build"))
    assert found[0].location == Location("entries/demo-work.yaml", 2, 1)
    assert "demo-work" in found[0].message
    assert any(d.code == "tex-blocking-warning" and "Float too large" in d.message for d in found)


def test_ieee_splits_a_long_table_into_page_floats_and_sets_a_narrow_one_in_a_column(corpus) -> None:  # type: ignore[no-untyped-def]
    kb, metadata, views, authors = corpus
    document = render_document(views=views, authors=authors, metadata=metadata, entries=kb.entries, venue="tcad",
                               templates=TEMPLATES, escaper=Escaper(fallback_charset()), table_fill=0.2)
    tex = document.files["survey.tex"]
    continuations = tex.count("(continued)}")
    assert continuations > 0
    assert tex.count("\\begin{table*}[!tbp]\n\\addtocounter{table}{-1}") == continuations
    body, references = tex.split("\\bibliographystyle", 1)
    flush = "\\ifx\\@deferlist\\@empty\\ifx\\@dbldeferlist\\@empty\\else\\clearpage\\fi\\else\\clearpage\\fi"
    assert flush in body.rstrip().splitlines()[-1]  # floats still waiting are put out before the references
    assert "\\clearpage" not in body.replace(flush, "")  # the text flows on between the pages of a long table
    coverage = tex[tex.index("\\label{tab:coverage}") - 200:tex.index("\\label{tab:coverage}")]
    assert "\\begin{table}[!tbp]" in coverage  # few columns: one column of the page, placed beside the text


def test_row_height_estimate_wraps_whole_words() -> None:
    from survey.render.latex import _text_pt, _wrapped_lines

    word = _text_pt("aaaa")
    assert _wrapped_lines("aaaa bbbb cccc", 2 * word + 2) == 2  # 'aaaa bbbb' fits, 'cccc' wraps
    assert _wrapped_lines("aaaa bbbb cccc", word + 1) == 3
    assert _wrapped_lines("x" * 25, _text_pt("x" * 10)) == 3  # a word wider than the column runs over


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x17F)))
def test_bib_names_encode_only_what_is_not_ascii(text: str) -> None:
    import unicodedata

    from pylatexenc.latexencode import unicode_to_latex  # type: ignore[import-untyped]

    expected = unicode_to_latex(unicodedata.normalize("NFC", text), non_ascii_only=True,
                                replacement_latex_protection="braces-all", unknown_char_policy="keep",
                                unknown_char_warning=False)
    assert bib_names(text) == expected


def test_bib_names_brace_accents_and_leave_ascii_names_alone() -> None:
    assert bib_names("Zoë Müller") == 'Zo{\\"e} M{\\"u}ller'
    assert bib_names("Jung Ho Ahn") == "Jung Ho Ahn"
