"""Figures with matplotlib (imported lazily, no pyplot state): the trend figures, cached by their inputs' hash.

Identical views give byte-identical PDFs: no creation date, a fixed hash salt, fixed sizes and sorted data.
Captions are plain text; the renderer escapes them and cites the entry ids listed with each figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from survey.derive.figure_style import Figure

if TYPE_CHECKING:
    from survey.derive.figure_fonts import FontSource
    from survey.derive.trends import Trends
    from survey.report.diagnostics import Diagnostic

__all__ = ["Figure", "FigurePlan", "plan_figures", "write_figures"]


@dataclass(frozen=True)
class FigurePlan:
    """The figures of a build, known before any is drawn, and how to draw them (None when they were copied from
    the cache), so that the LaTeX can be written, and TeX started, while they are drawn; with the warnings of
    finding their font."""

    figures: list[Figure]
    draw: Callable[[], None] | None
    warnings: list[Diagnostic]


def plan_figures(trends: Trends, folder: Path, cache: Path | None = None, venue: str | None = None) -> FigurePlan:
    """Every trend figure that has data, in a fixed order, for `folder` (created when missing).

    With a `venue` ('todaes', 'tcad') the figures are drawn in its body font at its sizes (see figure_fonts and
    figure_style.venue_style); when the TeX installation lacks that font they are drawn in DejaVu Sans, with a
    warning. Figures are a deterministic function of the trends, the font, the figure modules and matplotlib's
    version, so with a `cache` folder the figures of identical inputs are copied from an earlier build instead of
    drawn again (drawing and embedding fonts takes most of a second); drawing them stores them there, and the
    converted font is kept beside it, in `cache`'s sibling folder 'fonts'.
    """
    import dataclasses

    from survey.derive.figure_fonts import figure_font, find_body_font
    from survey.derive.figure_style import SITE_STYLE, draw_planned, venue_style
    from survey.derive.trends import plan_trend_figures

    folder.mkdir(parents=True, exist_ok=True)
    source, problems = find_body_font(venue) if venue is not None else (None, [])
    stored = cache / _figures_key(trends, venue, source) if cache is not None else None
    if stored is not None and (remembered := _remembered_figures(stored, folder)) is not None:
        return FigurePlan(remembered, None, problems)
    layout = venue_style(venue, "") if venue is not None else SITE_STYLE  # the family is known once converted
    planned = plan_trend_figures(trends, "pdf", layout)
    figures = [p.figure for p in planned]

    def draw() -> None:
        with figure_font(source, cache.parent / "fonts" if cache is not None else None) as font:
            draw_planned(planned, folder, "pdf", dataclasses.replace(layout, family=font.family))
        if stored is not None:
            _remember_figures(stored, folder, figures)

    return FigurePlan(figures, draw, problems)


def write_figures(trends: Trends, folder: Path, cache: Path | None = None, venue: str | None = None,
                  warnings: list[Diagnostic] | None = None) -> list[Figure]:
    """Write every trend figure that has data into `folder` (see plan_figures); the font's warnings are appended
    to `warnings`."""
    plan = plan_figures(trends, folder, cache, venue)
    if warnings is not None:
        warnings.extend(plan.warnings)
    if plan.draw is not None:
        plan.draw()
    return plan.figures


_FIGURE_SETS_KEPT = 8  # figure sets of the latest inputs kept in the cache (both venues, a few edits back)


def _figures_key(trends: Trends, venue: str | None, font: FontSource | None) -> str:
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256()
    for module in ("plots.py", "trends.py", "figure_style.py", "figure_fonts.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    digest.update(f"{venue}\0{font.key if font is not None else 'DejaVu Sans'}\0".encode())
    digest.update(version("matplotlib").encode() + b"\0" + repr(trends).encode())
    return digest.hexdigest()[:32]


def _remembered_figures(stored: Path, folder: Path) -> list[Figure] | None:
    """The figures of an earlier build with the same inputs, copied into `folder`; None unless all are as written.

    Nothing in the cache is trusted beyond its shape: a listing that is not the one survey writes, a file name
    that leaves the cache entry, or a link in place of a file means drawing the figures again.
    """
    import json

    from survey.files.repository_paths import read_cache_file

    if stored.is_symlink():
        return None
    try:
        listed = json.loads(read_cache_file(stored / "figures.json"))
        figures = [_figure_from_cache(item) for item in listed] if isinstance(listed, list) else None
        if not figures or any(figure is None for figure in figures):
            return None
        copies = {figure.file_name: read_cache_file(stored / figure.file_name) for figure in figures if figure}
    except (OSError, ValueError):
        return None
    for name, data in copies.items():
        (folder / name).write_bytes(data)
    return [figure for figure in figures if figure is not None]


def _figure_from_cache(item: object) -> Figure | None:
    """A Figure from its cached fields, or None when they are not what survey writes."""
    types: dict[str, type | tuple[type, ...]] = {"name": str, "file_name": str, "caption": str, "entry_ids": list, "width_in": (int, float),
             "height_in": (int, float), "wide": bool, "page": int}
    if not isinstance(item, dict) or set(item) != set(types):
        return None
    if not all(isinstance(item[key], kind) for key, kind in types.items()):
        return None
    if not all(isinstance(e, str) for e in item["entry_ids"]) or Path(item["file_name"]).name != item["file_name"]:
        return None
    if isinstance(item["page"], bool) or item["page"] < 1:
        return None
    if item["file_name"] in ("", ".", "..", "figures.json"):
        return None
    return Figure(**item)


def _remember_figures(stored: Path, folder: Path, figures: list[Figure]) -> None:
    import dataclasses
    import json
    import shutil

    from survey.files.atomic_write import write_atomically

    try:
        stored.mkdir(parents=True, exist_ok=True)
        for name in sorted({figure.file_name for figure in figures}):  # atomically: another build may be reading
            write_atomically(stored / name, (folder / name).read_bytes())
        write_atomically(stored / "figures.json", json.dumps([dataclasses.asdict(f) for f in figures]))
        older = sorted((p for p in stored.parent.iterdir() if p != stored), key=lambda p: p.lstat().st_mtime)
        for old in older[:-_FIGURE_SETS_KEPT + 1]:
            if old.is_symlink() or not old.is_dir():
                old.unlink(missing_ok=True)  # only the link goes, never what it names
            else:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # no cache: the next build draws them again
