"""The preamble's TeX format (survey.compile.preamble_format): built from the main file's first lines, loaded by
every pass only when the main file begins with them, the same pages as without it, reused while its text and
TeX are unchanged, and never the reason a build fails or hangs."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from survey.compile.latexmk import STAGING_DIR, compile_pdf, tex_environment
from survey.compile.preamble_format import FORMAT_NAME, MARK, FormatJob, head_of

needs_tex = pytest.mark.skipif(not all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftoppm")),
                               reason="needs latexmk, pdflatex and pdftoppm")
HEAD = rf"""\documentclass{{article}}
\usepackage{{amsmath}}
\usepackage[hidelinks]{{hyperref}}
{MARK}% the lines above go into the format
"""
BODY = r"""\hypersetup{pdftitle={A test}}
\begin{document}
\section{One}\label{one}
See Section~\ref{two}, $\sum_{i=1}^n x_i$ and \textbf{bold} \emph{text}.
\section{Two}\label{two}
Back to Section~\ref{one}.
\end{document}
"""


def _job(head: str, folder: Path, timeout: float = 120) -> FormatJob:
    return FormatJob(head, folder, timeout, tex_environment())


def _pages(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(folder / "p")], check=True)
    return [p.read_bytes() for p in sorted(folder.glob("*.png"))]


def _log_format(folder: Path) -> str:
    """The format the last pass loaded, as pdfTeX's first log line names it."""
    first = (folder / STAGING_DIR / "main.log").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    return first.split("format=", 1)[1].split(")", 1)[0].split()[0]  # "(preloaded format=NAME DATE)"


def test_the_head_ends_with_the_first_line_that_starts_with_the_mark() -> None:
    text = f"\\documentclass{{article}}\n% {MARK} in a comment\n{MARK}% dump here\n\\begin{{document}}\n"
    assert head_of(text) == f"\\documentclass{{article}}\n% {MARK} in a comment\n{MARK}% dump here\n"
    assert head_of("\\documentclass{article}\n\\begin{document}\n") is None
    assert head_of(f"{MARK}") == MARK


@needs_tex
def test_every_pass_loads_the_format_and_the_pages_are_those_of_a_build_without_it(tmp_path: Path) -> None:
    job = _job(HEAD, tmp_path / "format")
    built = job.result()
    assert built is not None and built.path.is_file()
    (tmp_path / "with").mkdir()
    (tmp_path / "with" / "main.tex").write_text(HEAD + BODY, encoding="utf-8")
    with_format = compile_pdf(tmp_path / "with", "main.tex", ["main.tex"], preamble=job)
    (tmp_path / "without").mkdir()
    (tmp_path / "without" / "main.tex").write_text(HEAD + BODY, encoding="utf-8")
    without = compile_pdf(tmp_path / "without", "main.tex", ["main.tex"])
    assert with_format.ok and without.ok, with_format.diagnostics + without.diagnostics
    assert _log_format(tmp_path / "with") == FORMAT_NAME and _log_format(tmp_path / "without") == "pdflatex"
    assert _pages(tmp_path / "with" / "survey.pdf", tmp_path / "a") == \
        _pages(tmp_path / "without" / "survey.pdf", tmp_path / "b")


@needs_tex
def test_a_main_file_that_does_not_begin_with_the_formats_text_is_compiled_without_it(tmp_path: Path) -> None:
    job = _job(HEAD, tmp_path / "format")
    other = HEAD.replace("amsmath", "amssymb")
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "main.tex").write_text(other + BODY, encoding="utf-8")
    compiled = compile_pdf(tmp_path / "doc", "main.tex", ["main.tex"], preamble=job)
    assert compiled.ok, compiled.diagnostics
    assert _log_format(tmp_path / "doc") == "pdflatex"


@needs_tex
def test_the_format_is_reused_while_its_text_is_unchanged_and_rebuilt_when_it_changes(tmp_path: Path) -> None:
    first = _job(HEAD, tmp_path / "format").result()
    assert first is not None
    made = first.path.stat().st_mtime_ns
    again = _job(HEAD, tmp_path / "format").result()
    assert again is not None and again.path.stat().st_mtime_ns == made
    changed = _job(HEAD.replace("amsmath", "amssymb"), tmp_path / "format").result()
    assert changed is not None and changed.path.stat().st_mtime_ns != made
    assert changed.head != first.head


