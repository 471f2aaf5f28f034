"""refs.bib from the entries: each entry's own BibTeX record under a stable key (the entry id), or a record made
from the entry's fields when it has none. Names become ASCII with braced accents so that BibTeX can abbreviate
and sort them; markup that is not plain text formatting is escaped, never passed to TeX."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from survey.bibtex import parse_record
from survey.model import Entry
from survey.render.latex_escape import url as safe_url

_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
_NAME_FIELDS = ("author", "editor")
# Control sequences a BibTeX value may keep: accents, special letters, escaped specials, text styles.
_SAFE_COMMANDS = {
    "'", '"', "`", "^", "~", "=", ".", "u", "v", "H", "c", "d", "b", "t", "r", "k",
    "ss", "o", "O", "l", "L", "aa", "AA", "ae", "AE", "oe", "OE", "i", "j",
    "&", "%", "$", "#", "_", "{", "}", " ", "textit", "emph", "textbf", "textsc", "texttt", "mbox", "textendash",
    "textemdash", "textregistered", "texttrademark", "copyright", "textasciitilde", "textunderscore", "times",
    "mu", "textmu", "ldots", "dots", "textsubscript", "textsuperscript", "alpha", "beta", "gamma", "lambda",
}
# Fields written in order; others the record holds follow alphabetically.
_FIELD_ORDER = ("author", "editor", "title", "booktitle", "journal", "volume", "number", "pages", "year", "month",
                "publisher", "address", "doi", "url", "eprint", "archiveprefix", "howpublished", "note")


@dataclass(frozen=True)
class BibResult:
    text: str
    warnings: list[str]


def bib_names(text: str) -> str:
    """Names as ASCII with braced accents ({\\"u}), which BibTeX abbreviates and sorts correctly."""
    from pylatexenc.latexencode import unicode_to_latex

    value = unicodedata.normalize("NFC", text)
    return str(unicode_to_latex(value, non_ascii_only=True, replacement_latex_protection="braces-all",
                                unknown_char_policy="keep", unknown_char_warning=False))


def _commands(value: str) -> set[str]:
    return set(re.findall(r"\\([A-Za-z]+|.)", value))


def _balanced(value: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def safe_value(value: str, escape: Callable[[str], str]) -> tuple[str, bool]:
    """The field value when its markup is harmless, else the value escaped as plain text (and True)."""
    if _balanced(value) and _commands(value) <= _SAFE_COMMANDS and "@" not in value:
        return value, False
    return escape(value), True


def _format_field(name: str, value: str) -> str:
    if name == "month" and value.lower() in _MONTHS:
        return f"  {name} = {value.lower()},"
    if name == "year" and value.isdigit():
        return f"  {name} = {value},"
    if name == "title":
        return f"  {name} = {{{{{value}}}}},"  # double braces keep the case the authors wrote
    return f"  {name} = {{{value}}},"


def _record(kind: str, key: str, fields: dict[str, str]) -> str:
    names = [n for n in _FIELD_ORDER if n in fields] + sorted(n for n in fields if n not in _FIELD_ORDER)
    lines = [f"@{kind}{{{key},"] + [_format_field(n, fields[n]) for n in names if fields[n].strip()] + ["}"]
    return "\n".join(lines)


def _generated_fields(entry: Entry, escape: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    people = [p for p in entry.people if p.role in ("author", "speaker", "presenter")] or list(entry.people)
    fields = {"author": " and ".join(bib_names(p.name) for p in people), "title": str(escape(entry.title))}
    if entry.year:
        fields["year"] = str(entry.year)
    if entry.doi:
        fields["doi"] = entry.doi
    if entry.url:
        fields["url"] = entry.url
    if entry.arxiv:
        fields["eprint"], fields["archiveprefix"] = entry.arxiv, "arXiv"
    venue = str(escape(entry.venue)) if entry.venue else ""
    talk = entry.type in ("keynote", "invited-talk", "poster")
    if talk:
        label = {"keynote": "Keynote", "invited-talk": "Invited talk", "poster": "Poster"}[entry.type]
        fields["howpublished"] = f"{label}, {venue}" if venue else label
    elif venue:
        fields["howpublished"] = venue
    if entry.doi and "url" not in fields:
        fields["url"] = f"https://doi.org/{entry.doi}"  # IEEEtran.bst prints no DOI field
    return "misc", fields


def build_bibliography(entries: Iterable[Entry], escape: Callable[[str], str]) -> BibResult:
    """refs.bib text for `entries`, keyed by entry id, sorted by id."""
    records: list[str] = []
    warnings: list[str] = []
    for entry in sorted(entries, key=lambda e: e.id):
        parsed = parse_record(entry.bibtex)[0] if entry.bibtex else None
        if parsed is None:
            kind, fields = _generated_fields(entry, escape)
        else:
            kind, fields = parsed.entry_type, {}
            for name, value in parsed.fields.items():
                if name in _NAME_FIELDS:
                    value = bib_names(value)
                cleaned, escaped = safe_value(value, escape)
                if escaped:
                    warnings.append(f"{entry.locate('bibtex')}: BibTeX field '{name}' holds markup that is not "
                                    "plain text formatting; printed literally")
                fields[name] = cleaned
            if entry.doi and "doi" not in fields:
                fields["doi"] = entry.doi
            if "url" not in fields and fields.get("doi"):
                fields["url"] = f"https://doi.org/{fields['doi']}"  # IEEEtran.bst prints no DOI field
        if "url" in fields:
            checked = safe_url(fields["url"])
            if checked is None:
                warnings.append(f"{entry.locate('url')}: URL '{fields['url']}' left out of refs.bib; it holds "
                                "characters TeX would read as markup")
                del fields["url"]
            else:
                fields["url"] = checked
        records.append(_record(kind, entry.id, fields))
    return BibResult("\n\n".join(records) + "\n", warnings)
