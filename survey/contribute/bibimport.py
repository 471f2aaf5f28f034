"""`survey import-bib`: skeleton entries from a .bib file, one per record, never a duplicate, never overwriting.

Real-world BibTeX is read record by record: `@string` macros and `#` concatenation are resolved, `@comment` and
text between records ignored, LaTeX accents turned into Unicode (pylatexenc), and a record that cannot be read
is reported with its line while the others are still imported. Author lists are read by BibTeX's rules, and
what a database or a hand edit got wrong in them is a warning, never a silently wrong name (`read_names`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.contribute.scaffold import NOT_YAML_PRINTABLE, Draft, DraftError, ascii_words, derive_id, write_new_entry
from survey.load.taxonomy import Taxonomy

_MONTHS = {m: m.capitalize() for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec")}
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


@dataclass
class BibItem:
    """One record of the .bib file: its draft, or why it cannot be imported."""

    line: int  # 1-based line of the record in the .bib file
    key: str
    draft: Draft | None = None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)  # what the skeleton lacks
    warnings: list[str] = field(default_factory=list)  # what was read with a doubt (odd author names)


@dataclass(frozen=True)
class Outcome:
    line: int
    key: str
    status: str  # created | skipped | failed
    message: str
    path: Path | None = None
    warnings: tuple[str, ...] = ()


def latex_to_unicode(text: str) -> str:
    """LaTeX text ('M{\\"u}ller', '{\\L}ukasz', '\\'{e}', '{PIM}') as Unicode, braces dropped, spaces collapsed."""
    from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

    return " ".join(printable(LatexNodes2Text(math_mode="text").latex_to_text(text)).split())


def printable(text: str) -> str:
    """`text` without the characters a YAML file cannot hold (controls, U+FFFE, U+FFFF)."""
    return NOT_YAML_PRINTABLE.sub("", text)  # junk in a .bib file, which would make the written entry unreadable


def _split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """`text` split at matches of `separator` outside braces and quotes."""
    parts, depth, quoted, last = [], 0, False, 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif depth == 0 and not quoted:
            match = separator.match(text, index)
            if match and match.end() > index:
                parts.append(text[last:index])
                last = index = match.end()
                continue
        index += 1
    parts.append(text[last:])
    return parts


def evaluate_value(raw: str, strings: dict[str, str]) -> str:
    """A field's value: `{...}`, `"..."`, a number or a macro, joined by `#`; KeyError names an undefined macro."""
    pieces = []
    for part in _split_top_level(raw.strip(), re.compile(r"\s*#\s*")):
        part = part.strip()
        if len(part) >= 2 and part[0] == "{" and part[-1] == "}" or len(part) >= 2 and part[0] == part[-1] == '"':
            pieces.append(part[1:-1])
        elif part.isdigit():
            pieces.append(part)
        elif part.lower() in strings:
            pieces.append(strings[part.lower()])
        elif part.lower() in _MONTHS:
            pieces.append(_MONTHS[part.lower()])
        else:
            raise KeyError(part)
    return "".join(pieces)


# A number that bibliography databases append to tell namesakes apart: DBLP's "Wei Wang 0001".
_DISAMBIGUATION = re.compile(r"\s+(\d{4})$")
_AND = re.compile(r"(?:^|(?<=\s))and(?=\s|$)", re.IGNORECASE)


def split_authors(value: str) -> list[str]:
    """BibTeX names ('Last, First and First Last and {Org}') as 'First Last', in Unicode; 'others' dropped."""
    return read_names(value)[0]


def read_names(value: str) -> tuple[list[str], list[str]]:
    """The names of a BibTeX author (or editor) list, and a warning for each oddity met on the way.

    BibTeX's rules: names are separated by `and` outside braces; a name is `First von Last`, `von Last, First`
    or `von Last, Jr, First`. What databases and hand edits get wrong is reported, never guessed silently: an
    empty name between two separators, a stray comma (which would swap given and family names), more commas
    than BibTeX allows, a database's disambiguation number ('Wei Wang 0001'), and a list cut short by `others`.
    """
    names: list[str] = []
    warnings: list[str] = []
    # `and` between white space, or at either end: 'A and and B' holds an empty name, not a name 'and B'
    raws = _split_top_level(value.strip(), _AND)
    for index, raw in enumerate(raws):
        raw = " ".join(raw.split())
        if not raw.strip(" ,"):
            if len(raws) > 1:
                warnings.append(f"an empty name between two separators (name {index + 1} of the author list) "
                                "was skipped")
            continue
        if raw.lower() in ("others", "et al.", "et al", "et~al."):
            if index == len(raws) - 1:
                warnings.append(f"the author list ends with 'and {raw}': only {len(names)} author"
                                f"{'s are' if len(names) != 1 else ' is'} named; add the rest from the paper")
            continue
        name = _one_name(raw, warnings)
        if name:
            names.append(name)
    return names, warnings


def _one_name(raw: str, warnings: list[str]) -> str:
    parts = [p.strip() for p in _split_top_level(raw, re.compile(r","))]
    written = [p for p in parts if p]
    if len(written) != len(parts) and not (len(parts) == 3 and parts[1] == "" and parts[0] and parts[2]):
        # `Last, , First` (an empty Jr) is BibTeX; any other empty part is a stray comma.
        warnings.append(f"a stray comma in the name '{raw}' was ignored; check the given and family names")
        parts = written
    if len(parts) > 3:
        warnings.append(f"the name '{raw}' has {len(parts) - 1} commas, more than BibTeX allows (two); it was "
                        "kept in the order written")
        name = " ".join(latex_to_unicode(p) for p in parts)
    elif len(parts) == 3:  # von Last, Jr, First
        name = " ".join(p for p in (latex_to_unicode(parts[2]), latex_to_unicode(parts[0]),
                                    latex_to_unicode(parts[1])) if p)
    elif len(parts) == 2:  # von Last, First
        name = " ".join(p for p in (latex_to_unicode(parts[1]), latex_to_unicode(parts[0])) if p)
    else:
        name = latex_to_unicode(parts[0]) if parts else ""
    match = _DISAMBIGUATION.search(name)
    if match:
        name = name[:match.start()]
        warnings.append(f"the number '{match.group(1)}' after '{name}' (a database's way to tell namesakes "
                        "apart) was dropped")
    return name


def _record_text(entry_type: str, key: str, values: dict[str, str]) -> str:
    lines = [f"@{entry_type}{{{key},"]
    for name, value in values.items():
        lines.append(f"  {name} = {{{value}}},")
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}"


