"""Syntax checks for the identifiers entries carry: entry id, DOI, arXiv id, e-mail address and ORCID iD."""

from __future__ import annotations

import re
import unicodedata

ENTRY_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # also a pydantic (Rust regex) pattern: `$` is the end there
ID_RULE = "ids are lower-case ASCII words joined by hyphens, e.g. attacc-asplos24"

# ASCII digits ([0-9], not \d, which matches every script's digits) and \Z (`$` also matches before a final
# newline): the JSON Schema uses the same patterns, and its regular expressions mean exactly this.
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+\Z")
# The characters DOI suffixes use in practice (Crossref's pattern, plus <>[]+ of older SICI DOIs); anything else,
# such as a backslash, brace, % or #, would be markup or a URL fragment in refs.bib.
_DOI_SUFFIX = re.compile(r"^[-._;()/:A-Za-z0-9<>\[\]+]+\Z")
_ARXIV_NEW = re.compile(r"^[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}(v[0-9]+)?\Z")
_ARXIV_OLD = re.compile(r"^[a-z][a-z.\-]*(\.[A-Z]{2})?/[0-9]{7}(v[0-9]+)?\Z")
_ARXIV_SHAPE = re.compile(r"^[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?\Z")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\Z")
_ORCID = re.compile(r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]\Z")


def doi_problem(doi: str) -> str | None:
    """Why `doi` is not a bare DOI, or None when it is one."""
    if doi.lower().startswith(("https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:")):
        return "write the bare DOI without the resolver prefix, e.g. 10.1145/3620665.3640422"
    if not _DOI.match(doi):
        return "a DOI looks like 10.1145/3620665.3640422 (prefix 10.NNNN, a slash, a suffix)"
    suffix = doi.split("/", 1)[1]
    if not _DOI_SUFFIX.match(suffix):
        odd = sorted({char for char in suffix if not _DOI_SUFFIX.match(char)})
        return (f"a DOI suffix uses letters, digits and -._;()/:<>[]+ only, not {' '.join(repr(c) for c in odd)}; "
                "copy the DOI from the publisher's page")
    return None


def arxiv_problem(arxiv: str) -> str | None:
    if arxiv.lower().startswith(("arxiv:", "http")):
        return "write the bare arXiv id, e.g. 2402.15826"
    if _ARXIV_NEW.match(arxiv):
        return None
    if _ARXIV_SHAPE.match(arxiv):
        return "the first four digits of an arXiv id are YYMM"
    if _ARXIV_OLD.match(arxiv):
        return None
    return "an arXiv id looks like 2402.15826 (quote it in YAML) or cs/0601001"


def email_problem(email: str) -> str | None:
    return None if _EMAIL.match(email) else "an e-mail address looks like name@example.org"


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_problem(orcid: str) -> str | None:
    if orcid.lower().startswith(("https://orcid.org/", "http://orcid.org/")):
        return "write the bare ORCID iD, e.g. 0000-0002-1825-0097"
    if not _ORCID.match(orcid):
        return "an ORCID iD is four groups of four digits, e.g. 0000-0002-1825-0097"
    digits = orcid.replace("-", "")
    expected = orcid_checksum(digits[:15])
    if digits[15] != expected:
        return f"its check digit should be '{expected}': the iD is mistyped"
    return None


def schema_patterns() -> dict[str, str]:
    """The syntax rules above as JSON Schema patterns (ECMA-262 regular expressions), for `survey schema`."""
    def ecma(pattern: re.Pattern[str]) -> str:
        return pattern.pattern.replace("\\Z", "$")

    suffix = ecma(_DOI_SUFFIX).removeprefix("^")
    return {
        "doi": ecma(_DOI).replace("\\S+$", suffix),
        "arxiv": f"({ecma(_ARXIV_NEW)})|({ecma(_ARXIV_OLD)})",
        "email": ecma(_EMAIL),
        "orcid": ecma(_ORCID),
        "id": ecma(ENTRY_ID),
    }


def normalise_doi(doi: str) -> str:
    return doi.strip().lower()


def non_ascii_note(text: str, limit: int = 3) -> str | None:
    """Name the first non-ASCII characters of `text`, which may only look like ASCII ones ('а' U+0430 ...)."""
    found = [(index, char) for index, char in enumerate(text, start=1) if ord(char) > 127]
    if not found:
        return None
    named = [f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}) at position {index}"
             for index, char in found[:limit]]
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return f"it holds {', '.join(named)}{more}, which only look like ASCII"
