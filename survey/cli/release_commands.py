"""`survey diff`, `survey release` and `survey bundle`: versions of the knowledge base, and the journal's zip."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.cli.context import Context
from survey.report.terminal import echo


def _print_problems(command: str, diagnostics: list) -> None:  # type: ignore[type-arg]
    from survey.report.diagnostics import Diagnostic, summary

    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        echo(diagnostic.as_text(), err=True)
    if diagnostics:
        echo(f"survey {command}: {summary(diagnostics)}", err=True)


@click.command("diff")
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown: for a pull-request comment or release notes.")
@click.pass_obj
def diff_command(obj: Context, base: str | None, head: str | None, fmt: str) -> None:
    """What changed in the knowledge base from BASE to HEAD (git revisions).

    BASE defaults to the newest release tag (vX...), HEAD to the working tree. Lists entries added, removed
    and renamed (same DOI, arXiv id or title under a new id), each changed field and metric with its old and
    new value, and the taxonomy's terms added, removed, deprecated or renamed. Exit status: 0 (also when there
    is nothing to compare), 1 when a revision cannot be read.
    """
    from survey.release import compare
    from survey.render.changes import render_diff

    outcome = compare(obj.root, base, head)
    if outcome.note is not None:
        echo(f"survey diff: {outcome.note}", err=True)
    _print_problems("diff", outcome.diagnostics)
    if outcome.diff is None:
        sys.exit(1 if any(d.is_error for d in outcome.diagnostics) else 0)
    click.echo(render_diff(outcome.diff, fmt), nl=False)


@click.command("release")
@click.argument("version")
@click.option("--final", is_flag=True, help="Build as `survey build --final` does (for a submission).")
@click.option("--quiet", "-q", is_flag=True, help="Do not show progress.")
@click.pass_obj
def release_command(obj: Context, version: str, final: bool, quiet: bool) -> None:
    """Release VERSION of the knowledge base: check, build both venues, write CHANGELOG.md, CITATION.cff and
    .zenodo.json, commit them as "Release VERSION" and tag the commit vVERSION (nothing is pushed).

    Refuses on uncommitted changes, on check or build errors and when the tag exists. Exit status: 0 released,
    1 refused.
    """
    from survey.load import units
    from survey.release import release

    def progress(message: str) -> None:
        if not quiet:
            echo(f"survey release: {message}", err=True)

    with units.memo_file(obj.unit_memo):
        result = release(obj.root, version, final=final, progress=progress)
    _print_problems("release", [d for d in result.diagnostics if d.is_error or not quiet])
    if not result.ok:
        echo("survey release: not released", err=True)
        sys.exit(1)
    click.echo(result.tag)


@click.command("bundle")
@click.option("--venue", type=click.Choice(["todaes", "tcad"]), default="todaes", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build folder [default: build, or build/tcad for tcad].")
@click.option("--zip", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where the zip goes [default: build/VENUE-bundle.zip].")
@click.option("--quiet", "-q", is_flag=True, help="Do not show progress.")
@click.pass_obj
def bundle_command(obj: Context, venue: str, out: Path | None, target: Path | None, quiet: bool) -> None:
    """The submission zip for a journal or arXiv: one flattened .tex, its .bbl, refs.bib, the figures and the
    venue's class and style; builds first when the build is not up to date. Exit status: 0 written, 1 on errors.
    """
    from survey.bundle import bundle, bundle_name
    from survey.load import units
    from survey.release import RELEASE_VENUES

    def progress(message: str) -> None:
        if not quiet:
            echo(f"survey bundle: {message}", err=True)

    folder = out if out is not None else obj.root / dict(RELEASE_VENUES)[venue]
    zip_path = target if target is not None else obj.root / "build" / bundle_name(venue)
    with units.memo_file(obj.unit_memo):
        result = bundle(obj.root, venue, folder, zip_path, progress=progress)
    _print_problems("bundle", result.diagnostics)
    if not result.ok or result.path is None:
        echo("survey bundle: no bundle written", err=True)
        sys.exit(1)
    click.echo(str(result.path))


COMMANDS = [diff_command, release_command, bundle_command]
