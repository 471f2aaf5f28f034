"""`survey check` and `survey schema`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.cli.context import Context
from survey.report.terminal import echo


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text: one line a problem; json: a list of objects; github: workflow annotations.")
@click.option("--changed", is_flag=True, help="Check only the entries changed against --base (plus every rule "
              "across entries), fast enough for a pre-commit hook.")
@click.option("--base", metavar="REF", help="Git ref for --changed (default: origin/main if it exists, else HEAD).")
@click.pass_obj
def check_command(obj: Context, paths: tuple[Path, ...], fmt: str, changed: bool, base: str | None) -> None:
    """Check entries and taxonomy; report every problem, one a line.

    With PATHS (files or folders), report only problems in or involving them; the rules across entries
    (unique ids and DOIs, ORCIDs, references) still see the whole knowledge base.
    Exit status: 0 clean (warnings allowed), 1 on any error, 2 on usage errors.
    """
    if changed or base:  # before the imports below: a cached run never loads the entry model
        from survey.cli.contrib_commands import run_changed_check

        run_changed_check(obj, paths, base, fmt)
    from survey.check.rules import check
    from survey.load import units
    from survey.report.diagnostics import render

    for path in paths:
        if not path.exists():
            raise click.UsageError(f"{path}: no such file or folder")
    with units.memo_file(obj.unit_memo):
        result = check(obj.root, paths)
    echo(render(result.diagnostics, fmt, result.files_checked), nl=False)
    sys.exit(1 if result.errors else 0)


@click.command("schema")
@click.pass_obj
def schema_command(obj: Context) -> None:
    """Print the JSON Schema of an entry (generated from the model and the taxonomy's terms)."""
    from survey.render.schema import entry_schema_json

    echo(entry_schema_json(obj.root), nl=False)


COMMANDS = [check_command, schema_command]
