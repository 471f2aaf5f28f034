"""What every figure shares: matplotlib settings for deterministic PDFs in the body font, the written-figure record,
log-axis labels and the atomic save."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_RC: Any = {  # matplotlib rc parameters (typed loosely: its stubs list every key)
    "svg.hashsalt": "survey",
    "pdf.fonttype": 42,  # embedded TrueType: journals reject Type 3 fonts
    "font.family": "DejaVu Sans",
    "text.parse_math": False,  # a work's name with two '$' in it is text, not mathtext in another font
    "axes.formatter.use_mathtext": False,
    "path.simplify": False,
}


@dataclass(frozen=True)
class FigureStyle:
    """A venue's figure font and sizes: the family matplotlib draws in, the widths of a figure in one column and
    across the page as the paper prints them (so points here are points on paper), and the text sizes in points."""

    family: str = "DejaVu Sans"
    column_in: float = 3.4
    wide_in: float = 7.0
    label_pt: float = 7.0  # axis labels
    tick_pt: float = 6.0  # tick labels, the per-year legend
    legend_pt: float = 5.0
    note_pt: float = 5.0  # the works' names beside points and in the timeline
    page_in: float | None = None  # the tallest figure a page holds beside its caption (None: any, the website)

    def rc(self) -> Any:
        """The matplotlib rc parameters of a figure in this style."""
        # after the family, DejaVu Sans: a character the venue's font lacks is drawn from it, not as a box
        families = [self.family] if self.family == "DejaVu Sans" else [self.family, "DejaVu Sans"]
        return {**_RC, "font.family": families, "font.size": self.label_pt, "axes.titlesize": self.label_pt,
                "axes.labelsize": self.label_pt, "legend.fontsize": self.tick_pt, "xtick.labelsize": self.tick_pt,
                "ytick.labelsize": self.tick_pt}


SITE_STYLE = FigureStyle()  # the website's SVGs, and figures of a venue without a font of its own


# Room a page keeps for a float's caption (up to five lines) and the skips around it; the text heights are
# acmart acmsmall's 574 pt and IEEEtran journal's 696 pt.
_CAPTION_PT = 72.0


def venue_style(venue: str, family: str) -> FigureStyle:
    """The figure style of `venue` ('todaes', 'tcad') drawn in `family`, at the widths the paper prints figures.

    TODAES (acmart, acmsmall: 395.8 pt text, one column) prints a narrow figure at 0.6 of the text width and a
    wide one at the text width, beside 10 pt body text and 9 pt captions; TCAD (IEEEtran: two 252 pt columns,
    516 pt across) prints them at a column and at the page width, beside 10 pt text and 8 pt captions. The serif
    body fonts are smaller to the eye than DejaVu Sans at the same size, so figure text is a point larger. A
    figure taller than `page_in` would not fit its page: the operator map is then split into parts."""
    if venue == "todaes":
        return FigureStyle(family, column_in=0.6 * 395.8 / 72, wide_in=395.8 / 72, label_pt=8.0, tick_pt=7.0,
                           legend_pt=6.5, note_pt=6.0, page_in=(574.0 - _CAPTION_PT) / 72)
    if venue == "tcad":
        return FigureStyle(family, column_in=252.0 / 72, wide_in=516.0 / 72, label_pt=8.0, tick_pt=7.0,
                           legend_pt=6.5, note_pt=6.0, page_in=(696.0 - _CAPTION_PT) / 72)
    return dataclasses.replace(SITE_STYLE, family=family)


_METADATA = {"CreationDate": None, "ModDate": None, "Creator": "survey", "Producer": "survey"}


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
    page: int = 1  # the figure's page in its file


@dataclass(frozen=True)
class PlannedFigure:
    """A figure before it is drawn: its record, known from the data alone, and the drawing of its page."""

    figure: Figure
    draw: Callable[[FigureBook], None]


_SVG_METADATA = {"Date": None, "Creator": "survey"}  # no date: an SVG of the same data is byte-identical
FIGURES_FILE = "trends.pdf"


class FigureBook:
    """The figures of one build as the pages of one PDF, so that each font is subset and embedded once rather
    than once a figure (subsetting DejaVu Sans took most of a figure's time). Written through a temporary file;
    nothing is written when no figure has data."""

    def __init__(self, folder: Path, fmt: str = "pdf", style: FigureStyle = SITE_STYLE) -> None:
        self.folder = folder
        self.style = style
        self.svg = fmt == "svg"  # the website's figures: one SVG file each, without dates
        self.path = folder / FIGURES_FILE
        self._partial = folder / (FIGURES_FILE + ".part")
        self._pages: Any = None
        self.count = 0

    def save(self, figure: Any, name: str) -> tuple[str, int]:
        """Add a matplotlib figure as the next page (or, for SVG, as the file `name`.svg): its file's name in the
        folder and its page there."""
        if self.svg:
            path = self.folder / f"{name}.svg"
            partial = path.with_name(path.name + ".part")
            figure.savefig(partial, format="svg", metadata=_SVG_METADATA)
            partial.replace(path)
            return path.name, 1
        if self._pages is None:
            from matplotlib.backends.backend_pdf import PdfPages

            self._pages = PdfPages(self._partial, metadata=_METADATA)
        self._pages.savefig(figure)
        self.count += 1
        return self.path.name, self.count

    def close(self) -> None:
        if self._pages is not None:
            from matplotlib import rc_context

            with rc_context(self.style.rc()):  # the fonts are embedded now, by the settings then in force (TrueType)
                self._pages.close()
            self._partial.replace(self.path)


def draw_planned(planned: list[PlannedFigure], folder: Path, fmt: str = "pdf", style: FigureStyle = SITE_STYLE) -> None:
    """Draw the planned figures, in their order, into `folder` (created when missing), in `style`: the sizes they
    were planned at, in the font found for drawing."""
    folder.mkdir(parents=True, exist_ok=True)
    book = FigureBook(folder, fmt, style)
    for figure in planned:
        figure.draw(book)
    book.close()


def blank_pdf(sizes: list[tuple[float, float]]) -> bytes:
    """A PDF of blank pages of the given sizes (inches): what TeX reads in place of the figures while they are
    drawn, since it needs only each page's size to lay the document out."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(len(sizes)))
               + b"] /Count %d >>" % len(sizes)]
    objects += [b"<< /Type /Page /Parent 2 0 R /Resources << >> /MediaBox [0 0 %s %s] >>"
                % (_pdf_number(width * 72), _pdf_number(height * 72)) for width, height in sizes]
    data, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(data)


