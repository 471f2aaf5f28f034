"""CHANGELOG.md: a new release goes on top, the editors' own text stays, and the releases read back."""

from __future__ import annotations

import datetime

from survey.derive.changes import EntryRef, KnowledgeBaseDiff
from survey.load.changelog import parse_changelog
from survey.render.changelog import release_section, with_release


def test_a_new_release_goes_above_the_last_and_the_text_before_stays() -> None:
    first = with_release(None, release_section("0.1.0", datetime.date(2026, 1, 5), None, 12))
    edited = first.replace("# Changelog\n", "# Changelog\n\nEditors' note: kept.\n", 1)
    diff = KnowledgeBaseDiff("v0.1.0", "the working tree", added=[EntryRef("new-work25", "A *New* Work")],
                             entries_before=12, entries_after=13)
    second = with_release(edited, release_section("0.2.0", datetime.date(2026, 3, 1), diff, 13))
    assert second.index("Editors' note: kept.") < second.index("## 0.2.0 (2026-03-01)") < second.index("## 0.1.0")
    assert "- `new-work25`: A \\*New\\* Work" in second
    releases = parse_changelog(second)
    assert [(r.version, r.date.isoformat()) for r in releases] == [("0.2.0", "2026-03-01"), ("0.1.0", "2026-01-05")]
    assert releases[0].summary == "13 entries (was 12): 1 added."
    assert releases[1].summary == "First release: 12 entries."


def test_headings_that_are_not_releases_are_not_read() -> None:
    text = "## Unreleased\n\n## 1.0 (2026-13-45)\n\n## 1.1 (2026-02-03)\n\n### Added (1)\n"
    assert [(r.version, r.summary) for r in parse_changelog(text)] == [("1.1", "")]
