"""CHANGELOG.md, which `survey release` writes: the releases it lists, newest first.

Each release is a section `## VERSION (YYYY-MM-DD)` whose first paragraph is a one-line summary; everything else
in the file is kept as written and not read.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from survey.files.limits import MAX_FILE_BYTES

CHANGELOG_FILE = "CHANGELOG.md"
_HEADING = re.compile(r"^## (?P<version>[0-9][0-9A-Za-z.+-]{0,39}) \((?P<date>\d{4}-\d{2}-\d{2})\)\s*$")


@dataclass(frozen=True)
class Release:
    version: str
    date: datetime.date
    summary: str  # the section's first line of text, '' when it has none


def parse_changelog(text: str) -> list[Release]:
    """The releases of a CHANGELOG.md text, in the file's order (newest first); other headings are skipped."""
    releases: list[Release] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        found = _HEADING.match(line)
        if found is None:
            continue
        try:
            date = datetime.date.fromisoformat(found["date"])
        except ValueError:
            continue  # '2026-13-45' is not a release date
        summary = next((rest.strip() for rest in lines[number + 1:] if rest.strip()), "")
        summary = "" if summary.startswith("#") else re.sub(r"\\(.)", r"\1", summary)  # Markdown's escapes undone
        releases.append(Release(found["version"], date, summary))
    return releases


def load_releases(root: Path) -> list[Release]:
    """The releases in root/CHANGELOG.md (none when it is missing, not a regular file, too large or not UTF-8)."""
    from survey.files.repository_paths import escaping_target

    path = root / CHANGELOG_FILE
    if escaping_target(path, root) is not None or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
        return []
    try:
        return parse_changelog(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
