"""The LaTeX escaper: any text prints as itself, markup prints literally, unsupported scripts degrade."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fuzz.tex import typeset
from survey.render.latex_escape import (
    Charset,
    Escaper,
    Raw,
    citekey,
    detect_charset,
    email,
    fallback_charset,
    orcid,
    url,
)

HAVE_TEX = shutil.which("pdflatex") is not None and shutil.which("pdftotext") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="pdflatex and pdftotext are needed")

# Escape sequences the escaper may emit; anything else starting with a backslash would be a leak.

@pytest.fixture(scope="module")
def charset() -> Charset:
    return detect_charset() if HAVE_TEX else fallback_charset()


def expected_print(text: str) -> str:
    """What a reader should see: NFKC text (pdftotext splits ligatures), controls dropped, whitespace runs as one
    space."""
    value = unicodedata.normalize("NFKC", text)
    value = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") or c.isspace())
    return " ".join(value.replace("\u00a0", " ").split())


def test_escape_turns_input_command_into_literal_text(charset: Charset) -> None:
    assert Escaper(charset)(r"\input{/etc/passwd}") == r"\textbackslash{}input\{/etc/passwd\}"


def test_escape_turns_write18_into_literal_text(charset: Charset) -> None:
    assert Escaper(charset)(r"\immediate\write18{touch x}") == r"\textbackslash{}immediate\textbackslash{}write18\{touch x\}"


def test_escape_keeps_dashes_and_breaks_ligatures(charset: Charset) -> None:
    assert Escaper(charset)("a-b -- c") == "a-b -{}- c"


def test_escape_collapses_blank_lines_that_would_start_a_paragraph(charset: Charset) -> None:
    assert Escaper(charset)("a\n\n b\t") == "a b"


def test_escape_does_not_escape_raw_twice(charset: Charset) -> None:
    escaper = Escaper(charset)
    assert escaper(escaper("100%")) == r"100\%"


def test_escape_folds_vietnamese_with_a_warning() -> None:
    escaper = Escaper(fallback_charset())
    assert escaper("Ngô Bảo Châu") == "Ngô Bao Châu"
    assert any("U+1EA3" in w for w in escaper.warnings())


def test_escape_replaces_korean_by_a_visible_mark_with_a_warning(charset: Charset) -> None:
    escaper = Escaper(charset)
    assert escaper("김") == r"\textsuperscript{?}"
    assert escaper.warnings() == ["cannot typeset '김' (U+AE40) with pdflatex; printed '?' instead"]


def test_escape_wraps_chinese_for_cjkutf8_only_when_installed() -> None:
    assert Escaper(Charset(frozenset(), cjk=True))("朱振华 Zhu") == r"\cjktext{朱振华} Zhu"
    assert Escaper(Charset(frozenset(), cjk=False))("朱") == r"\textsuperscript{?}"


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_escape_output_has_no_markup_of_its_own_for_any_text(text: str) -> None:
    from fuzz.targets import require_plain_escape  # the fuzzer's rule: only the escaper's own commands

    require_plain_escape(text, Escaper(fallback_charset())(text))


# Text near the fast path's edge: its characters, the ligature pairs, the specials and long runs.
_NEAR_PLAIN = st.lists(st.sampled_from(list("aZ09 \t\n\r.,;:()/+=*@!?-") + ["--", ",,", "&", "\u00a0", "é", "x" * 31])
                       ).map("".join)


@settings(max_examples=600, deadline=None)
@given(_NEAR_PLAIN)
def test_the_fast_path_prints_what_escaping_each_character_prints(text: str) -> None:
    assert Escaper(fallback_charset())(text) == Escaper(fallback_charset()).escape_each(text)


def test_plain_text_collapses_whitespace_and_the_dashes_and_runs_still_go_the_long_way() -> None:
    escaper = Escaper(fallback_charset())
    assert escaper("  Up to 2.81x (GPT-3,\n batch 8)  ") == "Up to 2.81x (GPT-3, batch 8)"
    assert escaper("2--4") == "2-{}-4"
    assert "\\-" in escaper("a" * 40)


def test_identifiers_are_validated_not_escaped() -> None:
    assert orcid("0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert orcid("0000-0002-1825") is None
    assert email("ada_example@example.org") == r"ada\_example@example.org"
    assert email("not an address") is None
    assert url("https://example.org/a%20b#x") == r"https://example.org/a\%20b\#x"
    assert url("https://example.org/\\input") is None
    assert isinstance(citekey("attacc-asplos24"), Raw)
    with pytest.raises(ValueError):
        citekey("a b")


# --- real TeX ------------------------------------------------------------------------------------------------

def compile_and_read(samples: list[str], charset: Charset, tmp: Path) -> list[str]:
    """Typeset each sample between markers with pdflatex; return what pdftotext reads between them."""
    result = typeset(samples, charset, tmp)
    assert result.compiled, result.log
    assert None not in result.printed, "a sample is missing from the PDF"
    return [seen or "" for seen in result.printed]


# TeX builds these from a letter and an accent below (or a dotless i): they look right, but pdftotext reads
# the pieces back, so the round trip cannot be checked by text; they are checked by compiling below.
_BUILT_BELOW = {"\u0323", "\u0326", "\u0327", "\u0328"}
_SAME_GLYPH = set("Đ‐‑‒―¼½¾¹²³")  # glyphs of Ð - - – —; fractions read back as "1 4", raised digits get a space


def _round_trips(char: str) -> bool:
    parts = unicodedata.normalize("NFKD", char)
    return not (_BUILT_BELOW & set(parts) or (len(parts) > 1 and parts[0] in "ij") or char in _SAME_GLYPH)


def _alphabet(charset: Charset) -> st.SearchStrategy[str]:
    latin = sorted(chr(c) for c in charset.code_points
                   if unicodedata.category(chr(c))[0] in "LNPS" and _round_trips(chr(c)))
    parts = [st.characters(min_codepoint=32, max_codepoint=126), st.sampled_from(latin), st.sampled_from(" \n\t\u00a0")]
    if charset.cjk:
        parts.append(st.sampled_from("朱振华田中博李明王芳ひらがなカタカナ"))
    return st.one_of(*parts)


@needs_tex
@settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_typesettable_text_prints_as_itself_in_real_pdflatex(data: st.DataObject, tmp_path_factory:
                                                                  pytest.TempPathFactory) -> None:
    charset = detect_charset()
    samples = data.draw(st.lists(st.text(_alphabet(charset), min_size=1, max_size=24), min_size=30, max_size=30))
    printed = compile_and_read(samples, charset, tmp_path_factory.mktemp("escape"))
    for sample, seen in zip(samples, printed):
        assert seen == expected_print(sample), f"{sample!r} printed as {seen!r}"


@needs_tex
def test_markup_and_foreign_scripts_print_literally_or_degrade_without_failing(tmp_path: Path) -> None:
    charset = detect_charset()
    samples = [r"\input{/etc/passwd}", r"\immediate\write18{touch x}", "Müller, Łukasz, Gómez-Luna, van der Berg",
               "100% & $x_1$ #7 ~^ {b} <a|b> \"q\" 'it's' `x` -- --- ,, !` ?`", "Ngô Bảo Châu 김민준"]
    printed = compile_and_read(samples, charset, tmp_path)
    assert printed[:4] == [expected_print(s) for s in samples[:4]]
    assert printed[4].startswith("Ngô Bao Châu")
    assert not (tmp_path / "x").exists()


def test_a_very_long_word_gets_break_points_and_a_word_of_usual_length_none() -> None:
    escape = Escaper(fallback_charset())
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2  # 90 letters: TeX hyphenates none of it
    out = str(escape(f"see {long_word} here"))
    assert out.count("\\-") == 4 and out.replace("\\-", "") == f"see {long_word} here"
    assert "\\-" not in str(escape("Pneumonoultramicroscopicsilico and 10.1109/HPCA61900.2025.00113"))
