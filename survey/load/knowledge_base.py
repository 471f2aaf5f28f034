"""Load a knowledge base (taxonomy.yaml + entries/*.yaml) into typed, located objects.

This is the library API the later stages use:

    kb = load_knowledge_base(Path("."))
    for entry in kb.entries:
        print(entry.id, entry.locate("title"))
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.files.repository_paths import outside_repository
from survey.load.model import Entry
from survey.load.taxonomy import Taxonomy, load_taxonomy
from survey.load.yamlsource import LoadedYaml, SourceMap, read_yaml_file
from survey.report.diagnostics import Diagnostic, Location, error

TAXONOMY_FILE = "taxonomy.yaml"
ENTRIES_DIR = "entries"


@dataclass
class EntryFile:
    """One entry file as read: its data and source map, and the typed entry when the data fits the model."""

    path: str  # as shown to the user
    loaded: LoadedYaml
    entry: Entry | None = None
    # When the data does not fit the model, what remains once the faulty values are set aside: the checker
    # still runs its other rules on it, so that one run reports every problem; later stages never use it.
    partial: Entry | None = None

    @property
    def checkable(self) -> Entry | None:
        return self.entry or self.partial


@dataclass
class KnowledgeBase:
    root: Path
    taxonomy: Taxonomy | None
    files: list[EntryFile]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [f.entry for f in self.files if f.entry is not None]

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def entry_paths(root: Path) -> list[Path]:
    """The .yaml/.yml names in root/entries: files, and the links, pipes and folders load_entry_file reports."""
    folder = root / ENTRIES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the .yaml/.yml files inside folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    return found


def load_entry_file(path: Path, root: Path) -> EntryFile:
    """One entry file of the knowledge base at `root`, read, parsed and validated; never raises."""
    shown = display_path(path)
    refused = outside_repository(path, root, shown)
    if refused is None and not path.is_file():
        refused = error(Location(shown), "not-a-file", f"{shown} is not a regular file (a folder, a pipe, or a link that leads nowhere)",
                        "entries are plain YAML files")
    if refused is not None:
        return EntryFile(shown, LoadedYaml(None, SourceMap(shown), [refused]))
    return entry_file_from_yaml(read_yaml_file(str(path), shown), Path(path).stem)


def entry_file_from_yaml(loaded: LoadedYaml, file_id: str) -> EntryFile:
    """One entry file from parsed YAML (a file's, or a blob's of a git revision), validated; never raises."""
    entry_file = EntryFile(loaded.source.path, loaded)
    if loaded.fatal:
        return entry_file
    if not isinstance(loaded.data, dict):
        kind = "a list" if isinstance(loaded.data, list) else f"a {type(loaded.data).__name__}"
        loaded.diagnostics.append(error(loaded.source.locate(()), "not-a-mapping",
                                        f"an entry must be a mapping of fields, but this file holds {kind}",
                                        "start the file with `id: ...` at the left margin"))
        return entry_file
    entry, problems = validate_entry(loaded.data, loaded.source)
    loaded.diagnostics.extend(problems)
    if problems:
        entry_file.partial = salvage_entry(loaded.data, loaded.source, file_id)
    else:
        entry_file.entry = entry
    return entry_file


def validate_entry(data: dict[str, Any], source: SourceMap) -> tuple[Entry | None, list[Diagnostic]]:
    """Validate plain data against the model; errors become located diagnostics."""
    from pydantic import ValidationError

    try:
        entry = Entry.model_validate(data)
    except ValidationError as exc:
        from survey.load.model_errors import diagnostics_from_validation

        return None, diagnostics_from_validation(exc, data, source)
    entry.attach_source(source)
    return entry, []


def salvage_entry(data: dict[str, Any], source: SourceMap, file_id: str) -> Entry | None:
    """The entry without the values that do not fit the model (locations stay right), or None."""
    from pydantic import ValidationError

    from survey.load.model_errors import prune_invalid

    data, source = prune_invalid(data, source, file_id)
    try:
        entry = Entry.model_validate(data)
    except ValidationError:
        return None
    entry.attach_source(source)
    return entry


def load_root_taxonomy(root: Path) -> tuple[Taxonomy | None, list[Diagnostic]]:
    """root/taxonomy.yaml, self-checked; a missing file is an error that says where survey looked."""
    taxonomy_path = root / TAXONOMY_FILE
    refused = outside_repository(taxonomy_path, root, display_path(taxonomy_path))
    if refused is not None:
        return None, [refused]
    if taxonomy_path.is_file():
        return load_taxonomy(str(taxonomy_path), display_path(taxonomy_path))
    return None, [error(Location(display_path(taxonomy_path)), "missing-taxonomy",
                        f"no {TAXONOMY_FILE} in {display_path(root)}",
                        "run survey in the knowledge base's folder or pass --root DIR")]


def load_knowledge_base(root: Path, extra_paths: Iterable[Path] = ()) -> KnowledgeBase:
    """Read the taxonomy and every entry under `root/entries`, plus any other files named."""
    taxonomy, diagnostics = load_root_taxonomy(root)
    paths = entry_paths(root)
    extra_paths = list(extra_paths)
    known = {os.path.realpath(p) for p in paths} if extra_paths else set()  # realpath never raises on a loop
    for extra in extra_paths:
        if os.path.realpath(extra) not in known:
            paths.append(extra)
            known.add(os.path.realpath(extra))
    files = [load_entry_file(p, root) for p in paths]
    return KnowledgeBase(root, taxonomy, files, diagnostics)