def arxiv_id(values: dict[str, str]) -> str | None:
    """The arXiv id of a record (eprint with archivePrefix arXiv, an arXiv journal line or URL), without version."""
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "").lower()
    candidates = [values.get("eprint", "")] if prefix == "arxiv" or values.get("eprint", "").count(".") == 1 else []
    candidates += [m.group(1) for m in re.finditer(r"arxiv[:\s]+(\S+)", values.get("journal", ""), re.IGNORECASE)]
    candidates += [m.group(1) for m in re.finditer(r"arxiv\.org/(?:abs|pdf)/(\S+)", values.get("url", ""))]
    for candidate in candidates:
        match = _ARXIV_ID.fullmatch(candidate.strip().removesuffix(".pdf"))
        if match:
            return match.group(1)
    return None


def read_bibtex(text: str) -> list[BibItem]:
    """Every record of a .bib text, as a draft or a problem, in file order."""
    import logging

    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failures are reported per record instead
    library: Any = bibtexparser.parse_string(text, parse_stack=[])
    strings: dict[str, str] = {}
    for block in library.strings:
        try:
            strings[block.key.lower()] = evaluate_value(str(block.value), strings)
        except KeyError:
            strings[block.key.lower()] = str(block.value).strip("{}\"")
    items: list[BibItem] = []
    for block in library.failed_blocks:
        line = (getattr(block, "start_line", 0) or 0) + 1
        key = str(getattr(block, "key", "") or "?")
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            items.append(BibItem(line, key, problem=f"record key '{key}' is used twice in the file; rename one"))
            continue
        reason = getattr(getattr(block, "error", None), "abort_reason", None)
        first = str(getattr(block, "raw", "")).split("\n", 1)[0][:60]
        if type(block).__name__ == "DuplicateFieldKeyBlock":
            names = sorted(getattr(block, "duplicate_keys", None) or ())
            told = ", ".join(f"'{name}'" for name in names)
            items.append(BibItem(line, _key_of(first), problem=f"field {told} appears twice in the record; keep one"
                                 if len(names) == 1 else f"fields {told} appear twice in the record; keep one of each"))
            continue
        items.append(BibItem(line, _key_of(first), problem="record does not parse" + (f": {reason}" if reason else
                                                                                        f": {first}")))
    for entry in library.entries:
        items.append(_item(entry, strings))
    return sorted(items, key=lambda item: item.line)


def _key_of(first_line: str) -> str:
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", first_line)
    return match.group(1) if match else "?"