@needs_tex
def test_the_format_is_rebuilt_when_a_file_it_was_made_from_has_changed(tmp_path: Path) -> None:
    first = _job(HEAD, tmp_path / "format").result()
    assert first is not None
    made = first.path.stat().st_mtime_ns
    key_file = tmp_path / "format" / f"{FORMAT_NAME}.key"
    lines = key_file.read_text(encoding="utf-8").splitlines()
    read = [line.split(" ", 1)[1] for line in lines[1:]]
    assert any(name.endswith("amsmath.sty") for name in read) and any(name.endswith("article.cls") for name in read)
    # as after a TeX Live update: amsmath.sty is not the file the format holds
    key_file.write_text("\n".join(line if not line.endswith("amsmath.sty") else "1:1 " + line.split(" ", 1)[1]
                                   for line in lines) + "\n", encoding="utf-8")
    again = _job(HEAD, tmp_path / "format").result()
    assert again is not None and again.path.stat().st_mtime_ns != made


@needs_tex
def test_a_format_pdftex_cannot_load_falls_back_to_reading_the_preamble(tmp_path: Path) -> None:
    job = _job(HEAD, tmp_path / "format")
    built = job.result()
    assert built is not None
    built.path.write_bytes(b"not a format" * 1000)  # as if TeX Live had changed under it
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "main.tex").write_text(HEAD + BODY, encoding="utf-8")
    progress: list[str] = []
    compiled = compile_pdf(tmp_path / "doc", "main.tex", ["main.tex"], preamble=job, progress=progress.append)
    assert compiled.ok, compiled.diagnostics
    assert any("could not load the preamble's format" in line for line in progress)
    assert _log_format(tmp_path / "doc") == "pdflatex"


@needs_tex
def test_a_head_that_fails_gives_no_format_and_one_that_loops_is_stopped(tmp_path: Path) -> None:
    assert _job(HEAD.replace("amsmath", "no-such-package-here"), tmp_path / "missing").result() is None
    looping = "\\documentclass{article}\n\\def\\x{\\x}\\x\n" + MARK + "\n"
    started = time.monotonic()
    assert _job(looping, tmp_path / "timeout", timeout=2).result() is None
    assert time.monotonic() - started < 30
    job = _job(looping, tmp_path / "stopped")
    started = time.monotonic()
    job.stop()  # what a refused build does
    assert job.result() is None and time.monotonic() - started < 30


@needs_tex
@pytest.mark.parametrize("venue", ["todaes", "tcad"])
def test_a_venues_build_loads_the_format_and_prints_the_pages_it_prints_without_it(tmp_path: Path, venue: str) -> None:
    from survey.build import build

    repo = Path(__file__).resolve().parents[2]
    pages = []
    for name, keep_mark in (("with", True), ("without", False)):
        root = tmp_path / name
        (root / "entries").mkdir(parents=True)
        shutil.copy(repo / "taxonomy.yaml", root / "taxonomy.yaml")
        shutil.copytree(repo / "paper", root / "paper")
        for entry in ("aim-gddr6-isscc22", "attacc-asplos24", "cambricon-llm-micro24", "cxl-pnm-hpca24"):
            shutil.copy(repo / "entries" / f"{entry}.yaml", root / "entries" / f"{entry}.yaml")
        shutil.copytree(repo / "templates", root / "templates")  # the knowledge base's own, as an editor's
        if not keep_mark:
            template = root / "templates" / f"{venue}.tex.j2"
            lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
            template.write_text("".join(line for line in lines if not line.startswith(MARK)), encoding="utf-8")
        progress: list[str] = []
        result = build(root, venue, root / "out", progress=progress.append)
        assert result.ok and result.pdf is not None, [d.as_text() for d in result.diagnostics if d.is_error]
        assert any("with the preamble's format" in line for line in progress) == keep_mark
        pages.append(_pages(result.pdf, tmp_path / f"{name}-pages"))
    assert len(pages[0]) > 1 and pages[0] == pages[1]
