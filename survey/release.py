"""`survey diff` and `survey release`: what changed between two states of the knowledge base, and a release.

A release is made on a clean work tree whose knowledge base passes the check and builds for both venues. The
command writes CHANGELOG.md (a section for the new version: the Markdown diff since the previous release tag),
CITATION.cff and .zenodo.json (the version and date, from the same author data as the byline), commits those
three files as "Release VERSION" and puts an annotated tag `vVERSION` on that commit. It pushes nothing. When
any step fails, the files are restored as they were and no commit or tag is made.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from survey.derive.changes import KnowledgeBaseDiff
from survey.report.diagnostics import Diagnostic, Location, error

WORKING_TREE = "the working tree"
ZENODO_FILE = ".zenodo.json"
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){0,3}(?:[-+][0-9A-Za-z][0-9A-Za-z.]{0,30})?")
RELEASE_VENUES = (("todaes", "build"), ("tcad", "build/tcad"))  # as README's `survey build` examples


@dataclass
class DiffOutcome:
    diff: KnowledgeBaseDiff | None  # None: nothing to compare (no repository, no release yet) or an error
    diagnostics: list[Diagnostic] = field(default_factory=list)
    note: str | None = None  # why there is no diff, when that is not an error


def _shown_root(root: Path) -> str:
    from survey.load.knowledge_base import display_path

    return display_path(root)


def compare(root: Path, base: str | None = None, head: str | None = None) -> DiffOutcome:
    """The changes from `base` (default: the newest release tag) to `head` (default: the working tree)."""
    from survey.derive.changes import diff_knowledge_bases
    from survey.files.git_revision import GitUnavailable, in_repository, latest_release_tag, resolve_commit
    from survey.load.knowledge_base import load_knowledge_base
    from survey.load.revision import load_knowledge_base_at

    where = Location(_shown_root(root))
    if not in_repository(root):
        return DiffOutcome(None, note=f"{where}: not in a git repository; there are no revisions to compare")
    if base is None:
        base = latest_release_tag(root)
        if base is None:
            return DiffOutcome(None, note=f"{where}: no release yet (no tag v...); nothing to compare against; "
                                          "name a revision: survey diff REVISION")
    try:
        old = load_knowledge_base_at(root, resolve_commit(root, base), base)
        new = load_knowledge_base(root) if head is None else load_knowledge_base_at(root, resolve_commit(root, head),
                                                                                     head)
    except GitUnavailable as exc:
        return DiffOutcome(None, [error(where, "git-revision", str(exc),
                                        "name a tag, branch or commit that `git log` shows")])
    return DiffOutcome(diff_knowledge_bases(old, new, base, head or WORKING_TREE))


@dataclass
class ReleaseResult:
    ok: bool
    tag: str | None = None
    commit: str | None = None
    section: str = ""  # the CHANGELOG.md section written
    written: list[str] = field(default_factory=list)  # files committed, relative to the knowledge base
    diagnostics: list[Diagnostic] = field(default_factory=list)


def release(root: Path, version: str, *, date: datetime.date | None = None, final: bool = False,
            progress: Callable[[str], None] = lambda message: None) -> ReleaseResult:
    """Release `version` of the knowledge base at `root`: check, build both venues, write the changelog and the
    citation files, commit them and tag the commit `vVERSION`; refuses (with located errors) on a dirty tree, a
    failing check or build, a malformed version or an existing tag."""
    from survey.files.git_revision import GitUnavailable, dirty_paths, in_repository, tag_exists

    where = Location(_shown_root(root))
    tag = f"v{version}"
    if not _VERSION.fullmatch(version):
        return _refused(where, "release-version", f"'{version}' is not a version",
                        "write it as numbers and dots, e.g. 1.0 or 0.2.0 (the tag becomes v0.2.0)")
    if not in_repository(root):
        return _refused(where, "not-a-repository", "a release is a git tag, but this folder is not in a git repository",
                        "run `git init` and commit the knowledge base first")
    if tag_exists(root, tag):
        return _refused(where, "release-exists", f"tag {tag} exists already", "choose a newer version")
    try:
        dirty = dirty_paths(root)
    except GitUnavailable as exc:
        return _refused(where, "git-status", str(exc))
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        return _refused(where, "dirty-tree", f"the work tree has uncommitted changes: {shown}",
                        "commit or stash them; a release tags exactly what is committed")
    from survey.check.rules import check

    progress("checking the knowledge base")
    problems = [d for d in check(root).diagnostics if d.is_error]
    if problems:
        return ReleaseResult(False, diagnostics=problems + [error(where, "check-failed",
                                                                  f"{len(problems)} errors; not released",
                                                                  "fix what `survey check` reports")])
    return _release_clean(root, version, tag, date or datetime.datetime.now(datetime.timezone.utc).date(), final, progress)


def _refused(where: Location, code: str, message: str, hint: str | None = None) -> ReleaseResult:
    return ReleaseResult(False, diagnostics=[error(where, code, message, hint)])


def _release_files(root: Path, version: str, date: datetime.date, diff: KnowledgeBaseDiff | None,
                   entries: int) -> tuple[dict[str, str], str, list[Diagnostic]]:
    """The new texts of CHANGELOG.md, CITATION.cff and .zenodo.json, and the changelog's new section."""
    from survey.check.authors import build_author_list
    from survey.load.changelog import CHANGELOG_FILE, Release
    from survey.load.knowledge_base import load_knowledge_base
    from survey.load.metadata import load_metadata
    from survey.render.changelog import release_section, with_release
    from survey.render.citation import CITATION_FILE, citation_text, zenodo_text

    metadata, diagnostics = load_metadata(root)
    if metadata is None:
        return {}, "", [d for d in diagnostics if d.is_error] or [
            error(Location(str(root / "paper" / "metadata.yaml")), "missing-metadata",
                  "paper/metadata.yaml is missing or unreadable")]
    authors = build_author_list(load_knowledge_base(root), metadata)
    section = release_section(version, date, diff, entries)
    changelog = root / CHANGELOG_FILE
    existing = changelog.read_text(encoding="utf-8") if changelog.is_file() else None
    made = Release(version, date, "")
    return ({CHANGELOG_FILE: with_release(existing, section), CITATION_FILE: citation_text(metadata, authors, made),
             ZENODO_FILE: zenodo_text(metadata, authors, made)}, section, [])


