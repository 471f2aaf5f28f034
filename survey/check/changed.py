"""`survey check --changed`: check fully only the entries changed against a git ref, fast.

Every entry rule runs on the changed files. The rules across entries (unique ids and DOIs, one ORCID per person,
known `draws_on` references) still see the whole knowledge base: every entry is read by the one loader, and what
those rules need of an unchanged file is remembered between runs (survey.check.entry_facts), so only the files
that changed since are read again. The rules themselves are `survey.check.rules.check_cross_entry`'s own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.check.entry_facts import FactsCache, regular_file_stat
from survey.files.git_revision import GitUnavailable, ref_exists, run_git
from survey.report.diagnostics import Diagnostic

DEFAULT_BASE = "origin/main"
ENTRIES_DIR = "entries"  # as in survey.load.knowledge_base
TAXONOMY_FILE = "taxonomy.yaml"


class GitError(Exception):
    """git is missing, the folder is not in a repository, or the ref does not exist."""


@dataclass(frozen=True)
class ChangedFiles:
    base: str | None  # the commit compared against; None when the repository has no commit yet
    changed: list[Path]  # entry files added or modified (existing files), sorted
    deleted: list[Path]  # entry files that no longer exist
    taxonomy_changed: bool


@dataclass
class ChangedCheck:
    diagnostics: list[Diagnostic]
    files_checked: int
    changes: ChangedFiles

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)


def _git(root: Path, *args: str) -> str:
    try:
        return run_git(root, *args).decode("utf-8", "replace")
    except GitUnavailable as exc:
        raise GitError(str(exc)) from exc


def _commit_exists(root: Path, ref: str) -> bool:
    return ref_exists(root, f"{ref}^{{commit}}")


def resolve_base(root: Path, base: str | None) -> str | None:
    """The commit to compare against: `base`, else origin/main when it exists, else HEAD (None: no commit yet).

    When the ref and HEAD share history, their merge base is used, as a pull request's diff does.
    """
    _git(root, "rev-parse", "--git-dir")  # raises when `root` is not inside a repository
    if base is not None:
        if not _commit_exists(root, base):
            raise GitError(f"unknown git ref '{base}'")
        chosen = base
    elif _commit_exists(root, DEFAULT_BASE):
        chosen = DEFAULT_BASE
    elif _commit_exists(root, "HEAD"):
        chosen = "HEAD"
    else:
        return None
    if _commit_exists(root, "HEAD"):
        try:
            return _git(root, "merge-base", chosen, "HEAD").strip()
        except GitError:
            pass
    return _git(root, "rev-parse", chosen).strip()


def _entry_paths(root: Path) -> list[Path]:
    # The same files as survey.load.knowledge_base.entry_paths, without importing the entry model (kept off the
    # cached path, where it would be most of the run time).
    folder = root / ENTRIES_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")), key=str)


def changed_files(root: Path, base: str | None) -> ChangedFiles:
    """Entry files changed in the working tree (staged or not, or untracked) against `base` (see resolve_base)."""
    commit = resolve_base(root, base)
    if commit is None:
        return ChangedFiles(None, _entry_paths(root), [], True)
    listed = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--",
                  ENTRIES_DIR, TAXONOMY_FILE).split("\0")
    listed += _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ENTRIES_DIR).split("\0")
    names = sorted({name for name in listed if name})
    # Only the files `survey check` reads: YAML files directly in entries/.
    entries = [root / name for name in names
               if Path(name).parent == Path(ENTRIES_DIR) and Path(name).suffix in (".yaml", ".yml")]
    return ChangedFiles(commit, [p for p in entries if p.is_file()], [p for p in entries if not p.exists()],
                        TAXONOMY_FILE in names)


def check_changed(root: Path, base: str | None = None, cache_folder: Path | None = None) -> ChangedCheck:
    """Check the entries changed against `base`, plus every rule across entries.

    With `cache_folder`, a run whose inputs (every entry file, the taxonomy, the changes and survey's own code)
    are unchanged since the last run returns that run's result without checking again.
    """
    changes = changed_files(root, base)
    code_key = _code_key() if cache_folder is not None else ""
    key = _run_key(root, changes, code_key) if cache_folder is not None else ""
    if cache_folder is not None:
        cached = _read_cached(cache_folder, key)
        if cached is not None:
            return ChangedCheck(cached[0], cached[1], changes)
    result = _check_changes(root, changes, FactsCache(cache_folder, code_key))
    if cache_folder is not None:
        _write_cached(cache_folder, key, result)
    return result


def _check_changes(root: Path, changes: ChangedFiles, facts: FactsCache) -> ChangedCheck:
    from survey.check.rules import check, check_cross_entry, check_entry_file
    from survey.load.knowledge_base import EntryFile, KnowledgeBase, display_path, load_entry_file, load_root_taxonomy
    from survey.load.yamlsource import LoadedYaml, SourceMap

    if changes.taxonomy_changed:
        # A changed vocabulary can break any entry: check them all.
        full = check(root)
        return ChangedCheck(full.diagnostics, full.files_checked, changes)
    taxonomy_path = root / TAXONOMY_FILE
    taxonomy, diagnostics = load_root_taxonomy(root)
    changed = set(changes.changed)
    files: list[EntryFile] = []
    shown_paths: set[str] = set()
    for path in sorted(set(_entry_paths(root)) | changed, key=str):
        shown = display_path(path)
        shown_paths.add(shown)
        if path in changed:
            info = regular_file_stat(path)
            entry_file = load_entry_file(path, root)
            diagnostics.extend(check_entry_file(entry_file, taxonomy))
            files.append(entry_file)
            if info is not None:  # remembered for the runs after this change is committed
                facts.facts(path, shown, info, lambda loaded=entry_file.entry: loaded)
            continue
        info = regular_file_stat(path)
        if info is None:
            continue  # a link out of the repository, a pipe, a folder: load_entry_file reports it when checked
        found = facts.facts(path, shown, info, lambda path=path: load_entry_file(path, root).entry)
        if found is not None:
            files.append(EntryFile(shown, LoadedYaml(None, SourceMap(shown), []), found))  # type: ignore[arg-type]
    facts.forget_missing(shown_paths)
    facts.save()
    kb = KnowledgeBase(root, taxonomy, files)
    wanted = {display_path(p) for p in changes.changed} | {display_path(taxonomy_path)}
    deleted_ids = {p.stem for p in changes.deleted}
    for found_problem in check_cross_entry(kb):
        if found_problem.location.path in wanted or any(r.path in wanted for r in found_problem.related):
            diagnostics.append(found_problem)
        elif found_problem.code == "unknown-entry" and _names_deleted_id(kb, found_problem, deleted_ids):
            diagnostics.append(found_problem)  # an unchanged entry draws on one this change deletes
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    return ChangedCheck(ordered, len(wanted), changes)


_CACHE_FILE = "check-changed.json"


def _digest_stats(digest: Any, paths: list[Path]) -> None:
    """Feed each file's path, size and mtime to `digest` (files that cannot be read are left out)."""
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


def _code_key() -> str:
    """A digest of survey's own code (its files' sizes and mtimes) and version, and of the Python running it."""
    import hashlib
    import sys

    import survey

    digest = hashlib.sha256()
    _digest_stats(digest, sorted(Path(survey.__file__).parent.rglob("*.py"), key=str))
    digest.update(f"{sys.version}\0{survey.__version__}\n".encode())
    return digest.hexdigest()


def _run_key(root: Path, changes: ChangedFiles, code_key: str) -> str:
    """A digest of everything a run's result depends on; file contents are stood for by size and mtime."""
    import hashlib
    import os

    digest = hashlib.sha256()
    digest.update(f"{code_key}\n".encode())
    _digest_stats(digest, [root / TAXONOMY_FILE] + _entry_paths(root))
    digest.update(f"{os.getcwd()}\0{root.resolve()}\0{changes.base}\n".encode())
    for path in changes.changed + changes.deleted:
        digest.update(f"{path}\n".encode())
    return digest.hexdigest()


def _read_cached(folder: Path, key: str) -> tuple[list[Diagnostic], int] | None:
    import json

    from survey.report.diagnostics import Location, Severity

    def location(value: object) -> Location:
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value[1:])):
            raise TypeError("not a cached location")
        return Location(value[0], value[1], value[2])

    def text(value: object, optional: bool = False) -> str | None:
        if (value is None and optional) or isinstance(value, str):
            return value  # type: ignore[return-value]
        raise TypeError("not cached text")

    try:  # anything of another shape than survey writes is not served: the check runs instead
        data = json.loads((folder / _CACHE_FILE).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        count = data["files_checked"]
        if not isinstance(count, int) or isinstance(count, bool) or not isinstance(data["diagnostics"], list):
            return None
        diagnostics = [Diagnostic(location(d["location"]), Severity(d["severity"]), str(text(d["code"])),
                                  str(text(d["message"])), text(d["hint"], optional=True),
                                  tuple(location(r) for r in d["related"]))
                       for d in data["diagnostics"]]
        return diagnostics, count
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cached(folder: Path, key: str, result: ChangedCheck) -> None:
    import json

    data = {"key": key, "files_checked": result.files_checked, "diagnostics": [
        {"location": [d.location.path, d.location.line, d.location.column], "severity": d.severity.value,
         "code": d.code, "message": d.message, "hint": d.hint,
         "related": [[r.path, r.line, r.column] for r in d.related]} for d in result.diagnostics]}
    from survey.files.atomic_write import write_atomically

    try:
        write_atomically(folder / _CACHE_FILE, json.dumps(data, ensure_ascii=False))
    except OSError:
        pass  # a cache that cannot be written only costs time


def _names_deleted_id(kb: Any, found: Diagnostic, deleted_ids: set[str]) -> bool:
    for entry in kb.entries:
        for index, ref in enumerate(entry.draws_on):
            if ref in deleted_ids and entry.locate("draws_on", index) == found.location:
                return True
    return False
