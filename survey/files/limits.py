"""The resource limits on untrusted input, in one place: the loader, `fmt`, `import-bib`, the check and the unit
parser all read them from here, and SECURITY.md quotes them (tests/test_limits.py keeps the two in step).

Each limit is far above what a real entry needs and below what the later stages can hold: TeX reads a line of
at most 200,000 characters, BibTeX holds at most 200,000 characters in one string (its global-string-size), and
survey's escaping may turn one character into up to 16 (`\\textbackslash{}`).
"""

from __future__ import annotations

MAX_FILE_BYTES = 1 << 20  # an entry of 1 MiB is already a hundred times larger than a real one (8 KB)
MAX_DEPTH = 64  # nesting of mappings and lists; a real entry nests 3 deep
MAX_NODES = 200_000  # values after alias expansion
MAX_TEXT = 8_000  # characters in one value: five times the longest real one; escaped, still below TeX's line
MAX_ENTRY_TEXT = 64_000  # characters of text in one entry, all values together
MAX_PEOPLE = 200  # people of one entry (real entries: at most 33)
MAX_NAMES_TEXT = 8_000  # characters of all people's names together: BibTeX keeps the author list in one string
MAX_METRICS = 200  # metrics of one entry (real entries: at most 10)
MAX_UNIT_CHARS = 40  # characters of one unit ('GOPS/mm^2'); pint's parser is not meant for hostile text
MAX_UNIT_POWERS = 3  # `^` or `**` in one unit, each to a whole power of at most two digits, never of a power
MAX_BIB_BYTES = 4 << 20  # a .bib file given to `import-bib` or `new --from-bibtex`

__all__ = ["MAX_BIB_BYTES", "MAX_DEPTH", "MAX_ENTRY_TEXT", "MAX_FILE_BYTES", "MAX_METRICS", "MAX_NAMES_TEXT",
           "MAX_NODES", "MAX_PEOPLE", "MAX_TEXT", "MAX_UNIT_CHARS", "MAX_UNIT_POWERS"]
