"""CHANGELOG.md: a section per release, newest first, each the Markdown form of `survey diff` since the previous
release (survey.load.changelog reads it back)."""

from __future__ import annotations

import datetime

from survey.derive.changes import KnowledgeBaseDiff
from survey.render.changes import as_markdown

_TITLE = "# Changelog\n"
_INTRO = ("Releases of the knowledge base, newest first, written by `survey release`: each section lists what\n"
          "changed since the previous release.\n")


def release_section(version: str, date: datetime.date, diff: KnowledgeBaseDiff | None, entries: int) -> str:
    """The section of one release; `diff` is None for the first release (nothing to compare against)."""
    heading = f"## {version} ({date.isoformat()})\n\n"
    if diff is None:
        return heading + f"First release: {entries} entries.\n"
    return heading + as_markdown(diff, heading="###")


def with_release(existing: str | None, section: str) -> str:
    """CHANGELOG.md with `section` above the newest release (the title and any text before the first release
    stay where they are)."""
    if not existing or not existing.strip():
        return f"{_TITLE}\n{_INTRO}\n{section}"
    lines = existing.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    head = "".join(lines[:first]).rstrip("\n") + "\n\n"
    rest = "".join(lines[first:])
    return head + section + ("\n" + rest if rest else "")
