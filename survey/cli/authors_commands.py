"""`survey authors`: the co-author list as text, CSV or JSON, and CITATION.cff."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import TYPE_CHECKING

import click

from survey.cli.context import Context
from survey.report.terminal import echo

if TYPE_CHECKING:
    from survey.check.authors import AuthorList
    from survey.report.diagnostics import Diagnostic


@click.command("authors")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="text: numbered names and affiliations; csv/json: one record per co-author.")
@click.option("--all", "show_all", is_flag=True,
              help="Also show co-authors who have not confirmed (invited) or declined, with their state.")
@click.option("--cff", is_flag=True, help="Write CITATION.cff in the knowledge base's folder instead of printing.")
@click.option("--check", "check_only", is_flag=True,
              help="With --cff: write nothing; exit 1 when CITATION.cff is not what --cff would write.")
@click.pass_obj
def authors_command(obj: Context, fmt: str, show_all: bool, cff: bool, check_only: bool) -> None:
    """Print the survey's co-authors: chairs, then speakers, then poster presenters, by family name.

    Without --all only those who may appear in the draft (per paper/metadata.yaml) are printed.
    Exit status: 0, or 1 when paper/metadata.yaml has errors (or, with --cff --check, CITATION.cff is stale).
    """
    from survey.check.authors import build_author_list
    from survey.load.knowledge_base import load_knowledge_base
    from survey.load.metadata import load_metadata

    if check_only and not cff:
        raise click.UsageError("--check goes with --cff: `survey authors --cff --check`")
    if cff and check_only:
        _check_cff(obj)
        return
    if cff:
        _write_cff(obj)
        return
    metadata, diagnostics = load_metadata(obj.root)
    if any(d.is_error for d in diagnostics):
        _report(diagnostics)
        sys.exit(1)
    everyone = build_author_list(load_knowledge_base(obj.root), metadata)
    _report(diagnostics + list(everyone.diagnostics))
    shown = everyone if show_all else everyone.listed()
    if fmt == "json":
        echo(_as_json(shown))
    elif fmt == "csv":
        echo(_as_csv(shown), nl=False)
    else:
        echo(_as_text(shown, everyone, show_all), nl=False)


def _write_cff(obj: Context) -> None:
    from survey.load.knowledge_base import display_path
    from survey.render.citation import write_citation

    path, diagnostics = write_citation(obj.root)
    _report(diagnostics)
    if path is None:
        sys.exit(1)
    echo(f"wrote {display_path(path)}")


def _check_cff(obj: Context) -> None:
    from survey.render.citation import CITATION_FILE, stale_citation

    stale, diagnostics = stale_citation(obj.root)
    _report(diagnostics)
    if stale:
        sys.exit(1)
    click.echo(f"{CITATION_FILE} is up to date")


def _report(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: d.sort_key()):
        echo(diagnostic.as_text(), err=True)


def _as_text(shown: AuthorList, everyone: AuthorList, show_all: bool) -> str:
    pending, declined = len(everyone.pending()), len(everyone.declined())
    lines = [f"Co-authors: {len(everyone.listed().authors)} listed, {pending} pending, {declined} declined"
             + ("" if show_all or not (pending or declined) else " (--all shows everyone)"), ""]
    width = len(str(len(shown.authors)))
    for number, author in enumerate(shown.authors, start=1):
        name = f"{author.name} ({author.name_native})" if author.name_native else author.name
        marks = ",".join(str(n) for n in shown.affiliation_numbers(author))
        role = author.position or author.role
        state = f"  {author.consent}" + ("" if shown.may_appear(author) else
                                         " (pending)" if author.consent == "invited" else " (not listed)")
        lines.append(f"{number:>{width}}. {name}" + (f" [{marks}]" if marks else "") + f"  {role}"
                     + (state if show_all else ""))
    lines += ["", "Affiliations:"]
    for number, affiliation in enumerate(shown.affiliations, start=1):
        place = ", ".join(p for p in (affiliation.city, affiliation.country) if p)
        unknown = "" if affiliation.country else " (country unknown)"
        lines.append(f" [{number}] {affiliation.name}" + (f", {place}" if place else "") + unknown)
    return "\n".join(lines) + "\n"


def _as_json(shown: AuthorList) -> str:
    from survey.check.authors import affiliation_records, author_records

    return json.dumps({"authors": author_records(shown), "affiliations": affiliation_records(shown)},
                      indent=2, ensure_ascii=False)


def _as_csv(shown: AuthorList) -> str:
    from survey.check.authors import author_records

    records = author_records(shown)
    names = {number: affiliation.name for number, affiliation in enumerate(shown.affiliations, start=1)}
    out = io.StringIO()
    columns = ["number", "name", "name_native", "given_names", "name_particle", "family_names", "role", "position",
               "consent", "listed", "affiliations", "affiliation_names", "emails", "orcid", "entries"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {key: record.get(key) for key in columns if key != "affiliation_names"}
        row["affiliation_names"] = "; ".join(names[n] for n in record["affiliations"])
        row["affiliations"] = ";".join(str(n) for n in record["affiliations"])
        row["emails"] = ";".join(record["emails"])
        row["entries"] = ";".join(record["entries"])
        row["listed"] = "yes" if record["listed"] else "no"
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


COMMANDS = [authors_command]
