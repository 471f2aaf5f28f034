"""CHANGELOG.md at the knowledge base's root, which `survey release` writes: one small reading of its Markdown into
blocks of plain text (headings, lists, paragraphs; nothing in it is taken as markup), and the releases it lists,
newest first: each a section `## VERSION (YYYY-MM-DD)` whose first paragraph is a one-line summary."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

from survey.files.limits import MAX_FILE_BYTES
from survey.files.repository_paths import escaping_target, read_cache_file

CHANGELOG_FILE = "CHANGELOG.md"
_RELEASE = re.compile(r"^(?P<version>[0-9][0-9A-Za-z.+-]{0,39}) \((?P<date>\d{4}-\d{2}-\d{2})\)$")


@dataclass(frozen=True)
class Release:
    version: str
    date: datetime.date
    summary: str  # the section's first paragraph, '' when it has none


@dataclass(frozen=True)
class ChangelogBlock:
    kind: str  # 'heading', 'list' or 'paragraph'
    text: str = ""
    level: int = 0  # a heading's level (1 for '#')
    items: tuple[str, ...] = ()  # a list's items, in order (nested items flattened into it)


def changelog_blocks(text: str) -> list[ChangelogBlock]:
    """Headings ('#'...), lists (items '-', '*' or '+', continued by indented lines) and paragraphs, in order."""
    blocks: list[ChangelogBlock] = []
    paragraph: list[str] = []
    gap = False  # a blank line since the last list item: the next item starts a new list

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(ChangelogBlock("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            end_paragraph()
            gap = True
            continue
        hashes = len(stripped) - len(stripped.lstrip("#"))
        if 1 <= hashes <= 6 and stripped[hashes:hashes + 1] in (" ", ""):
            end_paragraph()
            blocks.append(ChangelogBlock("heading", stripped[hashes:].strip(" #"), hashes))
        elif stripped[:2] in ("- ", "* ", "+ "):
            end_paragraph()
            items = blocks.pop().items if blocks and blocks[-1].kind == "list" and not gap else ()
            blocks.append(ChangelogBlock("list", items=(*items, stripped[2:].strip())))
        elif indent and not paragraph and not gap and blocks and blocks[-1].kind == "list":
            last = blocks.pop()
            blocks.append(ChangelogBlock("list", items=(*last.items[:-1], f"{last.items[-1]} {stripped}")))
        else:
            paragraph.append(stripped)
        gap = False
    end_paragraph()
    return blocks


def parse_changelog(text: str) -> list[Release]:
    """The releases of a CHANGELOG.md text, in the file's order (newest first); other headings are skipped."""
    blocks = changelog_blocks(text)
    releases: list[Release] = []
    for number, block in enumerate(blocks):
        found = _RELEASE.match(block.text) if block.kind == "heading" and block.level == 2 else None
        if found is None:
            continue
        try:
            date = datetime.date.fromisoformat(found["date"])
        except ValueError:
            continue  # '2026-13-45' is not a release date
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        summary = following.text if following is not None and following.kind == "paragraph" else ""
        releases.append(Release(found["version"], date, re.sub(r"\\(.)", r"\1", summary)))  # Markdown's escapes undone
    return releases


def _read_changelog(root: Path) -> str | None:
    """The text of `root`/CHANGELOG.md; None when there is none, or it is a link out of the repository, not a
    regular file, larger than MAX_FILE_BYTES or not UTF-8."""
    path = root / CHANGELOG_FILE
    if not (path.is_file() or path.is_symlink()) or escaping_target(path, root) is not None:
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return read_cache_file(Path(os.path.realpath(path))).decode("utf-8")  # a regular file only: a FIFO would block
    except (OSError, UnicodeDecodeError):
        return None


def load_releases(root: Path) -> list[Release]:
    """The releases in root/CHANGELOG.md (none when it cannot be read)."""
    text = _read_changelog(root)
    return parse_changelog(text) if text is not None else []


def load_changelog_blocks(root: Path) -> list[ChangelogBlock] | None:
    """The blocks of root/CHANGELOG.md for the website; None when it cannot be read (the site then has no changelog
    page)."""
    text = _read_changelog(root)
    return changelog_blocks(text) if text is not None else None
