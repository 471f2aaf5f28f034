"""The paper's outline: `paper/outline.yaml` lists the sections in order, each editor text, a generated block, or both.

Editor text lives in `paper/sections/<name>.tex` (a bare file name: no folders, so no path can lead elsewhere).
A section whose text file is missing, or whose text still holds `\\surveyplaceholder{...}`, is a placeholder:
a draft build prints a visible marker and lists it as a warning; `survey build --final` refuses while any remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.report.diagnostics import Diagnostic, Location, error, one_line, warning

OUTLINE_FILE = Path("paper") / "outline.yaml"
SECTIONS_DIR = Path("paper") / "sections"
MAX_SECTION_BYTES = 1 << 20

# What a generated block shows; the renderer has one partial per block (templates/partials/blocks/<name>.tex.j2).
BLOCKS = {
    "survey-method": "inclusion and exclusion rules, sources searched and the counts of the knowledge base",
    "related-surveys": "a table of the surveys recorded as entries",
    "taxonomy": "the architecture-first taxonomy, its figure and the catalogue of works",
    "architecture-classes": "one section per architecture class, with generated synthesis",
    "challenges": "one section per workshop challenge, with generated synthesis",
    "workshop": "the workshop's keynotes, invited talks and posters",
    "comparison": "comparison tables and figures",
    "coverage": "the coverage matrix of the knowledge base",
    "threats": "threats to the validity of the data",
    "author-contributions": "who did what, in CRediT roles (paper/metadata.yaml `contributions`)",
    "revision-history": "the releases of CHANGELOG.md (written by `survey release`), newest first",
}
_FILE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.tex$")
_PLACEHOLDER = re.compile(r"\\surveyplaceholder\{([^}]*)\}")
_KEYS = {"id", "title", "text", "generate", "titles", "unnumbered"}


@dataclass(frozen=True)
class Placeholder:
    """An editor section still to be written: where, and what the editors should write."""

    location: Location
    hint: str


@dataclass(frozen=True)
class OutlineSection:
    id: str
    title: str | None
    text_file: str | None  # name in paper/sections/
    text: str | None  # the editors' LaTeX, when written
    generate: str | None
    titles: dict[str, str] = field(default_factory=dict)  # for generated sub-sections (class id -> title)
    unnumbered: bool = False
    placeholders: tuple[Placeholder, ...] = ()


@dataclass(frozen=True)
class Outline:
    sections: tuple[OutlineSection, ...]

    @property
    def placeholders(self) -> list[Placeholder]:
        return [p for s in self.sections for p in s.placeholders]

    def section_files(self) -> dict[str, str]:
        """The editors' section texts by file name, as the build copies them beside survey.tex."""
        return {s.text_file: s.text for s in self.sections if s.text_file and s.text is not None}


DEFAULT_SECTIONS: tuple[dict[str, Any], ...] = (
    {"title": "Introduction", "text": "introduction.tex"},
    {"title": "Survey Method", "generate": "survey-method"},
    {"title": "Taxonomy", "generate": "taxonomy"},
    {"generate": "architecture-classes"},
    {"generate": "challenges"},
    {"title": "The Workshop's Contributions", "generate": "workshop"},
    {"title": "Comparison", "generate": "comparison"},
    {"title": "Open Problems", "generate": "coverage"},
    {"title": "Threats to Validity", "generate": "threats"},
)


def default_outline() -> Outline:
    """The default sections, with no editor text read (each text section is a placeholder)."""
    sections = []
    for raw in DEFAULT_SECTIONS:
        title = raw.get("title")
        text_file = raw.get("text")
        placeholders = (Placeholder(Location(str(SECTIONS_DIR / text_file)), f"write {SECTIONS_DIR / text_file}"),) \
            if text_file else ()
        sections.append(OutlineSection(_slug(title or raw["generate"]), title, text_file, None, raw.get("generate"),
                                       placeholders=placeholders))
    return Outline(tuple(sections))


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "section"


