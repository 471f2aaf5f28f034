"""Rules that say what a survey needs from an entry beyond a valid file: why it is in, and how tables list it."""

from __future__ import annotations

from survey.load.model import Entry
from survey.load.taxonomy import Taxonomy
from survey.report.diagnostics import Diagnostic, warning

_TALKS_AND_POSTERS = {"keynote", "invited-talk", "poster"}


def check_completeness(entry: Entry, taxonomy: Taxonomy) -> list[Diagnostic]:
    """Warnings for an entry the survey cannot place: no scope, no primary class among several."""
    out: list[Diagnostic] = []
    entry_type = taxonomy["contribution-type"].resolve(entry.type)
    type_id = entry_type.id if entry_type else entry.type
    if entry.scope is None and type_id not in _TALKS_AND_POSTERS:
        out.append(warning(entry.locate("id"), "missing-scope", "the entry does not say why the work is in scope",
                           "add `scope:` with one of "
                           + ", ".join(f"'{t.id}'" for t in taxonomy["scope"])
                           + " (paper/scope.yaml gives the rules)"))
    architecture = taxonomy["architecture"]
    listed = {term.id for text in entry.architecture if (term := architecture.resolve(text))}
    if entry.primary_architecture:
        primary = architecture.resolve(entry.primary_architecture)
        if primary is not None and listed and primary.id not in listed:
            out.append(warning(entry.locate("primary_architecture"), "primary-not-listed",
                               f"primary architecture '{primary.id}' is not among the entry's `architecture` terms",
                               f"add '{primary.id}' to `architecture` or choose one of {sorted(listed)}"))
    elif len(listed) > 1:
        out.append(warning(entry.locate("architecture"), "missing-primary-class",
                           f"{len(listed)} architecture terms and no `primary_architecture`",
                           "name the one class the work is listed under in class-based tables, "
                           f"e.g. `primary_architecture: {entry.architecture[0]}`"))
    return out
