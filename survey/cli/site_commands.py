"""`survey site`: the readers' website of the knowledge base, as static files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.cli.context import Context
from survey.report.terminal import echo


@click.command("site")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build/site"),
              show_default=True, help="Folder of the site (made by survey; open OUT/index.html).")
@click.option("--pdfs", "pdf_folder", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Offer the PDFs found in this folder (where `survey build` writes them).")
@click.option("--quiet", "-q", is_flag=True, help="Do not show progress.")
@click.pass_obj
def site_command(obj: Context, out: Path, pdf_folder: Path, quiet: bool) -> None:
    """Write the survey's website: a filterable index of all works, a page per work and per taxonomy term,
    the coverage matrix, comparison tables, figures and downloads. It needs no server and fetches nothing.

    Refuses to build while `survey check` reports errors. Exit status: 0 written, 1 on errors.
    """
    from survey.build import build_site
    from survey.load import units
    from survey.report.diagnostics import Diagnostic, summary

    def progress(message: str) -> None:
        if not quiet:
            echo(f"survey site: {message}", err=True)

    with units.memo_file(obj.unit_memo):
        result = build_site(obj.root, out, pdf_folder=pdf_folder, progress=progress)
    for diagnostic in sorted(result.diagnostics, key=Diagnostic.sort_key):
        echo(diagnostic.as_text(), err=True)
    if result.diagnostics:
        echo(f"survey site: {summary(result.diagnostics)}", err=True)
    if not result.ok:
        echo("survey site: not written; fix the errors above", err=True)
        sys.exit(1)
    echo(str(result.out / "index.html"))


COMMANDS = [site_command]
