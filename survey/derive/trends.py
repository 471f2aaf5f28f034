"""Trend figures of the survey, drawn with matplotlib from the same counts the prose uses.

Works per year by architecture class (the class of each work is the one its section counts it under), speedups
grouped by the hardware class of their baseline, energy efficiency against technology node (measured and
simulated apart, coloured by memory technology), which operators each design runs in memory, and a timeline of
the designs measured on hardware (fabricated chips and macros, products, FPGA prototypes). Labels are the
works' short names; fonts match the body size; output is deterministic (see survey.derive.plots).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey.derive.figure_style import (
    FIGURES_FILE,
    SITE_STYLE,
    Figure,
    FigureBook,
    FigureStyle,
    PlannedFigure,
    _plain_log_ticks,
    draw_planned,
    place_labels,
)
from survey.derive.synthesis import _designs

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy

_PALETTE = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#000000")


@dataclass(frozen=True)
class TrendWork:
    entry_id: str
    name: str
    year: int | None
    family: str | None  # top-level architecture class (label)
    memory: str | None  # second-level memory family (label)
    measured: bool
    hardware: tuple[str, ...]  # labels of the measured evaluation methods (Silicon, Product, FPGA)
    operators: tuple[str, ...]  # top-level operator labels
    node_nm: float | None
    efficiency: float | None  # best energy efficiency in TOPS/W
    speedups: tuple[tuple[str, float], ...]  # (baseline class label, best value) per class


@dataclass(frozen=True)
class Trends:
    works: tuple[TrendWork, ...]
    families: tuple[str, ...]  # class labels in taxonomy order
    operators: tuple[str, ...]  # operator labels in taxonomy order
    hardware: tuple[str, ...] = ()  # labels of the measured evaluation methods in taxonomy order

    def per_year(self) -> dict[str, Counter[int]]:
        """Works per year for each class: the counts the class sections give."""
        out: dict[str, Counter[int]] = {f: Counter() for f in self.families}
        for work in self.works:
            if work.family and work.year:
                out[work.family][work.year] += 1
        return out


def build_trends(taxonomy: Taxonomy, entries: Sequence[Entry]) -> Trends:
    from survey.load import units

    architecture, memory, operator = taxonomy["architecture"], taxonomy["memory"], taxonomy["operator"]
    baseline, metric_vocab = taxonomy["baseline-class"], taxonomy["metric"]
    works = []
    for w in _designs(taxonomy, entries):
        entry = w.entry
        efficiency = None
        speedups: dict[str, float] = {}
        for metric in entry.metrics:
            kind = metric_vocab.resolve(metric.kind)
            if kind is None or metric.high is None:
                continue
            if kind.id == "energy-efficiency":
                if not (units.is_unit(metric.unit) and units.same_dimension(metric.unit, "TOPS/W")):
                    continue  # the check reports such a unit; the figure leaves the value out
                efficiency = max(efficiency or 0.0, metric.high * units.factor(metric.unit, "TOPS/W"))
            elif kind.id == "speedup" and metric.baseline_class:
                term = baseline.resolve(metric.baseline_class)
                if term is not None:
                    label = baseline.terms[baseline.root(term.id)].label
                    speedups[label] = max(speedups.get(label, 0.0), metric.high)
        node = next((e.node_nm for e in entry.evaluation if e.node_nm), None) or \
            next((m.conditions.node_nm for m in entry.metrics if m.conditions.node_nm), None)
        works.append(TrendWork(
            entry.id, entry.display_name, entry.year,
            architecture.terms[w.family].label if w.family else None,
            memory.terms[w.memory_families[0]].label if w.memory_families else None,
            any(taxonomy["evaluation"].terms[e].measured for e in w.evidence),
            tuple(taxonomy["evaluation"].terms[e].label for e in w.evidence if taxonomy["evaluation"].terms[e].measured),
            tuple(sorted({operator.terms[operator.root(o)].label for o in w.operators},
                         key=[operator.terms[r].label for r in operator.roots()].index)),
            float(node) if node else None, efficiency, tuple(sorted(speedups.items()))))
    evaluation = taxonomy["evaluation"]
    return Trends(tuple(works), tuple(architecture.terms[r].label for r in architecture.roots()),
                  tuple(operator.terms[r].label for r in operator.roots()),
                  tuple(t.label for t in evaluation.terms.values() if t.measured))


def _colours(labels: Sequence[str]) -> dict[str, str]:
    return {label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(labels)}


def _axes(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure as MplFigure

    figure = MplFigure(figsize=(width, height))
    return figure, figure.add_subplot(1, 1, 1)


def works_per_year_figure(trends: Trends, style: FigureStyle) -> PlannedFigure | None:
    counts = trends.per_year()
    years = sorted({y for c in counts.values() for y in c})
    families = [f for f in trends.families if counts[f]]
    if not years:
        return None

    colours = _colours(trends.families)

    def draw(book: FigureBook) -> None:
        from matplotlib import rc_context

        style = book.style  # the sizes planned, in the font found for drawing
        with rc_context(style.rc()):
            figure, axes = _axes(style.column_in, 2.2)
            bottom = [0] * len(years)
            for family in families:
                heights = [counts[family][y] for y in years]
                axes.bar(range(len(years)), heights, bottom=bottom, color=colours[family], edgecolor="black",
                         linewidth=0.4, label=family)
                bottom = [b + h for b, h in zip(bottom, heights)]
            axes.set_xticks(range(len(years)))
            axes.set_xticklabels([str(y) for y in years])
            axes.set_ylabel("Works")
            axes.legend(frameon=False, loc="upper left")
            figure.tight_layout()
            book.save(figure, "works-per-year")
    total = sum(sum(c.values()) for c in counts.values())
    caption = (f"Works of the knowledge base per year, by the architecture class each is listed under ({total} "
               "works with a class and a year; the class sections count the same works).")
    ids = sorted(w.entry_id for w in trends.works if w.family and w.year)
    return PlannedFigure(Figure("works-per-year", "", caption, ids, style.column_in, 2.2, wide=False), draw)


def speedup_by_baseline_figure(trends: Trends, style: FigureStyle) -> PlannedFigure | None:
    points = [(label, value, w) for w in trends.works for label, value in w.speedups]
    if not points:
        return None

    classes = sorted({p[0] for p in points}, key=lambda c: (-sum(1 for p in points if p[0] == c), c))
    colours = _colours(trends.families)

    def draw(book: FigureBook) -> None:
        from matplotlib import rc_context

        style = book.style  # the sizes planned, in the font found for drawing
        with rc_context(style.rc()):
            figure, axes = _axes(style.column_in, 2.6)
            drawn: list[tuple[float, float]] = []
            names: list[tuple[str, float, float]] = []  # the two highest of each class, named once laid out
            for x, label in enumerate(classes):
                group = sorted((p for p in points if p[0] == label), key=lambda p: (-p[1], p[2].entry_id))
                for offset, (_, value, work) in enumerate(group):
                    dx = (offset % 5 - 2) * 0.08
                    axes.scatter(x + dx, value, s=14, color=colours.get(work.family or "", "#BBBBBB"),
                                 edgecolor="black", linewidth=0.3, marker="o" if work.measured else "^", zorder=3)
                    drawn.append((x + dx, value))
                    if offset < 2:
                        names.append((work.name, x + dx, value))
            axes.set_yscale("log")
            axes.axhline(1.0, color="black", linewidth=0.5)
            _plain_log_ticks(axes)
            axes.set_xticks(range(len(classes)))
            axes.set_xticklabels(classes, rotation=30, ha="right", rotation_mode="anchor")  # long class names
            axes.set_xlim(-0.6, len(classes) - 0.2)
            axes.set_xlabel("Baseline hardware class")
            axes.set_ylabel("Reported speedup (x, log)")
            handles = [axes.scatter([], [], s=14, color=colours[f], edgecolor="black", linewidth=0.3, label=f)
                       for f in trends.families if any(w.family == f and w.speedups for w in trends.works)]
            axes.legend(handles=handles, frameon=False, loc="upper right", fontsize=style.legend_pt)
            figure.tight_layout()
            names.sort(key=lambda n: -n[2])  # the highest values are named first
            place_labels(figure, axes, names, style.note_pt, drawn, marker_pt=14 ** 0.5)
            book.save(figure, "speedup-by-baseline")
    caption = ("Reported speedups grouped by the hardware class of their baseline, each work's highest value per "
               "class; colour: architecture class; circles measured, triangles simulated. Values hold under each "
               "work's own models and conditions.")
    ids = sorted({p[2].entry_id for p in points})
    return PlannedFigure(Figure("speedup-by-baseline", "", caption, ids, style.column_in, 2.6, wide=False), draw)


def efficiency_vs_node_figure(trends: Trends, style: FigureStyle) -> PlannedFigure | None:
    points = [w for w in trends.works if w.efficiency and w.node_nm]
    if not points:
        return None

    memories = sorted({w.memory or "not stated" for w in points})
    colours = _colours(memories)

    def draw(book: FigureBook) -> None:
        from matplotlib import rc_context

        style = book.style  # the sizes planned, in the font found for drawing
        with rc_context(style.rc()):
            figure, axes = _axes(style.column_in, 2.8)
            for work in sorted(points, key=lambda w: w.entry_id):
                axes.scatter(work.node_nm, work.efficiency, s=16, color=colours[work.memory or "not stated"],
                             edgecolor="black", linewidth=0.3, marker="o" if work.measured else "^", zorder=3)
            axes.set_xscale("log")
            axes.set_yscale("log")
            _plain_log_ticks(axes)
            _plain_log_ticks(axes, "x")
            axes.invert_xaxis()
            axes.margins(x=0.06, y=0.1)  # room above the highest point for its name
            axes.autoscale_view()
            to_axes = axes.transData + axes.transAxes.inverted()
            for work in sorted(points, key=lambda w: w.entry_id):
                right = to_axes.transform((work.node_nm, work.efficiency))[0] > 0.6  # name to the left, inside
                axes.annotate(work.name, (work.node_nm, work.efficiency), xytext=(-3 if right else 3, 2),
                              textcoords="offset points", ha="right" if right else "left", fontsize=style.note_pt)
            axes.set_xlabel("Technology node (nm, log)")
            axes.set_ylabel("Energy efficiency (TOPS/W, log)")
            handles = [axes.scatter([], [], s=16, color=colours[m], edgecolor="black", linewidth=0.3, label=m)
                       for m in memories]
            # below the axes, where it covers no point and no name
            axes.legend(handles=handles, frameon=False, fontsize=style.legend_pt, loc="upper center",
                        bbox_to_anchor=(0.5, -0.2), ncol=3, handletextpad=0.2, columnspacing=1.0)
            figure.tight_layout()
            book.save(figure, "efficiency-vs-node")
    caption = ("Best reported energy efficiency against technology node, coloured by memory technology; circles "
               "measured on silicon, triangles simulated. Precision differs between the points.")
    return PlannedFigure(Figure("efficiency-vs-node", "", caption, sorted(w.entry_id for w in points),
                  style.column_in, 2.8, wide=False), draw)


def operators_map_figures(trends: Trends, style: FigureStyle) -> list[PlannedFigure]:
    """Which operators each design runs in memory: a works x operators map across the text width, in as many
    stacked panels as keep each work's name at the note size (one column per work, names upright), and in as many
    figures (parts) as keep each within a page."""
    works = sorted((w for w in trends.works if w.operators),
                   key=lambda w: (trends.families.index(w.family) if w.family in trends.families else 99,
                                  w.year or 0, w.name.lower()))
    if not works:
        return []
    operators = [o for o in trends.operators if any(o in w.operators for w in works)]
    width = style.wide_in
    panels = _operator_panels(works, style, width)
    columns = max(len(panel) for panel in panels)  # every panel's columns as wide as the first's, in every part
    names_in = max(len(w.name) for w in works) * 0.55 * style.note_pt / 72  # the longest name, upright
    panel_in = 0.25 + len(operators) * 1.6 * style.tick_pt / 72 + names_in
    fit = len(panels) if style.page_in is None else max(1, int((style.page_in - 0.1) // panel_in))
    count = -(-len(panels) // fit)  # parts a page each
    per_part = -(-len(panels) // count)  # the panels spread evenly over them
    parts = [panels[i:i + per_part] for i in range(0, len(panels), per_part)]
    caption = "Which operators each design runs in or beside memory (works that record them, by class and year"
    planned = []
    for number, part in enumerate(parts, start=1):
        name = "operators-in-memory" if number == 1 else f"operators-in-memory-{number}"
        shown = sorted(w.entry_id for panel in part for w in panel)
        height = round(len(part) * panel_in + 0.1, 2)
        planned.append(PlannedFigure(
            Figure(name, "", caption + (f", part {number} of {len(parts)})." if len(parts) > 1 else ")."),
                   shown, width, height, wide=True),
            _operators_map_drawing(part, operators, columns, name, width, height)))
    return planned


def _operators_map_drawing(panels: list[list[TrendWork]], operators: list[str], columns: int, name: str,
                           width: float, height: float) -> Callable[[FigureBook], None]:
    def draw(book: FigureBook) -> None:
        from matplotlib import rc_context
        from matplotlib.figure import Figure as MplFigure

        style = book.style  # the sizes planned, in the font found for drawing
        with rc_context(style.rc()):
            figure = MplFigure(figsize=(width, height))
            rows = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
            for axes, panel in zip(rows, panels):
                for x, work in enumerate(panel):
                    for y, op in enumerate(operators):
                        if op in work.operators:
                            axes.add_patch(_square(x, y))
                axes.set_xlim(-0.5, columns - 0.5)
                axes.set_ylim(len(operators) - 0.5, -0.5)
                axes.set_yticks(range(len(operators)))
                axes.set_yticklabels(operators)
                axes.set_xticks(range(len(panel)))
                axes.set_xticklabels([w.name for w in panel], rotation=90, fontsize=style.note_pt)
                axes.set_aspect("auto")
                axes.grid(False)
            figure.tight_layout(h_pad=0.4)
            book.save(figure, name)
    return draw


def _operator_panels(works: list[TrendWork], style: FigureStyle, width_in: float) -> list[list[TrendWork]]:
    """The works in order, split into panels of equal size, each with at most as many columns as names at the
    note size fit across the axes (about 85 % of the width)."""
    fit = max(1, int(0.85 * width_in * 72 / (1.25 * style.note_pt)))
    count = -(-len(works) // fit)
    size = -(-len(works) // count)
    return [works[i:i + size] for i in range(0, len(works), size)]


_HARDWARE_MARKERS = ("o", "s", "D", "v")  # by the order of the measured methods in the taxonomy
_TIMELINE_CHARS = 12  # a label's line in one year's column of the single-column figure


def silicon_timeline(trends: Trends) -> list[TrendWork]:
    """The designs measured on hardware that have a year, by year and name: the works the timeline shows."""
    return sorted((w for w in trends.works if w.hardware and w.year), key=lambda w: (w.year, w.name.lower()))


def silicon_timeline_figure(trends: Trends, style: FigureStyle) -> PlannedFigure | None:
    """Measured designs by year, each a marker (shape: silicon, product, FPGA) coloured by memory and its name."""
    import textwrap

    works = silicon_timeline(trends)
    if not works:
        return None

    first, last = works[0].year or 0, works[-1].year or 0
    years = list(range(first, last + 1))
    memories = sorted({w.memory for w in works if w.memory}) + (["not stated"] if any(not w.memory for w in works) else [])
    colours = _colours(memories)
    markers = {k: _HARDWARE_MARKERS[i % len(_HARDWARE_MARKERS)] for i, k in enumerate(trends.hardware)}
    kind = {w.entry_id: min(w.hardware, key=lambda k: trends.hardware.index(k) if k in trends.hardware else 99)
            for w in works}
    kinds = [k for k in trends.hardware if k in kind.values()]
    lines: dict[int, float] = {}  # the depth of each year's column so far, in lines of label text
    placed = []
    for work in works:
        wrapped = textwrap.wrap(work.name, _TIMELINE_CHARS, break_long_words=False) or [work.name]
        year = work.year or 0
        placed.append((work, years.index(year), lines.get(year, 0.0), "\n".join(wrapped)))
        lines[year] = lines.get(year, 0.0) + len(wrapped) + 0.4
    wide = len(years) > 7
    width = style.wide_in if wide else style.column_in
    depth = max(lines.values())
    # a label's line of _TIMELINE_CHARS must fit in its year's column (about 0.7 of it; a letter is about half
    # the size wide); the height follows the size (0.075 in a line at 4.5 pt)
    size = round(min(0.9 * style.note_pt, 0.7 * width * 72 / len(years) / (0.5 * _TIMELINE_CHARS)), 1)
    height = 0.75 + depth * 0.075 * size / 4.5

    def draw(book: FigureBook) -> None:
        from matplotlib import rc_context
        from matplotlib.lines import Line2D

        style = book.style  # the sizes planned, in the font found for drawing
        with rc_context(style.rc()):
            figure, axes = _axes(width, height)
            for work, x, y, label in placed:
                memory = work.memory or "not stated"
                axes.scatter(x - 0.38, y + 0.5, s=9, marker=markers.get(kind[work.entry_id], "o"), color=colours[memory],
                             edgecolor="black", linewidth=0.3, zorder=3, clip_on=False)
                axes.text(x - 0.3, y, label, fontsize=size, va="top", ha="left", linespacing=1.0)
            axes.set_xlim(-0.5, len(years) - 0.5)
            axes.set_ylim(depth + 0.2, -0.3)
            axes.set_xticks(range(len(years)))
            axes.set_xticklabels([str(y) for y in years])
            axes.xaxis.tick_top()
            axes.set_yticks([])
            for x in range(1, len(years)):
                axes.axvline(x - 0.5, color="#BBBBBB", linewidth=0.4)
            for side in ("left", "right", "bottom"):
                axes.spines[side].set_visible(False)
            handles = [Line2D([], [], marker="o", linestyle="none", markersize=3.5, color=colours[m],
                              markeredgecolor="black", markeredgewidth=0.3, label=m) for m in memories]
            handles += [Line2D([], [], marker=markers.get(k, "o"), linestyle="none", markersize=3.5, color="white",
                               markeredgecolor="black", markeredgewidth=0.4, label=k) for k in kinds]
            figure.legend(handles=handles, loc="lower center", ncol=min(len(handles), 5), frameon=False,
                          fontsize=style.legend_pt,
                          handletextpad=0.2, columnspacing=0.8)
            figure.subplots_adjust(left=0.02, right=0.98, top=1 - 0.22 / height, bottom=0.42 / height + 0.02)
            book.save(figure, "silicon-timeline")
    caption = (f"Timeline of the {len(works)} designs measured on hardware, by year: fabricated chips and macros, "
               "commercial products and FPGA prototypes (marker shape), coloured by memory technology; the class "
               "sections count the same works as measured.")
    return PlannedFigure(Figure("silicon-timeline", "", caption, sorted(w.entry_id for w in works),
                  width, height, wide=wide), draw)


def _square(x: int, y: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.4, y - 0.4), 0.8, 0.8, facecolor="#4477AA", edgecolor="black", linewidth=0.3)


def plan_trend_figures(trends: Trends, fmt: str = "pdf", style: FigureStyle = SITE_STYLE) -> list[PlannedFigure]:
    """Every trend figure that has data, at the sizes of `style`, in a fixed order, before anything is drawn: its
    record (file, page, size, caption) and how to draw it. For the paper the figures are the pages of one PDF (see
    FigureBook); for the website (`fmt` 'svg') one SVG file each."""
    import dataclasses

    planned = [p for p in (works_per_year_figure(trends, style), speedup_by_baseline_figure(trends, style),
                           efficiency_vs_node_figure(trends, style), *operators_map_figures(trends, style),
                           silicon_timeline_figure(trends, style)) if p is not None]
    placed = [dataclasses.replace(p.figure, file_name=f"{p.figure.name}.svg" if fmt == "svg" else FIGURES_FILE,
                                  page=1 if fmt == "svg" else page) for page, p in enumerate(planned, start=1)]
    return [PlannedFigure(figure, p.draw) for figure, p in zip(placed, planned)]


def write_trend_figures(trends: Trends, folder: Path, fmt: str = "pdf",
                        style: FigureStyle = SITE_STYLE) -> list[Figure]:
    """Draw every trend figure that has data into `folder`, in `style` (see plan_trend_figures)."""
    planned = plan_trend_figures(trends, fmt, style)
    draw_planned(planned, folder, fmt, style)
    return [p.figure for p in planned]


def figure_counts(trends: Trends) -> dict[str, int]:
    """Works per class in the per-year figure (for the quality gate's comparison with the class sections)."""
    counts: dict[str, int] = defaultdict(int)
    for family, years in trends.per_year().items():
        counts[family] = sum(years.values())
    return dict(counts)
