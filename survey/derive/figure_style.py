"""What every figure shares: matplotlib settings for deterministic PDFs in the body font, the written-figure record,
log-axis labels and the atomic save."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.derive.evidence import MEASURED, SIMULATED, UNSTATED

_WIDTH_IN = 7.0  # a full text width in both journal classes (figure* in IEEEtran)
_RC: Any = {  # matplotlib rc parameters (typed loosely: its stubs list every key)
    "svg.hashsalt": "survey",
    "pdf.fonttype": 42,  # embedded TrueType: journals reject Type 3 fonts
    "font.family": "DejaVu Sans",
    "font.size": 7,
    "axes.titlesize": 7,
    "axes.labelsize": 7,
    "legend.fontsize": 6,
    "xtick.labelsize": 6,
    "ytick.labelsize": 6,
    "path.simplify": False,
}
_METADATA = {"CreationDate": None, "ModDate": None, "Creator": "survey", "Producer": "survey"}
_SVG_METADATA = {"Date": None, "Creator": "survey"}  # no date: an SVG of the same data is byte-identical
_EVIDENCE_LABELS = {MEASURED: "measured", SIMULATED: "simulated", UNSTATED: "evidence not stated"}
_HATCHES = {MEASURED: "", SIMULATED: "////", UNSTATED: ".."}
_MARKERS = {MEASURED: "o", SIMULATED: "^", UNSTATED: "s"}
_NOT_STATED = "not stated"
_SEVERAL = "several"


@dataclass(frozen=True)
class Figure:
    """A written figure: its file (inside the folder given), a plain-text caption and the entries it shows."""

    name: str
    file_name: str
    caption: str
    entry_ids: list[str]
    width_in: float
    height_in: float
    wide: bool = True  # spans both columns of a two-column page


def _plain_log_ticks(axes: Any) -> None:
    """Label a log axis with plain numbers (1, 10, 100) and leave minor ticks unlabelled."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axes.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())


def _save(figure: Any, path: Path) -> None:
    """Save as PDF (or SVG, by the suffix) without dates, through a temporary file so a failed write leaves no half
    file behind."""
    partial = path.with_name(path.name + ".part")
    svg = path.suffix == ".svg"
    figure.savefig(partial, format="svg" if svg else "pdf", metadata=_SVG_METADATA if svg else _METADATA)
    partial.replace(path)