def _pdf_number(value: float) -> bytes:
    """A number as matplotlib writes a page size: an integer when whole, else up to six decimals."""
    return (b"%d" % value) if value == int(value) else (b"%.6f" % value).rstrip(b"0")


_LABEL_PLACES = ((3, "left"), (-3, "right"))  # points from the marker, level with it (else it reads as another's)


def place_labels(figure: Any, axes: Any, labels: list[tuple[str, float, float]], fontsize: float,
                 points: list[tuple[float, float]], marker_pt: float) -> int:
    """Name points without covering data: each label in `labels` (text, x, y in data coordinates, in order of
    priority) goes to the right of its point, else to its left, where it overlaps no label placed before it, no
    other marker of `points` (`marker_pt` across), the legend or the axes' edge; a label that fits nowhere is left
    out (the point stays, and the caption cites every work). Call once the layout is final. Returns how many were
    placed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    renderer = FigureCanvasAgg(figure).get_renderer()
    radius = marker_pt / 2 * figure.dpi / 72
    centres = [tuple(axes.transData.transform((x, y))) for x, y in points]
    legend = axes.get_legend()
    taken: list[Any] = [legend.get_window_extent(renderer)] if legend is not None else []
    frame = axes.get_window_extent(renderer)
    placed = 0
    for text, x, y in labels:
        own = tuple(axes.transData.transform((x, y)))
        markers = [Bbox.from_extents(cx - radius, cy - radius, cx + radius, cy + radius)
                   for cx, cy in centres if (cx, cy) != own]
        for dx, align in _LABEL_PLACES:
            label = axes.annotate(text, (x, y), xytext=(dx, 0), textcoords="offset points", fontsize=fontsize,
                                  va="center", ha=align)
            box = label.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken + markers):
                taken.append(box)
                placed += 1
                break
            label.remove()
    return placed


def _plain_log_ticks(axes: Any, axis: str = "y") -> None:
    """Label a log axis ('x' or 'y') with plain numbers (1, 10, 100, no mathtext powers) and leave minor ticks
    unlabelled."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    target = axes.xaxis if axis == "x" else axes.yaxis
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    target.set_minor_formatter(NullFormatter())
