"""Contributor commands: `survey init`, `new`, `import-bib`, `fmt` (and the `check --changed` runner)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from survey.cli.context import Context
from survey.files.cache_folder import CACHE_DIR
from survey.report.terminal import echo, shown_path


def _taxonomy(root: Path) -> Any:
    from survey.load.knowledge_base import TAXONOMY_FILE, display_path
    from survey.load.taxonomy import load_taxonomy

    path = root / TAXONOMY_FILE
    if not path.is_file():
        raise click.UsageError(f"no {TAXONOMY_FILE} in {display_path(root)}; run survey in the knowledge base's "
                               "folder or pass --root DIR")
    taxonomy, _ = load_taxonomy(str(path), display_path(path))
    if taxonomy is None:
        raise click.ClickException(f"{display_path(path)} cannot be used: run `survey check` to see why")
    return taxonomy


def _read_input(source: str) -> str:
    """The text of a .bib file (or standard input), at most survey.limits.MAX_BIB_BYTES of it."""
    from survey.files.limits import MAX_BIB_BYTES

    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_BIB_BYTES + 1)
        else:
            if not Path(source).is_file():
                raise click.UsageError(f"{source}: not a regular file")
            with open(source, "rb") as handle:
                raw = handle.read(MAX_BIB_BYTES + 1)
        if len(raw) > MAX_BIB_BYTES:
            raise click.UsageError(f"{source}: larger than the {MAX_BIB_BYTES >> 20} MiB limit on a .bib file; "
                                   "split it and import the parts")
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # as reading text would
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"{source}: cannot read: {exc}") from exc


@click.command("new")
@click.option("--id", "entry_id", help="Entry id = file name (default: derived from title, first author, year).")
@click.option("--type", "entry_type", help="Contribution type: keynote, invited-talk, poster, related-work.")
@click.option("--title")
@click.option("--person", "people", multiple=True, metavar="'NAME[; ROLE[; AFFILIATION...]]'",
              help="A person (repeat for each); the first gets the type's role (presenter of a poster) by default.")
@click.option("--venue")
@click.option("--year", type=int)
@click.option("--doi")
@click.option("--arxiv")
@click.option("--url")
@click.option("--term", "terms", multiple=True, metavar="FIELD=TERM[,TERM]",
              help="Controlled terms, e.g. --term memory=sram --term architecture=digital-imc,near-bank.")
@click.option("--from-bibtex", "bibtex_source", metavar="FILE|-",
              help="Fill title, people, venue, year, DOI, arXiv id and the record from one BibTeX record.")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask for missing fields (default: when standard input is a terminal).")
@click.pass_obj
def new_command(obj: Context, entry_id: str | None, entry_type: str | None, title: str | None,
                people: tuple[str, ...], venue: str | None, year: int | None, doi: str | None, arxiv: str | None,
                url: str | None, terms: tuple[str, ...], bibtex_source: str | None,
                interactive: bool | None) -> None:
    """Write entries/<id>.yaml with every field present and commented; never overwrites.

    Give the fields as options, or answer the prompts (the taxonomy's terms are offered), or start from a
    BibTeX record with --from-bibtex. Then edit the file and run `survey check` on it.
    """
    from survey.contribute.scaffold import (
        DraftError,
        derive_id,
        entry_fields,
        parse_person,
        prompt_missing,
        talk_role,
        write_new_entry,
    )

    taxonomy = _taxonomy(obj.root)
    draft: dict[str, Any] = {}
    if bibtex_source:
        draft = _draft_from_bibtex(bibtex_source)
    given = {"type": entry_type, "title": title, "venue": venue, "year": year, "doi": doi, "arxiv": arxiv,
             "url": url}
    draft.update({k: v for k, v in given.items() if v is not None})
    ask = interactive if interactive is not None else sys.stdin.isatty()
    if not ask:
        draft.setdefault("type", "related-work" if bibtex_source else "poster")
    try:
        if people:
            first_role = talk_role(taxonomy, draft.get("type"))
            draft["people"] = [parse_person(spec, first_role if index == 0 else "author")
                               for index, spec in enumerate(people)]
        controlled = [name for name, vocabulary, _ in entry_fields() if vocabulary and name != "type"]
        for spec in terms:
            name, _, values = (part.strip() for part in spec.partition("="))
            if not values or name not in controlled:
                raise DraftError(f"--term '{spec}': write FIELD=TERM[,TERM] with FIELD one of {', '.join(controlled)}")
            draft[name] = [v.strip() for v in values.split(",") if v.strip()]
        if ask:
            draft = prompt_missing(dict(draft, id=entry_id), taxonomy, click.prompt)
        elif entry_id:
            draft["id"] = entry_id
        if not draft.get("id"):
            if not draft.get("title"):
                raise DraftError("give --title (or --id), --from-bibtex FILE, or answer the prompts (--interactive)")
            draft["id"] = derive_id(draft["title"], [p["name"] for p in draft.get("people", [])], draft.get("year"))
        path = write_new_entry(obj.root, draft, taxonomy)
    except DraftError as exc:
        raise click.UsageError(str(exc)) from exc
    except FileExistsError:
        raise click.ClickException(f"entries/{draft['id']}.yaml already exists; it was left as it is "
                                   "(choose another --id, or edit that file)") from None
    from survey.load.knowledge_base import display_path

    echo(f"created {display_path(path)}; edit it, then run: survey check {display_path(path)}")


def _draft_from_bibtex(source: str) -> dict[str, Any]:
    from survey.contribute.bibimport import read_bibtex

    items = read_bibtex(_read_input(source))
    if not items:
        raise click.UsageError(f"{source}: no BibTeX record found")
    if len(items) > 1:
        raise click.UsageError(f"{source}: {len(items)} records; `survey new` takes one "
                               "(use `survey import-bib` for many)")
    item = items[0]
    if item.draft is None:
        raise click.UsageError(f"{source}:{item.line}: {item.problem}")
    shown = "<stdin>" if source == "-" else source
    for warning in item.warnings:
        click.echo(f"{shown}:{item.line}: warning[bib-name] record '{item.key}': {warning}", err=True)
    return dict(item.draft)


@click.command("import-bib")
@click.argument("bib_file", metavar="FILE.bib|-")
@click.option("--type", "entry_type", default="related-work", show_default=True,
              help="Contribution type of the new entries.")
@click.option("--dry-run", is_flag=True, help="Report what would be created; write nothing.")
@click.pass_obj
def import_bib_command(obj: Context, bib_file: str, entry_type: str, dry_run: bool) -> None:
    """Create a skeleton entry for each record of a .bib file.

    Records already in the knowledge base (same DOI, arXiv id or title) are skipped and reported; existing
    files are never overwritten; a record that cannot be read is reported with its line and the rest imported.
    Exit status: 0 when every record was imported or skipped, 1 when some failed.
    """
    from survey.contribute.bibimport import import_bibtex
    from survey.contribute.scaffold import DraftError, resolve_terms
    from survey.load.knowledge_base import display_path

    taxonomy = _taxonomy(obj.root)
    try:
        entry_type = resolve_terms(taxonomy, "contribution-type", [entry_type])[0]
    except DraftError as exc:
        raise click.UsageError(str(exc)) from exc
    text = _read_input(bib_file)
    shown = "<stdin>" if bib_file == "-" else bib_file
    outcomes = import_bibtex(obj.root, text, taxonomy, entry_type, dry_run)
    for outcome in outcomes:
        message = outcome.message
        if outcome.path is not None:
            message = message.replace(str(outcome.path), display_path(outcome.path))
        label = {"created": "", "skipped": "skipped: ", "failed": "error: "}[outcome.status]
        echo(f"{shown}:{outcome.line}: {label}[{outcome.key}] {message}")
        for warning in outcome.warnings:
            echo(f"{shown}:{outcome.line}: warning[bib-name] record '{outcome.key}': {warning}")
    counts = {status: sum(o.status == status for o in outcomes) for status in ("created", "skipped", "failed")}
    verb = "would be created" if dry_run else "created"
    echo(f"{counts['created']} {verb}, {counts['skipped']} skipped as already present, "
         f"{counts['failed']} failed, of {len(outcomes)} records")
    sys.exit(1 if counts["failed"] else 0)


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Change nothing; list the files that would change "
              "and exit 1 if there are any.")
@click.pass_obj
def fmt_command(obj: Context, paths: tuple[Path, ...], check_only: bool) -> None:
    """Rewrite entries in the canonical key order and style, keeping comments (default: all of entries/)."""
    from survey.contribute.formatting import format_file
    from survey.load.knowledge_base import display_path, entry_paths, expand_paths

    for path in paths:
        if not path.exists():
            raise click.UsageError(f"{path}: no such file or folder")
    files = expand_paths(paths) if paths else entry_paths(obj.root)
    changed = failed = 0
    for path in files:
        result = format_file(path, check_only, obj.root)
        shown = shown_path(display_path(path))
        if result.error is not None:
            failed += 1
            where = f"{shown}:{result.error.line}:{result.error.column}" if result.error.line else shown
            echo(f"{where}: error[fmt] {result.error}; the file was left as it is")
        elif result.changed:
            changed += 1
            echo(f"{'would reformat' if check_only else 'reformatted'} {shown}")
    unchanged = len(files) - changed - failed
    verb = "would be reformatted" if check_only else "reformatted"
    echo(f"{changed} file{'s' if changed != 1 else ''} {verb}, {unchanged} unchanged"
         + (f", {failed} could not be read" if failed else "")
         + ("; run `survey fmt` to fix" if check_only and changed else ""))
    sys.exit(1 if failed or (check_only and changed) else 0)


def run_changed_check(obj: Context, paths: tuple[Path, ...], base: str | None, fmt: str) -> NoReturn:
    """`survey check --changed [--base REF]`: print the diagnostics and exit (0 clean, 1 errors, 2 usage)."""
    from survey.check.changed import GitError, check_changed
    from survey.load import units
    from survey.report.diagnostics import render

    if paths:
        raise click.UsageError("--changed finds the files itself: give no PATHS with it")
    try:
        with units.memo_file(obj.unit_memo):
            result = check_changed(obj.root, base, cache_folder=obj.root / CACHE_DIR)
    except GitError as exc:
        raise click.UsageError(f"--changed needs a git repository and a known base ref: {exc}") from exc
    echo(render(result.diagnostics, fmt, result.files_checked), nl=False)
    sys.exit(1 if result.errors else 0)


@click.command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init_command(obj: Context, folder: Path | None) -> None:
    """Write a starter knowledge base (taxonomy.yaml, paper/, one example entry, the schema); never overwrites.

    FOLDER defaults to --root (the current folder). Files that are already there are kept as they are.
    """
    from survey.files.defaults import StarterFile, write_starter
    from survey.load.knowledge_base import display_path

    root = folder if folder is not None else obj.root
    written = write_starter(root)
    schema = root / "schema" / "entry.schema.json"  # generated from the taxonomy just written (or kept)
    schema_is_new = not schema.exists()
    if schema_is_new:
        from survey.files.atomic_write import write_atomically
        from survey.render.schema import entry_schema_json

        write_atomically(schema, entry_schema_json(root))
    written.append(StarterFile(schema, schema_is_new))
    for item in written:
        click.echo(f"{'wrote' if item.written else 'kept  '} {display_path(item.path)}"
                   + ("" if item.written else " (already there)"))
    new = sum(item.written for item in written)
    click.echo(f"{new} file{'s' if new != 1 else ''} written, {len(written) - new} kept; next: edit "
               f"paper/metadata.yaml, then `survey check` and `survey build`"
               + (f" in {display_path(root)}" if folder is not None else ""))


COMMANDS: list[click.Command] = [init_command, new_command, import_bib_command, fmt_command]
