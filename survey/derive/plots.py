"""Figures with matplotlib (imported lazily, no pyplot state): PDF files written deterministically.

Identical views give byte-identical PDFs: no creation date, a fixed hash salt, fixed sizes and sorted data.
Captions are plain text; the renderer escapes them and cites the entry ids listed with each figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey.derive.evidence import MEASURED, SIMULATED, UNSTATED
from survey.derive.figure_style import (  # noqa: F401 (Figure is this module's face too)
    _EVIDENCE_LABELS,
    _HATCHES,
    _MARKERS,
    _METADATA,
    _NOT_STATED,
    _RC,
    _SEVERAL,
    _WIDTH_IN,
    Figure,
    _plain_log_ticks,
    _save,
)

if TYPE_CHECKING:
    from survey.derive.metric_tables import MetricRow
    from survey.derive.trends import Trends
    from survey.derive.views import SurveyViews

SPEEDUP_FIGURE = "speedup-by-architecture.pdf"
EFFICIENCY_FIGURE = "efficiency-vs-precision.pdf"



def write_figures(views: SurveyViews, folder: Path, cache: Path | None = None,
                  trends: Trends | None = None) -> list[Figure]:
    """Write every figure that has data into `folder` (created when missing); in a fixed order.

    Figures are a deterministic function of the views, this module and matplotlib's version, so with a `cache`
    folder the figures of identical inputs are copied from an earlier build instead of drawn again (drawing
    and embedding fonts takes most of a second).
    """
    folder.mkdir(parents=True, exist_ok=True)
    stored = cache / _figures_key(views, trends) if cache is not None else None
    if stored is not None and (remembered := _remembered_figures(stored, folder)) is not None:
        return remembered
    if trends is not None:
        from survey.derive.trends import write_trend_figures

        figures = write_trend_figures(trends, folder)
    else:
        figures = [f for f in (speedup_figure(views, folder), efficiency_figure(views, folder)) if f is not None]
    if stored is not None:
        _remember_figures(stored, folder, figures)
    return figures


_FIGURE_SETS_KEPT = 8  # figure sets of the latest inputs kept in the cache (both venues, a few edits back)


def _figures_key(views: SurveyViews, trends: Trends | None = None) -> str:
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(Path(__file__).read_bytes() + (Path(__file__).parent / "trends.py").read_bytes())
    digest.update(version("matplotlib").encode() + b"\0" + repr(views).encode() + repr(trends).encode())
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
             "height_in": (int, float), "wide": bool}
    if not isinstance(item, dict) or set(item) != set(types):
        return None
    if not all(isinstance(item[key], kind) for key, kind in types.items()):
        return None
    if not all(isinstance(e, str) for e in item["entry_ids"]) or Path(item["file_name"]).name != item["file_name"]:
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
        for figure in figures:  # atomically: another build may be reading this cache at the same time
            write_atomically(stored / figure.file_name, (folder / figure.file_name).read_bytes())
        write_atomically(stored / "figures.json", json.dumps([dataclasses.asdict(f) for f in figures]))
        older = sorted((p for p in stored.parent.iterdir() if p != stored), key=lambda p: p.lstat().st_mtime)
        for old in older[:-_FIGURE_SETS_KEPT + 1]:
            if old.is_symlink() or not old.is_dir():
                old.unlink(missing_ok=True)  # only the link goes, never what it names
            else:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # no cache: the next build draws them again


# --- speedup over baseline, per work, grouped by architecture kind, coloured by memory technology


@dataclass(frozen=True)
class _Bar:
    entry_id: str
    group: str
    memory: str
    evidence: str
    value: float  # the bar's height (the low end of a range)
    high: float


def _best_speedups(views: SurveyViews) -> list[MetricRow]:
    table = views.metric_table("speedup")
    if table is None:
        return []
    best: dict[str, MetricRow] = {}
    for row in table.rows:
        if row.high is None or row.high <= 0:
            continue
        current = best.get(row.entry_id)
        if current is None or (row.high, -row.metric_index) > (current.high or 0, -current.metric_index):
            best[row.entry_id] = row
    return [best[k] for k in sorted(best)]


def _speedup_bars(views: SurveyViews) -> list[_Bar]:
    kinds = list(views.labels.get("architecture", {}))
    bars = []
    for row in _best_speedups(views):
        catalogue = views.catalogue_row(row.entry_id)
        entry_kinds = catalogue.architecture_kinds if catalogue else []
        # a work of several kinds is drawn once, under the last of its kinds in taxonomy order (Hybrid when it is)
        group = max(entry_kinds, key=kinds.index) if entry_kinds else _NOT_STATED
        families = catalogue.memory_families if catalogue else []
        memory = families[0] if len(families) == 1 else (_SEVERAL if families else _NOT_STATED)
        bars.append(_Bar(row.entry_id, group, memory, row.evidence, row.low or row.high or 0.0, row.high or 0.0))
    order = {k: i for i, k in enumerate(kinds + [_NOT_STATED])}
    return sorted(bars, key=lambda b: (order.get(b.group, len(order)), -b.high, b.entry_id))


def _memory_colours(views: SurveyViews, memories: list[str]) -> dict[str, Any]:
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    taxonomy_order = list(views.labels.get("memory", {}))
    specific = sorted((m for m in set(memories) if m not in (_SEVERAL, _NOT_STATED)),
                      key=lambda m: taxonomy_order.index(m) if m in taxonomy_order else len(taxonomy_order))
    colours = {m: palette(i % 8) for i, m in enumerate(specific)}  # tab10's grey (7) stays for "not stated"
    colours[_SEVERAL] = palette(9)
    colours[_NOT_STATED] = palette(7)
    return colours


def speedup_figure(views: SurveyViews, folder: Path) -> Figure | None:
    bars = _speedup_bars(views)
    if not bars:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import Patch

    height = 3.8
    colours = _memory_colours(views, [b.memory for b in bars])
    with rc_context(_RC):
        figure = MplFigure(figsize=(_WIDTH_IN, height))
        axes = figure.add_subplot(1, 1, 1)
        positions = list(range(len(bars)))
        for x, bar in zip(positions, bars, strict=True):
            axes.bar(x, bar.value, width=0.7, color=colours[bar.memory], edgecolor="black", linewidth=0.4,
                     hatch=_HATCHES[bar.evidence])
            if bar.high > bar.value:  # a range: the bar reaches the low end, a line the high end
                axes.plot([x, x], [bar.value, bar.high], color="black", linewidth=0.8)
                axes.plot([x - 0.2, x + 0.2], [bar.high, bar.high], color="black", linewidth=0.8)
        axes.set_yscale("log")
        axes.axhline(1.0, color="black", linewidth=0.5)
        axes.set_ylabel("Speedup over own baseline (x, log)")
        _plain_log_ticks(axes)
        axes.set_xticks(positions)
        axes.set_xticklabels([b.entry_id for b in bars], rotation=90)
        axes.set_xlim(-0.6, len(bars) - 0.4)
        top = max(b.high for b in bars) * 3
        axes.set_ylim(min(0.5, min(b.value for b in bars) / 2), top)
        start = 0
        groups = [b.group for b in bars]
        for index in range(1, len(bars) + 1):
            if index == len(bars) or groups[index] != groups[start]:
                label = views.label("architecture", groups[start]) if groups[start] != _NOT_STATED else "Not stated"
                axes.text((start + index - 1) / 2, top / 1.6, label, ha="center", va="top", fontsize=6)
                if index < len(bars):
                    axes.axvline(index - 0.5, color="grey", linewidth=0.5, linestyle="--")
                start = index
        memories = list(dict.fromkeys(b.memory for b in bars))
        memories.sort(key=lambda m: list(colours).index(m))
        handles = [Patch(facecolor=colours[m], edgecolor="black", linewidth=0.4,
                         label=views.label("memory", m) if m not in (_SEVERAL, _NOT_STATED) else
                         {_SEVERAL: "several memories", _NOT_STATED: "memory not stated"}[m]) for m in memories]
        handles += [Patch(facecolor="white", edgecolor="black", linewidth=0.4, hatch=_HATCHES[e],
                          label=_EVIDENCE_LABELS[e]) for e in (MEASURED, SIMULATED, UNSTATED)
                    if any(b.evidence == e for b in bars)]
        axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        figure.subplots_adjust(left=0.08, right=0.8, bottom=0.45, top=0.97)
        _save(figure, folder / SPEEDUP_FIGURE)
    caption = (
        "Highest reported speedup of each work over its own baseline, grouped by architecture kind (a work of "
        "several kinds appears under the last of them in the taxonomy's order) and coloured by memory technology; "
        "hatching tells simulated results and results whose evidence is not stated apart from measured ones, and "
        "a line above a bar marks the upper end of a reported range. Baselines, models and conditions differ "
        "between works (see the speedup table), so the bars are not a ranking.")
    return Figure("speedup-by-architecture", SPEEDUP_FIGURE, caption, sorted(b.entry_id for b in bars), _WIDTH_IN,
                  height)


# --- energy efficiency against precision


@dataclass(frozen=True)
class _Point:
    entry_id: str
    category: str  # "W x A bits" product as text, or not stated
    bits: int | None
    evidence: str
    low: float
    high: float


def _efficiency_points(views: SurveyViews) -> list[_Point]:
    table = views.metric_table("energy-efficiency")
    if table is None:
        return []
    points = []
    for row in table.rows:
        if row.low is None or row.high is None or row.low <= 0:
            continue
        bits = row.weight_bits * row.input_bits if row.weight_bits and row.input_bits else None
        category = f"{row.weight_bits}b x {row.input_bits}b" if bits else _NOT_STATED
        points.append(_Point(row.entry_id, category, bits, row.evidence, row.low, row.high))
    return sorted(points, key=lambda p: (p.bits is not None, p.bits or 0, p.category, p.entry_id, p.low))


def efficiency_figure(views: SurveyViews, folder: Path) -> Figure | None:
    points = _efficiency_points(views)
    if not points:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.lines import Line2D

    height = 2.8
    categories = list(dict.fromkeys(p.category for p in points))
    with rc_context(_RC):
        figure = MplFigure(figsize=(_WIDTH_IN / 2, height))
        axes = figure.add_subplot(1, 1, 1)
        for position, category in enumerate(categories):
            members = [p for p in points if p.category == category]
            for offset_index, point in enumerate(members):
                x = position + (offset_index - (len(members) - 1) / 2) * 0.12
                filled = point.evidence == MEASURED
                style: dict[str, Any] = {"marker": _MARKERS[point.evidence], "markersize": 4, "color": "black",
                                         "markerfacecolor": "black" if filled else "white", "linestyle": "none"}
                axes.plot([x], [point.low], **style)
                if point.high > point.low:
                    axes.plot([x, x], [point.low, point.high], color="black", linewidth=0.6)
                    axes.plot([x], [point.high], **style)
        axes.set_yscale("log")
        axes.set_xticks(list(range(len(categories))))
        axes.set_xticklabels(categories)
        axes.set_xlim(-0.6, len(categories) - 0.4)
        axes.set_xlabel("Precision (weight bits x input bits)")
        axes.set_ylabel("Energy efficiency (TOPS/W, log)")
        _plain_log_ticks(axes)
        handles = [Line2D([], [], marker=_MARKERS[e], color="black", linestyle="none", markersize=4,
                          markerfacecolor="black" if e == MEASURED else "white", label=_EVIDENCE_LABELS[e])
                   for e in (MEASURED, SIMULATED, UNSTATED) if any(p.evidence == e for p in points)]
        axes.legend(handles=handles, loc="lower right", frameon=False)
        figure.subplots_adjust(left=0.16, right=0.97, bottom=0.16, top=0.97)
        _save(figure, folder / EFFICIENCY_FIGURE)
    caption = (
        "Reported energy efficiency (TOPS/W) against the operand precision it holds for. Filled circles are "
        "measured on silicon, products or FPGAs, open triangles are simulated or modelled, open squares do not "
        "state their evidence; a vertical line joins the ends of a reported range. Values whose precision is not "
        "stated as one weight and one input width are shown under 'not stated'.")
    return Figure("efficiency-vs-precision", EFFICIENCY_FIGURE, caption, sorted({p.entry_id for p in points}),
                  _WIDTH_IN / 2, height, wide=False)