def load_outline(root: Path) -> tuple[Outline, list[Diagnostic]]:
    """The outline of the paper at `root` (the default one when paper/outline.yaml is absent), with problems."""
    from survey.files.repository_paths import outside_repository
    from survey.load.knowledge_base import display_path
    from survey.load.yamlsource import SourceMap, read_yaml_file

    path = root / OUTLINE_FILE
    shown = display_path(path)
    diagnostics: list[Diagnostic] = []
    refused = outside_repository(path, root, shown)
    if refused is not None:
        return Outline(()), [refused]
    if not path.exists():
        raw_sections: list[Any] = list(DEFAULT_SECTIONS)
        source = SourceMap(shown)
    else:
        loaded = read_yaml_file(str(path), shown)
        diagnostics.extend(loaded.diagnostics)
        if loaded.fatal:
            return Outline(()), diagnostics
        source = loaded.source
        data = loaded.data
        if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
            diagnostics.append(error(source.locate(()), "outline-shape", f"{shown} needs a `sections:` list",
                                     "each item: {title: ..., text: name.tex} or {generate: block}"))
            return Outline(()), diagnostics
        raw_sections = data["sections"]
    sections = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sections):
        where = source.locate(("sections", index))
        if not isinstance(raw, dict):
            diagnostics.append(error(where, "outline-shape", "a section must be a mapping",
                                     "write {title: ..., text: name.tex} or {generate: block}"))
            continue
        for key in sorted(set(raw) - _KEYS, key=str):
            diagnostics.append(error(source.locate(("sections", index, key), key=True), "outline-key",
                                     f"unknown section key '{one_line(key)}'",
                                     "keys are " + ", ".join(sorted(_KEYS))))
        section = _section(root, raw, index, source, diagnostics)
        if section is None:
            continue
        if section.id in seen:
            diagnostics.append(error(where, "outline-duplicate", f"section id '{section.id}' is used twice",
                                     "give one of them its own `id:`"))
            continue
        seen.add(section.id)
        sections.append(section)
    return Outline(tuple(sections)), diagnostics


def _section(root: Path, raw: dict[str, Any], index: int, source: Any,
             diagnostics: list[Diagnostic]) -> OutlineSection | None:
    from survey.files.repository_paths import outside_repository
    from survey.load.knowledge_base import display_path

    where = source.locate(("sections", index))
    title, text_name, generate = raw.get("title"), raw.get("text"), raw.get("generate")
    ok = True
    for key, value in (("title", title), ("text", text_name), ("generate", generate), ("id", raw.get("id"))):
        if value is not None and not isinstance(value, str):
            diagnostics.append(error(source.locate(("sections", index, key)), "outline-type",
                                     f"`{key}` must be text", None))
            ok = False
    if not ok:
        return None
    if generate is not None and generate not in BLOCKS:
        diagnostics.append(error(source.locate(("sections", index, "generate")), "unknown-block",
                                 f"no generated block is called '{one_line(generate)}'",
                                 "blocks are " + ", ".join(BLOCKS)))
        return None
    if text_name is None and generate is None:
        diagnostics.append(error(where, "outline-empty", "a section needs `text:`, `generate:` or both",
                                 "e.g. {title: Discussion, text: discussion.tex}"))
        return None
    if title is None and generate not in ("architecture-classes", "challenges"):
        diagnostics.append(error(where, "outline-title", "a section needs a `title:`", None))
        return None
    titles = raw.get("titles") or {}
    if not isinstance(titles, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in titles.items()):
        diagnostics.append(error(source.locate(("sections", index, "titles")), "outline-type",
                                 "`titles` maps class ids to section titles", "e.g. {imc: In-Memory Computing}"))
        titles = {}
    text: str | None = None
    placeholders: list[Placeholder] = []
    if text_name is not None:
        if not _FILE_NAME.match(text_name):
            diagnostics.append(error(source.locate(("sections", index, "text")), "section-file-name",
                                     f"section file '{one_line(text_name)}' is not a plain file name",
                                     "write a name such as background.tex; the file lives in paper/sections/"))
            return None
        path = root / SECTIONS_DIR / text_name
        shown = display_path(path)
        refused = outside_repository(path, root, shown)
        if refused is not None:
            diagnostics.append(refused)
            return None
        text, problem = _read_section(path, shown)
        if problem is not None:
            diagnostics.append(problem)
            return None
        if text is None:
            placeholders.append(Placeholder(Location(shown), f"write {SECTIONS_DIR / text_name}"
                                            + (f" ({title})" if title else "")))
        else:
            for number, line in enumerate(text.splitlines(), 1):
                for match in _PLACEHOLDER.finditer(line):
                    placeholders.append(Placeholder(Location(shown, number, match.start() + 1),
                                                    match.group(1).strip() or "replace the placeholder text"))
    section_id = raw.get("id") or _slug(title or generate or "section")
    return OutlineSection(section_id, title, text_name, text, generate, dict(titles), bool(raw.get("unnumbered")),
                          tuple(placeholders))


