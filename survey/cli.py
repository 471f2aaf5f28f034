"""The `survey` command line: thin commands that parse arguments and call the library."""

from __future__ import annotations

from pathlib import Path

import click

from survey import __version__
from survey.cli_context import Context


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder of the knowledge base (taxonomy.yaml, entries/, paper/).")
@click.version_option(__version__, prog_name="survey")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Turn a community's structured research entries into a journal survey paper."""
    if not root.is_dir():
        raise click.UsageError(f"--root {root}: no such folder")
    ctx.obj = Context(root)


def _register() -> None:
    """Each command lives in its own module under survey/commands (imports there stay light)."""
    from survey.commands import authors_commands, build_commands, check_commands, contrib_commands, query_commands

    for module in (check_commands, authors_commands, query_commands, build_commands, contrib_commands):
        for command in module.COMMANDS:
            main.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    main()
