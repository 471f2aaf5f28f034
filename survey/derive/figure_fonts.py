"""The venue's body font for the figures, as a TrueType font matplotlib can embed (`pdf.fonttype` 42).

matplotlib embeds an OpenType font with CFF outlines as a CIDFontType2 whose FontFile2 holds CFF data, which
`pdffonts` reports as broken, and Type 3 fonts are rejected by the journals' PDF checks. So the body font that
the TeX installation holds (an .otf) is converted once: its Latin characters only, the cubic CFF outlines turned
into quadratic TrueType outlines, with fixed timestamps so that the same font gives the same bytes. The result is
kept in the knowledge base's cache, named by the hash of everything it depends on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from survey.files.tex_tree import find_tex_files
from survey.report.diagnostics import Diagnostic, Location, warning

# The OpenType file of each venue's body font, as kpsewhich finds it: acmart sets Linux Libertine (Libertinus is
# its maintained fork, the same design); IEEEtran sets Times (Nimbus Roman; TeX Gyre Termes is the same design).
BODY_FONTS = {"todaes": "LibertinusSerif-Regular.otf", "tcad": "TeXGyreTermesX-Regular.otf"}
FALLBACK_FAMILY = "DejaVu Sans"  # matplotlib's own font, always there
# Printable ASCII, Latin-1, Latin Extended-A and the punctuation a label may hold: the works' names and the axes'
# words. A character outside is drawn from FALLBACK_FAMILY.
LATIN = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x180), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D,
                   0x2022, 0x2026, 0x2032, 0x2212, 0x00D7, 0x03BC])


@dataclass(frozen=True)
class FontSource:
    """The venue's body font as the TeX installation holds it."""

    path: Path
    key: str  # hash of the font's bytes and of this converter: the converted font's name, part of the figure key


@dataclass(frozen=True)
class FigureFont:
    """The font matplotlib draws a venue's figures in: `family` is registered (when `path` is set) under that name."""

    family: str
    path: Path | None  # the converted TrueType file; None for matplotlib's own DejaVu Sans


def find_body_font(venue: str, kpsewhich: str = "kpsewhich") -> tuple[FontSource | None, list[Diagnostic]]:
    """The body font of `venue` found through kpsewhich (so TEXMF and the other kpathsea variables apply), or None
    and a warning that the figures fall back to DejaVu Sans."""
    name = BODY_FONTS.get(venue)
    if name is None:
        return None, []
    found = find_tex_files(kpsewhich, name).get(name)
    try:
        data = found.read_bytes() if found is not None else None
    except OSError:
        data = None
    if found is None or data is None:
        return None, [warning(Location(f"<figures {venue}>"), "figure-font-missing",
                              f"the body font {name} is not in the TeX installation; the figures are drawn in "
                              f"{FALLBACK_FAMILY}",
                              "install the TeX fonts that scripts/setup installs (texlive-fonts-extra)")]
    digest = hashlib.sha256(data)
    digest.update(Path(__file__).read_bytes())
    from fontTools import version as fonttools_version  # type: ignore[import-untyped]

    digest.update(fonttools_version.encode())
    return FontSource(found, digest.hexdigest()[:32]), []


@contextmanager
def figure_font(source: FontSource | None, cache: Path | None) -> Iterator[FigureFont]:
    """The font to draw in while the block runs: `source` converted to TrueType (kept in `cache` when given, else
    in a temporary folder removed afterwards) and registered with matplotlib; DejaVu Sans without a source."""
    if source is None:
        yield FigureFont(FALLBACK_FAMILY, None)
        return
    import tempfile

    if cache is not None:
        path = _cached_truetype(source, cache)
        if path is not None:
            yield _registered(path, source)
            return
    with tempfile.TemporaryDirectory(prefix="survey-font-") as folder:
        path = Path(folder) / f"{source.key}.ttf"
        path.write_bytes(truetype_from_opentype(source.path))
        yield _registered(path, source)