def _read_section(path: Path, shown: str) -> tuple[str | None, Diagnostic | None]:
    """The text of a section file; (None, None) when it does not exist yet."""
    try:
        if not path.exists():
            return None, None
        if not path.is_file():
            return None, error(Location(shown), "not-a-file", f"{shown} is not a regular file", None)
        if path.stat().st_size > MAX_SECTION_BYTES:
            return None, error(Location(shown), "file-too-large", f"{shown} is larger than 1 MiB",
                               "a section is prose: split it or move data into entries")
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError:
        return None, error(Location(shown), "not-utf8", f"{shown} is not UTF-8 text", "save it as UTF-8")
    except OSError as exc:
        return None, error(Location(shown), "unreadable", f"cannot read {shown}: {exc.strerror or exc}", None)


def placeholder_diagnostics(outline: Outline, final: bool) -> list[Diagnostic]:
    """One diagnostic per placeholder: a warning in a draft, an error in a final build."""
    make = error if final else warning
    return [make(p.location, "editor-placeholder", "an editor section is still a placeholder", p.hint)
            for p in outline.placeholders]


SCOPE_FILE = Path("paper") / "scope.yaml"


@dataclass(frozen=True)
class Rule:
    id: str
    text: str


@dataclass(frozen=True)
class Scope:
    """The survey's inclusion and exclusion rules and the sources searched (paper/scope.yaml)."""

    years: tuple[int, int] | None = None
    inclusion: tuple[Rule, ...] = ()
    exclusion: tuple[Rule, ...] = ()
    sources: tuple[str, ...] = ()


def load_scope(root: Path) -> tuple[Scope, list[Diagnostic]]:
    """paper/scope.yaml, or an empty scope (with a warning) when the knowledge base has none."""
    from survey.files.repository_paths import outside_repository
    from survey.load.knowledge_base import display_path
    from survey.load.yamlsource import read_yaml_file

    path = root / SCOPE_FILE
    shown = display_path(path)
    refused = outside_repository(path, root, shown)
    if refused is not None:
        return Scope(), [refused]
    if not path.exists():
        return Scope(), [warning(Location(shown), "missing-scope-file", f"no {SCOPE_FILE}",
                                 "write the inclusion and exclusion rules there for the survey-method section")]
    loaded = read_yaml_file(str(path), shown)
    if loaded.fatal:
        return Scope(), loaded.diagnostics
    diagnostics = list(loaded.diagnostics)
    data = loaded.data if isinstance(loaded.data, dict) else {}
    if not isinstance(loaded.data, dict):
        diagnostics.append(error(loaded.source.locate(()), "scope-shape", f"{shown} must be a mapping",
                                 "with `inclusion:`, `exclusion:`, `sources:` and `years:`"))

    def rules(key: str) -> tuple[Rule, ...]:
        out = []
        for index, item in enumerate(data.get(key) or []):
            if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("text"), str):
                out.append(Rule(item["id"], " ".join(item["text"].split())))
            else:
                diagnostics.append(error(loaded.source.locate((key, index)), "scope-shape",
                                         f"each `{key}` item needs `id:` and `text:`", None))
        return tuple(out)

    years = data.get("years")
    span = (years[0], years[1]) if (isinstance(years, list) and len(years) == 2
                                    and all(isinstance(y, int) for y in years)) else None
    if years is not None and span is None:
        diagnostics.append(error(loaded.source.locate(("years",)), "scope-shape", "`years` is [first, last]",
                                 "e.g. years: [2020, 2026]"))
    sources = tuple(" ".join(s.split()) for s in data.get("sources") or [] if isinstance(s, str))
    return Scope(span, rules("inclusion"), rules("exclusion"), sources), diagnostics
