"""`survey build`: the survey's LaTeX sources and PDF for one journal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.cli.context import Context
from survey.report.terminal import echo


@click.command("build")
@click.option("--venue", type=click.Choice(["todaes", "tcad"]), default="todaes", show_default=True,
              help="todaes: ACM TODAES (acmart, acmsmall); tcad: IEEE TCAD (IEEEtran, journal).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Build folder; the PDF is OUT/survey.pdf.")
@click.option("--no-pdf", is_flag=True, help="Write the LaTeX sources, figures and refs.bib; do not run TeX.")
@click.option("--final", is_flag=True,
              help="A submission build: refuse while an editor section is still a placeholder.")
@click.option("--quiet", "-q", is_flag=True, help="Do not show progress.")
@click.pass_obj
def build_command(obj: Context, venue: str, out: Path, no_pdf: bool, final: bool, quiet: bool) -> None:
    """Build the survey from the knowledge base: check, derive, render, compile.

    Refuses to build while `survey check` reports errors. A second build of unchanged inputs does not run TeX;
    a failed build keeps the previous PDF. Exit status: 0 built, 1 on errors.
    """
    from survey.build import build
    from survey.load import units
    from survey.report.diagnostics import Diagnostic, summary

    def progress(message: str) -> None:
        if not quiet:
            echo(f"survey build: {message}", err=True)

    with units.memo_file(obj.unit_memo):
        result = build(obj.root, venue, out, pdf=not no_pdf, final=final, progress=progress)
    for diagnostic in sorted(result.diagnostics, key=Diagnostic.sort_key):
        echo(diagnostic.as_text(), err=True)
    if result.diagnostics:
        echo(f"survey build: {summary(result.diagnostics)}", err=True)
    if not result.ok:
        if not result.sources:
            echo("survey build: not built; fix the errors above", err=True)
        sys.exit(1)
    echo(str(result.pdf) if result.pdf else str(out))


COMMANDS = [build_command]
