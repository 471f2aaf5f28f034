"""BibTeX records of entries, parsed with bibtexparser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BibProblem:
    line: int  # 1-based line within the record text
    message: str


@dataclass(frozen=True)
class BibRecord:
    entry_type: str
    key: str
    fields: dict[str, str]


def parse_record(text: str) -> tuple[BibRecord | None, list[BibProblem]]:
    """Parse the single BibTeX record an entry holds."""
    import logging

    import bibtexparser

    # bibtexparser logs each failed block as a warning; we report it as a located diagnostic instead.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    library: Any = bibtexparser.parse_string(text)
    problems: list[BibProblem] = []
    for block in library.failed_blocks:
        line = (getattr(block, "start_line", 0) or 0) + 1
        reason = getattr(getattr(block, "error", None), "abort_reason", None) or str(getattr(block, "error", ""))
        problems.append(BibProblem(line, f"BibTeX record does not parse: {reason}" if reason
                                   else "BibTeX record does not parse"))
    entries = library.entries
    if not entries:
        if not problems:
            problems.append(BibProblem(1, "no BibTeX record found"))
        return None, problems
    if len(entries) > 1:
        problems.append(BibProblem(entries[1].start_line + 1, f"{len(entries)} BibTeX records; an entry holds one"))
    first = entries[0]
    for block in library.blocks:
        raw = str(getattr(block, "raw", "") or "").strip()
        if type(block).__name__ == "ImplicitComment" and block.start_line > first.start_line and raw:
            shown = " ".join(raw[:40].split())
            problems.append(BibProblem(block.start_line + 1, f"text after the record's end: '{shown}'; an "
                                       "unbalanced '}' ends a record early (write \\} for a literal brace)"))
            break
    fields = {field.key.lower(): str(field.value) for field in first.fields}
    return BibRecord(first.entry_type.lower(), first.key, fields), problems