def _cached_truetype(source: FontSource, cache: Path) -> Path | None:
    """The converted font in `cache` (converted now when missing); None when the cache cannot be written.

    A cached file is used only when it is a regular file that parses as the TrueType font this converter writes;
    anything else there is converted again."""
    from survey.files.atomic_write import write_atomically
    from survey.files.repository_paths import read_cache_file

    path = cache / f"{source.key}.ttf"
    try:
        if _is_truetype(read_cache_file(path)):
            return path
    except OSError:
        pass
    try:
        cache.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            return None
        write_atomically(path, truetype_from_opentype(source.path))
    except OSError:
        return None
    return path


def _is_truetype(data: bytes) -> bool:
    import io

    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        return font.sfntVersion == "\0\1\0\0" and "glyf" in font and "cmap" in font and bool(font.getBestCmap())
    except Exception:  # noqa: BLE001 (a damaged file may fail anywhere in fontTools' parser, not only TTLibError)
        return False


def _registered(path: Path, source: FontSource) -> FigureFont:
    """Register the converted font at `path` with matplotlib's font manager under a family of its own.

    The family name comes from the converted file, unique to its content; a registration of the same content at
    a path that no longer exists (an earlier temporary folder) is dropped first, so that matplotlib's lookup never
    answers with a deleted file."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    family = FT2Font(str(path)).family_name
    manager = font_manager.fontManager
    current = [entry for entry in manager.ttflist if entry.name == family]
    if any(Path(entry.fname) == path for entry in current):
        return FigureFont(family, path)
    manager.ttflist[:] = [entry for entry in manager.ttflist if entry.name != family]
    manager.addfont(str(path))  # also clears matplotlib's lookup cache
    return FigureFont(family, path)


def truetype_from_opentype(source: Path, characters: frozenset[int] = LATIN) -> bytes:
    """The TrueType font (quadratic outlines in `glyf`) of the OpenType-CFF font at `source`, with only the glyphs
    of `characters`, no hinting and no layout tables; the same input gives the same bytes."""
    import io

    from fontTools.fontBuilder import FontBuilder  # type: ignore[import-untyped]
    from fontTools.pens.cu2quPen import Cu2QuPen  # type: ignore[import-untyped]
    from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(source, lazy=True)
    cmap = {code: glyph for code, glyph in font.getBestCmap().items() if code in characters}
    order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=font.getGlyphID)]
    outlines = font.getGlyphSet()
    advance = font["hmtx"]
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # 1 font unit of error; CFF runs counter-clockwise, TrueType clockwise
        outlines[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    names = font["name"]
    family = names.getDebugName(16) or names.getDebugName(1) or source.stem
    os2, hhea, post = font["OS/2"], font["hhea"], font["post"]
    built = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    built.setupGlyphOrder(order)
    built.setupCharacterMap(cmap)
    built.setupGlyf(glyphs)
    built.setupHorizontalMetrics({name: (advance[name][0], getattr(glyphs[name], "xMin", 0)) for name in order})
    built.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
    built.setupNameTable({
        # a family of its own, so that an installed copy of the .otf is never picked in its place
        "familyName": f"{family} survey {digest}",
        "styleName": names.getDebugName(2) or "Regular",
        "psName": names.getDebugName(6) or source.stem,  # what the PDF's font name shows
        "copyright": names.getDebugName(0) or "",
        "licenseDescription": names.getDebugName(13) or "",
        "licenseInfoURL": names.getDebugName(14) or "",
    })
    built.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                   sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                   fsType=os2.fsType, usWeightClass=os2.usWeightClass, achVendID=os2.achVendID,
                   sxHeight=getattr(os2, "sxHeight", 0), sCapHeight=getattr(os2, "sCapHeight", 0))
    built.setupPost(isFixedPitch=post.isFixedPitch, underlinePosition=post.underlinePosition,
                    underlineThickness=post.underlineThickness)
    # the source font's own timestamps, not the time of conversion: the same input gives the same bytes
    built.font["head"].created, built.font["head"].modified = font["head"].created, font["head"].modified
    built.font.recalcTimestamp = False
    written = io.BytesIO()
    built.save(written)
    return written.getvalue()
