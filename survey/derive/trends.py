"""Trend figures of the survey, drawn with matplotlib from the same counts the prose uses.

Works per year by architecture class (the class of each work is the one its section counts it under), speedups
grouped by the hardware class of their baseline, energy efficiency against technology node (measured and
simulated apart, coloured by memory technology), and which operators each design runs in memory. Labels are the
works' short names; fonts match the body size; output is deterministic (see survey.derive.plots).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey.derive.figure_style import _RC, Figure, _plain_log_ticks, _save
from survey.derive.synthesis import _designs

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy

COLUMN_IN = 3.4  # one column of IEEEtran; acmart's text is wider, figures scale down there
_PALETTE = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#000000")


@dataclass(frozen=True)
class TrendWork:
    entry_id: str
    name: str
    year: int | None
    family: str | None  # top-level architecture class (label)
    memory: str | None  # second-level memory family (label)
    measured: bool
    operators: tuple[str, ...]  # top-level operator labels
    node_nm: float | None
    efficiency: float | None  # best energy efficiency in TOPS/W
    speedups: tuple[tuple[str, float], ...]  # (baseline class label, best value) per class


@dataclass(frozen=True)
class Trends:
    works: tuple[TrendWork, ...]
    families: tuple[str, ...]  # class labels in taxonomy order
    operators: tuple[str, ...]  # operator labels in taxonomy order

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
            tuple(sorted({operator.terms[operator.root(o)].label for o in w.operators},
                         key=[operator.terms[r].label for r in operator.roots()].index)),
            float(node) if node else None, efficiency, tuple(sorted(speedups.items()))))
    return Trends(tuple(works), tuple(architecture.terms[r].label for r in architecture.roots()),
                  tuple(operator.terms[r].label for r in operator.roots()))


def _colours(labels: Sequence[str]) -> dict[str, str]:
    return {label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(labels)}


def _axes(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure as MplFigure

    figure = MplFigure(figsize=(width, height))
    return figure, figure.add_subplot(1, 1, 1)


def works_per_year_figure(trends: Trends, folder: Path, fmt: str = "pdf") -> Figure | None:
    counts = trends.per_year()
    years = sorted({y for c in counts.values() for y in c})
    families = [f for f in trends.families if counts[f]]
    if not years:
        return None
    from matplotlib import rc_context

    colours = _colours(trends.families)
    with rc_context(_RC):
        figure, axes = _axes(COLUMN_IN, 2.2)
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
        _save(figure, folder / f"works-per-year.{fmt}")
    total = sum(sum(c.values()) for c in counts.values())
    caption = (f"Works of the knowledge base per year, by the architecture class each is listed under ({total} "
               "works with a class and a year; the class sections count the same works).")
    ids = sorted(w.entry_id for w in trends.works if w.family and w.year)
    return Figure("works-per-year", f"works-per-year.{fmt}", caption, ids, COLUMN_IN, 2.2, wide=False)


def speedup_by_baseline_figure(trends: Trends, folder: Path, fmt: str = "pdf") -> Figure | None:
    points = [(label, value, w) for w in trends.works for label, value in w.speedups]
    if not points:
        return None
    from matplotlib import rc_context

    classes = sorted({p[0] for p in points}, key=lambda c: (-sum(1 for p in points if p[0] == c), c))
    colours = _colours(trends.families)
    with rc_context(_RC):
        figure, axes = _axes(COLUMN_IN, 2.6)
        for x, label in enumerate(classes):
            group = sorted((p for p in points if p[0] == label), key=lambda p: (-p[1], p[2].entry_id))
            for offset, (_, value, work) in enumerate(group):
                dx = (offset % 5 - 2) * 0.08
                axes.scatter(x + dx, value, s=14, color=colours.get(work.family or "", "#BBBBBB"),
                             edgecolor="black", linewidth=0.3, marker="o" if work.measured else "^", zorder=3)
                if offset < 2:
                    axes.annotate(work.name, (x + dx, value), xytext=(3, 0), textcoords="offset points",
                                  fontsize=5, va="center")
        axes.set_yscale("log")
        axes.axhline(1.0, color="black", linewidth=0.5)
        _plain_log_ticks(axes)
        axes.set_xticks(range(len(classes)))
        axes.set_xticklabels(classes)
        axes.set_xlim(-0.6, len(classes) - 0.2)
        axes.set_xlabel("Baseline hardware class")
        axes.set_ylabel("Reported speedup (x, log)")
        handles = [axes.scatter([], [], s=14, color=colours[f], edgecolor="black", linewidth=0.3, label=f)
                   for f in trends.families if any(w.family == f and w.speedups for w in trends.works)]
        axes.legend(handles=handles, frameon=False, loc="upper right", fontsize=5)
        figure.tight_layout()
        _save(figure, folder / f"speedup-by-baseline.{fmt}")
    caption = ("Reported speedups grouped by the hardware class of their baseline, each work's highest value per "
               "class; colour: architecture class; circles measured, triangles simulated. Values hold under each "
               "work's own models and conditions.")
    ids = sorted({p[2].entry_id for p in points})
    return Figure("speedup-by-baseline", f"speedup-by-baseline.{fmt}", caption, ids, COLUMN_IN, 2.6, wide=False)


def efficiency_vs_node_figure(trends: Trends, folder: Path, fmt: str = "pdf") -> Figure | None:
    points = [w for w in trends.works if w.efficiency and w.node_nm]
    if not points:
        return None
    from matplotlib import rc_context

    memories = sorted({w.memory or "not stated" for w in points})
    colours = _colours(memories)
    with rc_context(_RC):
        figure, axes = _axes(COLUMN_IN, 2.4)
        for work in sorted(points, key=lambda w: w.entry_id):
            axes.scatter(work.node_nm, work.efficiency, s=16, color=colours[work.memory or "not stated"],
                         edgecolor="black", linewidth=0.3, marker="o" if work.measured else "^", zorder=3)
            axes.annotate(work.name, (work.node_nm, work.efficiency), xytext=(3, 2), textcoords="offset points",
                          fontsize=5)
        axes.set_xscale("log")
        axes.set_yscale("log")
        _plain_log_ticks(axes)
        axes.invert_xaxis()
        axes.set_xlabel("Technology node (nm, log)")
        axes.set_ylabel("Energy efficiency (TOPS/W, log)")
        handles = [axes.scatter([], [], s=16, color=colours[m], edgecolor="black", linewidth=0.3, label=m)
                   for m in memories]
        axes.legend(handles=handles, frameon=False, fontsize=5, loc="lower right")
        figure.tight_layout()
        _save(figure, folder / f"efficiency-vs-node.{fmt}")
    caption = ("Best reported energy efficiency against technology node, coloured by memory technology; circles "
               "measured on silicon, triangles simulated. Precision differs between the points.")
    return Figure("efficiency-vs-node", f"efficiency-vs-node.{fmt}", caption, sorted(w.entry_id for w in points),
                  COLUMN_IN, 2.4, wide=False)


def operators_map_figure(trends: Trends, folder: Path, fmt: str = "pdf") -> Figure | None:
    works = sorted((w for w in trends.works if w.operators),
                   key=lambda w: (trends.families.index(w.family) if w.family in trends.families else 99,
                                  w.year or 0, w.name.lower()))
    if not works:
        return None
    operators = [o for o in trends.operators if any(o in w.operators for w in works)]
    from matplotlib import rc_context

    width = 7.0  # the full text width: one column per work, names upright
    height = 2.6
    with rc_context(_RC):
        figure, axes = _axes(width, height)
        for x, work in enumerate(works):
            for y, op in enumerate(operators):
                if op in work.operators:
                    axes.add_patch(_square(x, y))
        axes.set_xlim(-0.5, len(works) - 0.5)
        axes.set_ylim(len(operators) - 0.5, -0.5)
        axes.set_yticks(range(len(operators)))
        axes.set_yticklabels(operators)
        axes.set_xticks(range(len(works)))
        axes.set_xticklabels([w.name for w in works], rotation=90, fontsize=4 if len(works) > 40 else 5)
        axes.set_aspect("auto")
        axes.grid(False)
        figure.tight_layout()
        _save(figure, folder / f"operators-in-memory.{fmt}")
    caption = ("Which operators each design runs in or beside memory (works that record them, by class and year).")
    return Figure("operators-in-memory", f"operators-in-memory.{fmt}", caption, sorted(w.entry_id for w in works),
                  width, height, wide=True)


def _square(x: int, y: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.4, y - 0.4), 0.8, 0.8, facecolor="#4477AA", edgecolor="black", linewidth=0.3)


def write_trend_figures(trends: Trends, folder: Path, fmt: str = "pdf") -> list[Figure]:
    """The trend figures that have data, as `fmt` files ('pdf' for the paper, 'svg' for the website)."""
    folder.mkdir(parents=True, exist_ok=True)
    drawn = (works_per_year_figure(trends, folder, fmt), speedup_by_baseline_figure(trends, folder, fmt),
             efficiency_vs_node_figure(trends, folder, fmt), operators_map_figure(trends, folder, fmt))
    return [f for f in drawn if f is not None]


def figure_counts(trends: Trends) -> dict[str, int]:
    """Works per class in the per-year figure (for the quality gate's comparison with the class sections)."""
    counts: dict[str, int] = defaultdict(int)
    for family, years in trends.per_year().items():
        counts[family] = sum(years.values())
    return dict(counts)
