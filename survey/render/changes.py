"""`survey diff`'s forms of a KnowledgeBaseDiff: text for the terminal, Markdown (a pull-request comment, release
notes, a CHANGELOG.md section) and JSON."""

from __future__ import annotations

import json
import os

from survey.derive.changes import EntryChange, FieldChange, KnowledgeBaseDiff, MetricChange, TermChange
from survey.render.export import escape_markdown
from survey.report.diagnostics import one_line

FORMATS = ("text", "markdown", "json")
ARROW = "\u2192"  # Markdown's arrow; text keeps '->' for any terminal
SHOWN_CHARS = 100  # a long value (a summary, a BibTeX record) is cut here in text and Markdown; JSON keeps it whole


CONTEXT_CHARS = 20  # of a long value, the characters shown before the first one that changed


def _short(value: str | None, start: int = 0) -> str:
    if value is None:
        return "(none)"
    text = one_line(value)
    if start > 0:
        text = "\u2026" + text[start:]
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "\u2026"


def _pair(old: str | None, new: str | None, arrow: str) -> str:
    """'old -> new'; of two long values, from a little before where they first differ."""
    start = 0
    if old is not None and new is not None and max(len(old), len(new)) > SHOWN_CHARS:
        common = len(os.path.commonprefix([one_line(old), one_line(new)]))
        start = max(0, common - CONTEXT_CHARS)
    return f"{_short(old, start)} {arrow} {_short(new, start)}"


def summary_line(diff: KnowledgeBaseDiff) -> str:
    """'143 entries (was 142): 2 added, 1 removed, 1 renamed, 3 changed; 2 taxonomy changes.'"""
    counts = [f"{len(items)} {word}" for items, word in ((diff.added, "added"), (diff.removed, "removed"),
                                                           (diff.renamed, "renamed"), (diff.changed, "changed"))
              if items]
    text = f"{diff.entries_after} entries (was {diff.entries_before})"
    text += ": " + ", ".join(counts) if counts else ": no entry changed"
    if diff.terms:
        text += f"; {len(diff.terms)} taxonomy change{'s' if len(diff.terms) != 1 else ''}"
    return text + "."


def _metric_line(change: MetricChange, arrow: str) -> str:
    under = f" ({change.conditions})" if change.conditions else ""
    if change.old is None:
        return f"metric {change.kind}{under} added: {change.new}"
    if change.new is None:
        return f"metric {change.kind}{under} removed: {change.old}"
    text = f"metric {change.kind}{under}: "
    text += f"{change.old} {arrow} {change.new}" if change.old != change.new else f"{change.new}"
    return text + "".join(f"; {d.field} {_pair(d.old, d.new, arrow)}" for d in change.details)


def _field_line(change: FieldChange, arrow: str) -> str:
    return f"{change.field}: {_pair(change.old, change.new, arrow)}"


def _term_line(change: TermChange, arrow: str = "->") -> str:
    if change.change == "added":
        return f"{change.vocabulary}: added '{change.term}' ({change.new})"
    if change.change == "removed":
        return f"{change.vocabulary}: removed '{change.term}' ({change.old})"
    if change.change == "renamed":
        return f"{change.vocabulary}: renamed '{change.old}' {arrow} '{change.new}'"
    if change.change == "deprecated":
        return f"{change.vocabulary}: deprecated '{change.term}'" + (f", use '{change.new}'" if change.new else "")
    return f"{change.vocabulary}: relabelled '{change.term}' {change.old!r} {arrow} {change.new!r}"


def _entry_lines(change: EntryChange, arrow: str = "->") -> list[str]:
    return [_field_line(f, arrow) for f in change.fields] + [_metric_line(m, arrow) for m in change.metrics]


def as_text(diff: KnowledgeBaseDiff) -> str:
    """For the terminal: one line per added, removed or renamed entry, indented lines per changed value."""
    lines = [f"Changes from {diff.base} to {diff.head}: {summary_line(diff)}"]
    if diff.added:
        lines += [f"Added ({len(diff.added)}):"] + [f"  + {e.id}  {one_line(e.title)}" for e in diff.added]
    if diff.removed:
        lines += [f"Removed ({len(diff.removed)}):"] + [f"  - {e.id}  {one_line(e.title)}" for e in diff.removed]
    if diff.renamed:
        lines += [f"Renamed ({len(diff.renamed)}):"] + [f"  {old} -> {new}" for old, new in diff.renamed]
    if diff.changed:
        lines.append(f"Changed ({len(diff.changed)}):")
        for change in diff.changed:
            lines.append(f"  {change.id}  {one_line(change.title)}")
            lines += [f"    {line}" for line in _entry_lines(change)]
    if diff.terms:
        lines += [f"Taxonomy ({len(diff.terms)}):"] + [f"  {_term_line(t)}" for t in diff.terms]
    return "\n".join(lines) + "\n"


def as_markdown(diff: KnowledgeBaseDiff, heading: str = "###") -> str:
    """Markdown with `heading`-level sections; every text from the knowledge base is escaped."""
    md = escape_markdown
    lines = [md(summary_line(diff)), ""]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.extend([f"{heading} {title} ({len(items)})", "", *items, ""])

    section("Added", [f"- `{e.id}`: {md(one_line(e.title))}" for e in diff.added])
    section("Removed", [f"- `{e.id}`: {md(one_line(e.title))}" for e in diff.removed])
    section("Renamed", [f"- `{old}` \u2192 `{new}`" for old, new in diff.renamed])
    changed = []
    for change in diff.changed:
        changed.append(f"- `{change.id}`: {md(one_line(change.title))}")
        changed += [f"  - {md(line)}" for line in _entry_lines(change, ARROW)]
    if changed:
        lines.extend([f"{heading} Changed ({len(diff.changed)})", "", *changed, ""])
    section("Taxonomy", [f"- {md(_term_line(t, ARROW))}" for t in diff.terms])
    return "\n".join(lines).rstrip("\n") + "\n"


def as_json(diff: KnowledgeBaseDiff) -> str:
    return json.dumps(diff.as_dict(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def render_diff(diff: KnowledgeBaseDiff, fmt: str) -> str:
    return {"text": as_text, "markdown": as_markdown, "json": as_json}[fmt](diff)