def _release_clean(root: Path, version: str, tag: str, date: datetime.date, final: bool,
                   progress: Callable[[str], None]) -> ReleaseResult:
    from survey.build import build
    from survey.files.atomic_write import write_atomically
    from survey.files.git_revision import GitUnavailable, commit_files, create_tag
    from survey.files.repository_paths import LinkOutOfFolder, refuse_link_out
    from survey.load.knowledge_base import display_path, load_knowledge_base

    where = Location(_shown_root(root))
    compared = compare(root)
    if compared.diagnostics:
        return ReleaseResult(False, diagnostics=compared.diagnostics)
    files, section, problems = _release_files(root, version, date, compared.diff, len(load_knowledge_base(root).entries))
    if problems:
        return ReleaseResult(False, diagnostics=problems)
    previous: dict[Path, bytes | None] = {}
    try:
        for name, text in files.items():
            path = refuse_link_out(root / name, root, display_path(root / name))
            previous[path] = path.read_bytes() if path.is_file() else None
            write_atomically(path, text)
    except LinkOutOfFolder as refused:
        _restore(previous)
        return ReleaseResult(False, diagnostics=[refused.diagnostic])
    diagnostics: list[Diagnostic] = []
    for venue, folder in RELEASE_VENUES:  # after the files: the paper's revision history lists this release
        progress(f"building for {venue} into {folder}")
        built = build(root, venue, root / folder, final=final, progress=progress)
        diagnostics += built.diagnostics
        if not built.ok:
            _restore(previous)
            return ReleaseResult(False, diagnostics=diagnostics + [error(
                where, "build-failed", f"the {venue} build failed; not released", "fix the errors above")])
    try:
        commit = commit_files(root, sorted(files), f"Release {version}")
    except GitUnavailable as exc:
        _restore(previous)
        return ReleaseResult(False, diagnostics=diagnostics + [error(where, "git-commit", str(exc),
                                                                     "set user.name and user.email with git config")])
    try:
        create_tag(root, tag, f"Knowledge base {version}")
    except GitUnavailable as exc:
        return ReleaseResult(False, None, commit, section, sorted(files), diagnostics + [error(
            where, "git-tag", f"committed the release as {commit[:12]} but could not tag it: {exc}",
            f"tag it yourself: git tag -a {tag} -m 'Knowledge base {version}'")])
    progress(f"committed {', '.join(sorted(files))} and tagged {tag}; push with `git push origin HEAD {tag}`")
    return ReleaseResult(True, tag, commit, section, sorted(files), diagnostics)


def _restore(previous: dict[Path, bytes | None]) -> None:
    """Put the files a failed release wrote back as they were."""
    from survey.files.atomic_write import write_atomically

    for path, content in previous.items():
        if content is None:
            path.unlink(missing_ok=True)
        else:
            write_atomically(path, content)
