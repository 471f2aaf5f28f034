"""Figures drawn while TeX runs (compile_pdf's `arriving`): whenever a figure arrives (before TeX starts, while a
pass runs, after the last pass), the PDF is byte-identical to the one compiled with the figure there from the
start; a figure that cannot be drawn fails the compile with its own error."""

from __future__ import annotations

import shutil
import subprocess
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from survey.compile.latexmk import compile_pdf
from survey.derive.figure_style import blank_pdf

needs_tex = pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                               reason="needs latexmk and pdftotext")
SIZE = (3.0, 2.0)  # inches
DOCUMENT = r"""\documentclass{article}
\usepackage{graphicx}
\begin{document}
\section{One}\label{one}
See Section~\ref{two} and Figure~\ref{fig}.
\begin{figure}[h]\centering\includegraphics[width=0.8\linewidth,page=1]{figures/plot.pdf}
\caption{A plot.}\label{fig}\end{figure}
\section{Two}\label{two}
Back to Section~\ref{one}.
\end{document}
"""


def _figure_pdf() -> bytes:
    """A one-page PDF of SIZE with visible text, drawn by matplotlib as the build draws its figures."""
    import io

    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE)
    figure.text(0.5, 0.5, "FIGURETEXT", ha="center")
    out = io.BytesIO()
    figure.savefig(out, format="pdf", metadata={"CreationDate": None})
    return out.getvalue()


def _sources(folder: Path, figure: bytes) -> list[str]:
    (folder / "figures").mkdir(parents=True)
    (folder / "main.tex").write_text(DOCUMENT)
    (folder / "figures" / "plot.pdf").write_bytes(figure)
    return ["main.tex", "figures/plot.pdf"]


def _reference(tmp_path: Path) -> bytes:
    folder = tmp_path / "serial"
    compiled = compile_pdf(folder, "main.tex", _sources(folder, _figure_pdf()), force=True)
    assert compiled.ok, compiled.diagnostics
    return (folder / "survey.pdf").read_bytes()


def _compile_with_arrival(tmp_path: Path, when: str) -> tuple[bytes, list[str]]:
    """Compile with a blank stand-in whose real figure arrives `when`: 'before' TeX starts, 'first-pass' while
    pdflatex's first pass runs, 'after' the last pass (latexmk has exited)."""
    folder = tmp_path / when
    names = _sources(folder, blank_pdf([SIZE]))
    arrived: Future[None] = Future()
    messages: list[str] = []
    timers: list[threading.Timer] = []

    def arrive() -> None:
        (folder / "figures" / "plot.pdf").write_bytes(_figure_pdf())
        arrived.set_result(None)

    def progress(message: str) -> None:
        messages.append(message)
        if when == "first-pass" and message.strip() == "pdflatex (run 1)" and not timers:
            timers.append(threading.Timer(0.05, arrive))  # once: an extra pass prints "run 1" again
            timers[0].start()

    if when == "before":
        arrive()
    waiting = None
    if when == "after":  # arrives once latexmk has exited: compile_pdf waits for it
        def arrive_after_tex() -> None:
            while not any("pdflatex (run" in m for m in messages):
                threading.Event().wait(0.02)
            threading.Event().wait(4.0)  # the small document's passes take well under a second each
            arrive()
        waiting = threading.Thread(target=arrive_after_tex)
        waiting.start()
    compiled = compile_pdf(folder, "main.tex", names, progress=progress, arriving={"figures/plot.pdf": arrived})
    if waiting is not None:
        waiting.join()
    assert compiled.ok, compiled.diagnostics
    return (folder / "survey.pdf").read_bytes(), messages


@needs_tex
@pytest.mark.parametrize("when", ["before", "first-pass", "after"])
def test_the_pdf_is_the_same_whenever_the_figure_arrives(tmp_path: Path, when: str) -> None:
    pdf, messages = _compile_with_arrival(tmp_path, when)
    assert pdf == _reference(tmp_path)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert b"FIGURETEXT" in text
    late = any("one more pass" in m for m in messages)
    if when == "after":
        assert late  # no pass of latexmk's own read the figure
    if when == "before":
        assert not late


@needs_tex
def test_a_figure_that_cannot_be_drawn_fails_the_compile_with_its_own_error(tmp_path: Path) -> None:
    folder = tmp_path / "failing"
    names = _sources(folder, blank_pdf([SIZE]))
    failed: Future[None] = Future()
    failed.set_exception(OSError(28, "No space left on device"))
    with pytest.raises(OSError, match="No space left"):
        compile_pdf(folder, "main.tex", names, arriving={"figures/plot.pdf": failed})
    assert not (folder / "survey.pdf").exists()
