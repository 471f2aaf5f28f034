"""The release history (CHANGELOG.md at the knowledge base's root) as blocks of plain text for the website: headings,
lists and paragraphs. A small reading of Markdown, enough for a changelog; nothing in it is taken as markup."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from survey.files.limits import MAX_FILE_BYTES
from survey.files.repository_paths import escaping_target, read_cache_file

CHANGELOG_FILE = "CHANGELOG.md"


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


def load_changelog_blocks(root: Path) -> list[ChangelogBlock] | None:
    """The blocks of `root`/CHANGELOG.md; None when there is none, or it is a link out of the repository, not a
    regular file, larger than MAX_FILE_BYTES or not UTF-8 (the site then has no changelog page)."""
    path = root / CHANGELOG_FILE
    if not (path.is_file() or path.is_symlink()) or escaping_target(path, root) is not None:
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = read_cache_file(Path(os.path.realpath(path)))  # a regular file only: a FIFO would block
        return changelog_blocks(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
