"""The knowledge base as it was at a git revision: the same loader, fed from git's blobs instead of files.

Nothing is checked out; survey.files.git_revision reads the blobs (bounded in size, links and submodules not
followed). Locations read `REVISION:entries/x.yaml:LINE:COLUMN`, so a diagnostic names the revision it is about.
"""

from __future__ import annotations

from pathlib import Path

from survey.files.git_revision import Blob, read_files
from survey.files.limits import MAX_FILE_BYTES
from survey.load.knowledge_base import ENTRIES_DIR, TAXONOMY_FILE, EntryFile, KnowledgeBase, entry_file_from_yaml
from survey.load.taxonomy import taxonomy_from_yaml
from survey.load.yamlsource import LoadedYaml, SourceMap, parse_yaml
from survey.report.diagnostics import Location, error


def _parsed(blob: Blob, shown: str) -> LoadedYaml:
    if blob.data is None:
        return LoadedYaml(None, SourceMap(shown), [error(
            Location(shown), "file-too-large",
            f"file is {blob.size / (1 << 20):.1f} MiB, more than the {MAX_FILE_BYTES >> 20} MiB an entry may have",
            "entries are small YAML files")])
    return parse_yaml(blob.data, shown)


def load_knowledge_base_at(root: Path, commit: str, label: str) -> KnowledgeBase:
    """The taxonomy and entries of the knowledge base at `root` as committed in `commit` (GitUnavailable when git
    cannot read it); `label` (the revision as the user wrote it) prefixes the paths shown."""
    taxonomy_blobs = [b for b in read_files(root, commit, "", (TAXONOMY_FILE,)) if b.path == TAXONOMY_FILE]
    taxonomy_shown = f"{label}:{TAXONOMY_FILE}"
    if taxonomy_blobs:
        taxonomy, diagnostics = taxonomy_from_yaml(_parsed(taxonomy_blobs[0], taxonomy_shown), taxonomy_shown)
    else:
        taxonomy, diagnostics = None, [error(Location(taxonomy_shown), "missing-taxonomy",
                                             f"no {TAXONOMY_FILE} at revision {label}")]
    files: list[EntryFile] = []
    for blob in read_files(root, commit, ENTRIES_DIR, (".yaml", ".yml")):
        files.append(entry_file_from_yaml(_parsed(blob, f"{label}:{blob.path}"), Path(blob.path).stem))
    return KnowledgeBase(root, taxonomy, files, diagnostics)
