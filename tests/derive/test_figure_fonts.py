"""Figure fonts: each venue's figures are drawn in its body font, embedded as TrueType, the same bytes every time;
without the font in the TeX installation the figures fall back to DejaVu Sans with a warning."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from survey.derive.figure_fonts import BODY_FONTS, find_body_font, truetype_from_opentype
from survey.derive.plots import write_figures
from survey.derive.trends import Trends, build_trends
from survey.load.knowledge_base import load_knowledge_base
from survey.report.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parents[2]
HAVE_FONTS = bool(shutil.which("kpsewhich") and shutil.which("pdffonts")) and \
    all(find_body_font(venue)[0] is not None for venue in BODY_FONTS)
needs_fonts = pytest.mark.skipif(not HAVE_FONTS, reason="kpsewhich, pdffonts and the TeX body fonts are needed")
BODY_FONT_NAMES = {"todaes": "LibertinusSerif-Regular", "tcad": "TeXGyreTermesX-Regular"}


@pytest.fixture(scope="module")
def trends() -> Trends:
    kb = load_knowledge_base(REPO)
    assert kb.taxonomy is not None
    return build_trends(kb.taxonomy, kb.entries)


def embedded_fonts(pdf: Path) -> list[list[str]]:
    """pdffonts' rows (name, type words, encoding, emb, sub, uni, object id); pdffonts may print no error."""
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert listed.stderr == "", listed.stderr
    return [line.split() for line in listed.stdout.splitlines()[2:]]


@needs_fonts
@pytest.mark.parametrize("venue", sorted(BODY_FONTS))
def test_venue_figures_embed_only_its_body_font_as_subset_truetype(
        venue: str, trends: Trends, tmp_path: Path) -> None:
    warnings: list[Diagnostic] = []
    figures = write_figures(trends, tmp_path / "out", cache=tmp_path / "cache" / "figures", venue=venue,
                            warnings=warnings)
    assert figures and warnings == []
    rows = embedded_fonts(tmp_path / "out" / "trends.pdf")
    assert rows
    for row in rows:
        name, kind = row[0], " ".join(row[1:-6])
        assert name.split("+", 1) == [name.split("+")[0], BODY_FONT_NAMES[venue]] and len(name.split("+")[0]) == 6
        assert kind == "CID TrueType" and row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, unicode
    rendered = subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "out" / "trends.pdf"),
                               str(tmp_path / "page")], capture_output=True, text=True, check=True)
    assert rendered.stderr == ""


@needs_fonts
@pytest.mark.parametrize("venue", sorted(BODY_FONTS))
def test_venue_figures_are_byte_identical_across_cold_builds(venue: str, tmp_path: Path) -> None:
    # each run in a process of its own with an empty cache: the font is converted and the figures drawn twice
    script = ("import sys; from pathlib import Path; from survey.derive.plots import write_figures; "
              "from survey.derive.trends import build_trends; "
              "from survey.load.knowledge_base import load_knowledge_base; "
              f"kb = load_knowledge_base(Path({str(REPO)!r})); "
              "write_figures(build_trends(kb.taxonomy, kb.entries), Path(sys.argv[1]) / 'out', "
              f"cache=Path(sys.argv[1]) / 'cache' / 'figures', venue={venue!r})")
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True)
    assert (tmp_path / "a" / "out" / "trends.pdf").read_bytes() == (tmp_path / "b" / "out" / "trends.pdf").read_bytes()
    fonts = [sorted((tmp_path / run / "cache" / "fonts").glob("*.ttf")) for run in ("a", "b")]
    assert len(fonts[0]) == 1 and [p.name for p in fonts[0]] == [p.name for p in fonts[1]]
    assert fonts[0][0].read_bytes() == fonts[1][0].read_bytes()


@needs_fonts
@pytest.mark.parametrize("venue", sorted(BODY_FONTS))
def test_converted_font_has_truetype_outlines_for_every_latin_letter(venue: str) -> None:
    import io

    from fontTools.ttLib import TTFont

    source, _ = find_body_font(venue)
    assert source is not None
    font = TTFont(io.BytesIO(truetype_from_opentype(source.path)))
    assert font.sfntVersion == "\0\1\0\0" and "glyf" in font and "CFF " not in font
    cmap = font.getBestCmap()
    for char in "AZaz09éłœ–—’×µ":
        glyph = font["glyf"][cmap[ord(char)]]
        assert glyph.numberOfContours > 0, char  # drawn, not an empty box
    assert font["name"].getDebugName(6) == BODY_FONT_NAMES[venue]


@needs_fonts
def test_a_damaged_cached_font_is_converted_again(trends: Trends, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "figures"
    write_figures(trends, tmp_path / "first", cache=cache, venue="tcad")
    (font,) = (tmp_path / "cache" / "fonts").glob("*.ttf")
    good = font.read_bytes()
    font.write_bytes(b"not a font")
    shutil.rmtree(cache)  # the figures must be drawn again, with the damaged font in the cache
    script = ("import sys; from pathlib import Path; from survey.derive.plots import write_figures; "
              "from survey.derive.trends import build_trends; "
              "from survey.load.knowledge_base import load_knowledge_base; "
              f"kb = load_knowledge_base(Path({str(REPO)!r})); "
              "write_figures(build_trends(kb.taxonomy, kb.entries), Path(sys.argv[1]), cache=Path(sys.argv[2]), "
              "venue='tcad')")
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "second"), str(cache)], check=True)  # a later build
    assert font.read_bytes() == good
    assert (tmp_path / "second" / "trends.pdf").read_bytes() == (tmp_path / "first" / "trends.pdf").read_bytes()


@needs_fonts
def test_each_venue_has_figures_of_its_own_in_the_cache(trends: Trends, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "figures"
    write_figures(trends, tmp_path / "todaes", cache=cache, venue="todaes")
    write_figures(trends, tmp_path / "tcad", cache=cache, venue="tcad")
    assert len(list(cache.iterdir())) == 2
    assert embedded_fonts(tmp_path / "tcad" / "trends.pdf")[0][0].endswith("+TeXGyreTermesX-Regular")


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="pdffonts is needed")
def test_without_the_body_font_the_figures_are_in_dejavu_sans_with_a_warning(
        trends: Trends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "texmf").mkdir()
    monkeypatch.setenv("TEXMF", str(tmp_path / "texmf"))  # kpsewhich then searches an empty TeX tree
    warnings: list[Diagnostic] = []
    figures = write_figures(trends, tmp_path / "out", cache=tmp_path / "cache" / "figures", venue="todaes",
                            warnings=warnings)
    assert figures
    assert [(w.code, w.is_error) for w in warnings] == [("figure-font-missing", False)]
    assert "LibertinusSerif-Regular.otf" in warnings[0].message and "DejaVu Sans" in warnings[0].message
    rows = embedded_fonts(tmp_path / "out" / "trends.pdf")
    assert rows and all(row[0].endswith("+DejaVuSans") and "TrueType" in row for row in rows), rows
    again: list[Diagnostic] = []  # figures from the cache: the warning is given again
    write_figures(trends, tmp_path / "again", cache=tmp_path / "cache" / "figures", venue="todaes", warnings=again)
    assert again == warnings