def _item(entry: Any, strings: dict[str, str]) -> BibItem:
    item = BibItem(entry.start_line + 1, printable(entry.key))
    values: dict[str, str] = {}
    for bib_field in entry.fields:
        try:
            values[printable(bib_field.key).lower()] = " ".join(
                printable(evaluate_value(str(bib_field.value), strings)).split())
        except KeyError as exc:
            item.problem = f"field '{bib_field.key}' uses the undefined string macro '{exc.args[0]}'"
            return item
    title = latex_to_unicode(values.get("title", ""))
    if not title:
        item.problem = "record has no title"
        return item
    people, item.warnings = read_names(values.get("author") or values.get("editor") or "")
    if not people:
        item.notes.append("no author: add `people`")
    year_match = re.search(r"\d{4}", values.get("year", "") or values.get("date", ""))
    year = int(year_match.group(0)) if year_match else None
    venue_raw = values.get("booktitle") or values.get("journal") or values.get("publisher") or ""
    arxiv = arxiv_id(values)
    venue = "arXiv" if arxiv and venue_raw.lower().startswith("arxiv") else latex_to_unicode(venue_raw) or None
    doi = _DOI_PREFIX.sub("", values.get("doi", "")).strip() or None
    if doi:
        values["doi"] = doi  # the record keeps the bare DOI, as the entry does
    url = values.get("url") or (f"https://doi.org/{doi}" if doi else None)
    draft: Draft = {
        "title": title,
        "people": [{"name": name, "role": "author"} for name in people],
        "venue": venue, "year": year, "doi": doi, "arxiv": arxiv, "url": url,
        "bibtex": _record_text(printable(entry.entry_type).lower(), item.key, values),
    }
    draft["id"] = derive_id(title, people, year)
    item.draft = draft
    return item


def normalise_title(title: str) -> str:
    return " ".join(ascii_words(latex_to_unicode(title)))


@dataclass
class KnownWorks:
    """What the knowledge base already holds: DOIs, arXiv ids, normalised titles (each -> file) and ids."""

    by_key: dict[str, Path] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def add(self, path: Path, data: dict[str, Any]) -> None:
        self.ids.add(path.stem)
        for holder in [data] + [v for v in data.get("versions") or [] if isinstance(v, dict)]:
            for key in self.keys(holder):
                self.by_key.setdefault(key, path)

    @staticmethod
    def keys(data: dict[str, Any]) -> list[str]:
        found = []
        if data.get("doi"):
            found.append(f"DOI {str(data['doi']).strip().lower()}")
        if data.get("arxiv"):
            found.append(f"arXiv id {re.sub(r'v[0-9]+$', '', str(data['arxiv']).strip())}")
        if data.get("title") and normalise_title(str(data["title"])):
            found.append(f"title '{normalise_title(str(data['title']))}'")
        return found

    def find(self, draft: Draft) -> tuple[str, Path] | None:
        for key in self.keys(draft):
            if key in self.by_key:
                return key, self.by_key[key]
        return None


def known_works(root: Path) -> KnownWorks:
    import yaml

    from survey.load.knowledge_base import entry_paths

    known = KnownWorks()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in entry_paths(root):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            known.ids.add(path.stem)
            continue
        if isinstance(data, dict):
            known.add(path, data)
        known.ids.add(path.stem)
    return known


def _free_id(draft: Draft, taken: set[str]) -> str:
    wanted = str(draft["id"])
    if wanted not in taken:
        return wanted
    words = [w for w in ascii_words(str(draft.get("title", ""))) if w not in wanted.split("-")]
    if words and f"{wanted}-{words[0]}" not in taken:
        return f"{wanted}-{words[0]}"
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def import_bibtex(root: Path, text: str, taxonomy: Taxonomy, entry_type: str = "related-work",
                  dry_run: bool = False) -> list[Outcome]:
    """Create one skeleton entry per new record; skip records already present; report each record."""
    known = known_works(root)
    outcomes = []
    for item in read_bibtex(text):
        if item.draft is None:
            outcomes.append(Outcome(item.line, item.key, "failed", item.problem or "cannot import"))
            continue
        duplicate = known.find(item.draft)
        if duplicate:
            what, where = duplicate
            outcomes.append(Outcome(item.line, item.key, "skipped", f"already in {where} (same {what})", where))
            continue
        draft = dict(item.draft, type=entry_type)
        draft["id"] = _free_id(draft, known.ids)
        path = root / "entries" / f"{draft['id']}.yaml"
        if not dry_run:
            try:
                path = write_new_entry(root, draft, taxonomy)
            except (DraftError, FileExistsError, OSError) as exc:
                outcomes.append(Outcome(item.line, item.key, "failed", str(exc)))
                continue
        known.add(path, draft)
        note = f" ({'; '.join(item.notes)})" if item.notes else ""
        outcomes.append(Outcome(item.line, item.key, "created", f"{'would create' if dry_run else 'created'} "
                                f"{path}{note}", path, tuple(item.warnings)))
    return outcomes
