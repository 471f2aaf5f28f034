"""What every figure shares: matplotlib settings for deterministic PDFs in the body font, the written-figure record,
log-axis labels and the atomic save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    def __init__(self, folder: Path, fmt: str = "pdf") -> None:
        self.folder = folder
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

            with rc_context(_RC):  # the fonts are embedded now, by the settings then in force (TrueType)
                self._pages.close()
            self._partial.replace(self.path)


def draw_planned(planned: list[PlannedFigure], folder: Path, fmt: str = "pdf") -> None:
    """Draw the planned figures, in their order, into `folder` (created when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    book = FigureBook(folder, fmt)
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


def _plain_log_ticks(axes: Any) -> None:
    """Label a log axis with plain numbers (1, 10, 100) and leave minor ticks unlabelled."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axes.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())
