"""The `survey` command line: thin commands that parse arguments and call the library."""

from __future__ import annotations

import os
from pathlib import Path

import click

from survey import __version__
from survey.cli.context import Context
from survey.files.repository_paths import LinkOutOfFolder
from survey.report.terminal import echo, shown_path, terminal_text


class SurveyGroup(click.Group):
    """Commands whose unexpected failures reach the user as one line with a fix, never as a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        import os

        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # names a file or value from the knowledge base; Click 8.5 types `message` Final, yet it is a plain
            # attribute its formatting reads
            setattr(exc, "message", terminal_text(exc.message))  # noqa: B010
            raise
        except (click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except LinkOutOfFolder as refused:  # a link committed where survey writes: refused before any write
            echo(refused.diagnostic.as_text(), err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `survey query ... | head`: the reader has gone; nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            ctx.exit(0)
        except OSError as exc:
            from survey.report.os_errors import describe_os_error

            problem = describe_os_error(exc, f"survey {ctx.invoked_subcommand or ''}".strip())
            where = exc.filename or (ctx.obj.root if ctx.obj else ".")
            echo(f"{shown_path(where)}: error[{problem.code}] {problem.message}\n  hint: {problem.hint}", err=True)
            ctx.exit(1)
        except Exception as exc:
            if os.environ.get("SURVEY_DEBUG"):
                raise
            report = _save_crash_report()
            echo(f"survey: internal error: {type(exc).__name__}: {exc}\n"
                 f"  hint: this is a bug in survey, not in your files; please report it with {report} "
                 f"(SURVEY_DEBUG=1 shows the traceback here)", err=True)
            ctx.exit(3)
        return None


def _save_crash_report() -> str:
    """The traceback of the exception being handled, in a file of its own outside the knowledge base."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", prefix="survey-crash-", suffix=".txt", delete=False) as handle:
        handle.write(traceback.format_exc())
    return handle.name


@click.group(cls=SurveyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder of the knowledge base (taxonomy.yaml, entries/, paper/).")
@click.version_option(__version__, prog_name="survey")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Turn a community's structured research entries into a journal survey paper."""
    if not root.is_dir():
        raise click.UsageError(f"--root {root}: no such folder")
    ctx.obj = Context(root)
    if ctx.invoked_subcommand is not None and "--help" not in ctx.args:
        from survey.cli.context import CACHE_DIR
        from survey.files.repository_paths import require_contained_folder

        # every command may write a cache there (the unit memo, the query index); SurveyGroup reports a refusal
        require_contained_folder(root / CACHE_DIR, root, os.path.normpath(root / CACHE_DIR))


def _register() -> None:
    """Each command lives in its own module under survey/cli (imports there stay light)."""
    from survey.cli import (
        authors_commands,
        build_commands,
        check_commands,
        contrib_commands,
        query_commands,
        release_commands,
        site_commands,
    )

    for module in (check_commands, authors_commands, query_commands, build_commands, site_commands, contrib_commands,
                   release_commands):
        for command in module.COMMANDS:
            main.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    main()
