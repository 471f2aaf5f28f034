"""refs.bib from the entries: each entry's own BibTeX record under a stable key (the entry id), or a record made
from the entry's fields when it has none. Names become ASCII with braced accents so that BibTeX can abbreviate
and sort them; markup that is not plain text formatting is escaped, never passed to TeX."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from survey.load.bibtex import parse_record
from survey.load.identifiers import doi_problem
from survey.load.model import Entry
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
    if text.isascii():  # most names: the encoder changes only what is not ASCII
        return text
    from pylatexenc.latexencode import unicode_to_latex  # type: ignore[import-untyped]

    value = unicodedata.normalize("NFC", text)
    return str(unicode_to_latex(value, non_ascii_only=True, replacement_latex_protection="braces-all",
                                unknown_char_policy="keep", unknown_char_warning=False))


def _commands(value: str) -> set[str]:
    """Control sequences of `value`; a backslash at its end counts as one (it would take the brace after it)."""
    return set(re.findall(r"\\([A-Za-z]+|.|$)", value, flags=re.DOTALL))


def _balanced(value: str, *, escapes_count: bool = False) -> bool:
    """Braces balanced as TeX sees them (`\\{` is no brace) or, with `escapes_count`, as BibTeX does (it is)."""
    depth = 0
    for match in re.finditer(r"[{}]" if escapes_count else r"\\.|[{}]", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _plain_markup(value: str, escape: Callable[[str], str]) -> bool:
    """Text with only accents, formatting commands and simple math, which TeX and BibTeX read as the author meant.

    Refused: other commands; braces unbalanced for TeX or for BibTeX (which counts `\\{` too); `^^` (TeX reads
    `^^5c` as a backslash); specials outside math (`# % & ^ _`) and `# % &` inside it; an odd number of `$`;
    control characters; and characters the escaper would change (CJK, scripts pdflatex cannot set).
    """
    if not (_balanced(value) and _balanced(value, escapes_count=True)) or "^^" in value or "@" in value:
        return False
    if not _commands(value) <= _SAFE_COMMANDS:
        return False
    if any(unicodedata.category(c)[0] == "C" and c not in " \t\n" for c in value):
        return False
    if any(ord(c) > 0x7F and escape(c) != c for c in set(value)):
        return False
    pieces = re.sub(r"\\([A-Za-z]+|.)", "", value).split("$")
    if len(pieces) % 2 == 0:
        return False
    return not any(re.search(r"[#%&^_]" if i % 2 == 0 else r"[#%&]", piece) for i, piece in enumerate(pieces))


def safe_value(value: str, escape: Callable[[str], str]) -> tuple[str, bool]:
    """The field value when its markup is harmless, else the value escaped as plain text (and True)."""
    if _plain_markup(value, escape):
        return value, False
    return escape(value), True


def bibtex_text(text: str, escape: Callable[[str], str]) -> str:
    """Plain text as a BibTeX value that the style prints as it is: escaped for LaTeX, with `\\{` and `\\}` spelt
    \\textbraceleft{} and \\textbraceright{} (BibTeX counts their braces), whitespace as one space (BibTeX
    rewraps lines), in a brace group, which keeps a style from changing its case (and the commands' with it)."""
    escaped = str(escape(" ".join(text.split())))
    escaped = escaped.replace(r"\{", r"\textbraceleft{}").replace(r"\}", r"\textbraceright{}")
    # A group that starts with a command is a BibTeX "special character", whose letters change case: two groups.
    return "{{" + escaped + "}}" if escaped.startswith("\\") else "{" + escaped + "}"


def _one_group(value: str) -> bool:
    """Whether `value` is one brace group, as BibTeX counts braces."""
    return value.startswith("{") and value.endswith("}") and _balanced(value[1:-1], escapes_count=True)


def _split_names(value: str) -> list[str]:
    """The names of a BibTeX name list: split at ' and ' outside braces, as BibTeX does."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, flags=re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


def bibtex_name(name: str, escape: Callable[[str], str]) -> str:
    """One person's name for a BibTeX name list: ASCII with braced accents when that is plain markup, else the
    name as escaped text in one brace group, which BibTeX neither splits, reorders nor abbreviates."""
    encoded = bib_names(name)
    # A `]` would end natbib's \bibitem[label]; an "and" would make two people of one.
    if _plain_markup(encoded, escape) and _parts_of_name(encoded) and not _NOT_IN_NAMES.search(encoded):
        return encoded
    return bibtex_text(name[1:-1] if _one_group(name) else name, escape)


_NOT_IN_NAMES = re.compile(r"[\[\]]|\sand\s", flags=re.IGNORECASE)


def _parts_of_name(name: str) -> bool:
    """Whether BibTeX can split the name into parts: at most two commas outside braces and none at the end (else
    it stops with an error, and latexmk with it)."""
    outside = name
    while (inner := re.sub(r"\{[^{}]*\}", "", outside)) != outside:
        outside = inner
    return outside.count(",") <= 2 and not outside.rstrip().endswith(",")


def bibtex_names(value: str, escape: Callable[[str], str]) -> tuple[str, bool]:
    """A BibTeX name list with every name made safe on its own (and whether one had to be escaped)."""
    names = _split_names(value)
    safe = [bibtex_name(name, escape) for name in names]
    return " and ".join(safe), safe != [bib_names(name) for name in names]


_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
# Fields a bibliography style hands to \url (verbatim): checked as identifiers, never escaped as text.
_IDENTIFIER_FIELDS = ("doi", "url")


def safe_doi(value: str) -> str | None:
    """The DOI when it holds only the characters DOIs use in practice (none that TeX or BibTeX would read)."""
    return value if doi_problem(value) is None else None


def _format_field(name: str, value: str) -> str:
    if name == "month" and value.lower() in _MONTHS:
        return f"  {name} = {value.lower()},"
    if name == "year" and value.isdigit():
        return f"  {name} = {value},"
    if name == "title" and not _one_group(value):
        return f"  {name} = {{{{{value}}}}},"  # double braces keep the case the authors wrote
    return f"  {name} = {{{value}}},"


def _record(kind: str, key: str, fields: dict[str, str]) -> str:
    names = [n for n in _FIELD_ORDER if n in fields] + sorted(n for n in fields if n not in _FIELD_ORDER)
    lines = [f"@{kind}{{{key},"] + [_format_field(n, fields[n]) for n in names if fields[n].strip()] + ["}"]
    return "\n".join(lines)


def _generated_fields(entry: Entry, escape: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    people = [p for p in entry.people if p.role in ("author", "speaker", "presenter")] or list(entry.people)
    fields = {"author": " and ".join(bibtex_name(p.name, escape) for p in people),
              "title": bibtex_text(entry.title, escape)}
    if entry.year:
        fields["year"] = str(entry.year)
    if entry.doi:
        fields["doi"] = entry.doi
    if entry.url:
        fields["url"] = entry.url
    if entry.arxiv:
        fields["eprint"], fields["archiveprefix"] = entry.arxiv, "arXiv"
    venue = bibtex_text(entry.venue, escape) if entry.venue else ""
    talk = entry.type in ("keynote", "invited-talk", "poster")
    if talk:
        label = {"keynote": "Keynote", "invited-talk": "Invited talk", "poster": "Poster"}[entry.type]
        fields["howpublished"] = f"{label}, {venue}" if venue else label
    elif venue:
        fields["howpublished"] = venue
    return "misc", fields


def _record_fields(entry: Entry, record: dict[str, str], escape: Callable[[str], str],
                   warnings: list[str]) -> dict[str, str]:
    """The fields of an entry's own BibTeX record, each safe to hand to BibTeX and TeX."""
    where = entry.locate("bibtex")
    fields: dict[str, str] = {}
    for name, value in record.items():
        if not _FIELD_NAME.match(name):
            warnings.append(f"{where}: BibTeX field name '{_shown(name)}' left out of refs.bib; it is not a plain name")
            continue
        if name in _IDENTIFIER_FIELDS:
            fields[name] = " ".join(value.split())
            continue
        if name in _NAME_FIELDS:
            cleaned, escaped = bibtex_names(value, escape)
        else:
            escaped = not _plain_markup(value, escape)
            cleaned = bibtex_text(value, escape) if escaped else value
        if escaped:
            warnings.append(f"{where}: BibTeX field '{name}' holds markup that is not plain text formatting; "
                            "printed literally")
        fields[name] = cleaned
    if entry.doi and "doi" not in fields:
        fields["doi"] = entry.doi
    return fields


def _checked_identifiers(entry: Entry, fields: dict[str, str], warnings: list[str]) -> None:
    """Leave out a DOI or URL that a style's \\url{} would read as markup; a DOI gives the URL IEEEtran prints."""
    if "doi" in fields and safe_doi(fields["doi"]) is None:
        where = entry.locate("doi" if fields["doi"] == entry.doi else "bibtex")
        warnings.append(f"{where}: DOI '{_shown(fields['doi'])}' left out of refs.bib; it holds characters a DOI "
                        "does not use and TeX would read as markup")
        del fields["doi"]
    if "url" not in fields and "doi" in fields:
        fields["url"] = f"https://doi.org/{fields['doi']}"  # IEEEtran.bst prints no DOI field
    if "url" in fields:
        checked = safe_url(fields["url"])
        if checked is None:
            where = entry.locate("url" if fields["url"] == entry.url else "bibtex")
            warnings.append(f"{where}: URL '{_shown(fields['url'])}' left out of refs.bib; only http(s) URLs "
                            "without characters TeX would read as markup are printed")
            del fields["url"]
        else:
            fields["url"] = checked


def _shown(value: str, limit: int = 60) -> str:
    """A value for a one-line message: whitespace as single spaces, no control characters, shortened."""
    text = "".join(c for c in " ".join(value.split()) if unicodedata.category(c)[0] != "C")
    return text if len(text) <= limit else text[:limit] + "..."


def without_locator(entries: Iterable[Entry]) -> list[Entry]:
    """Entries whose reference would print no DOI, URL or arXiv id: a reader could not find the work."""
    out = []
    for entry in entries:
        record = parse_record(entry.bibtex)[0] if entry.bibtex else None
        fields = record.fields if record is not None else {}
        if not (entry.doi or entry.url or entry.arxiv or fields.get("doi") or fields.get("url")
                or fields.get("eprint")):
            out.append(entry)
    return out


def build_bibliography(entries: Iterable[Entry], escape: Callable[[str], str]) -> BibResult:
    """refs.bib text for `entries`, keyed by entry id, sorted by id."""
    records: list[str] = []
    warnings: list[str] = []
    for entry in sorted(entries, key=lambda e: e.id):
        parsed = parse_record(entry.bibtex)[0] if entry.bibtex else None
        if parsed is None:
            kind, fields = _generated_fields(entry, escape)
        else:
            kind = parsed.entry_type if re.match(r"^[a-z]+$", parsed.entry_type) else "misc"
            fields = _record_fields(entry, parsed.fields, escape, warnings)
        _checked_identifiers(entry, fields, warnings)
        if "url" not in fields and fields.get("eprint") and re.match(r"^[\w./-]+$", fields["eprint"]):
            fields["url"] = f"https://arxiv.org/abs/{fields['eprint']}"  # IEEEtran.bst prints no eprint
        records.append(_record(kind, entry.id, fields))
    return BibResult("\n\n".join(records) + "\n", warnings)
