"""Read a knowledge base as it was at a git revision, without checking anything out.

git runs as a subprocess with fixed argument lists (never a shell); a revision is validated before git sees it,
paths stay inside the knowledge base's folder, and blobs are read only up to the shared size limit
(survey.files.limits). Nothing here writes to the work tree or the repository, except `commit_files` and
`create_tag`, which `survey release` calls on purpose.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from survey.files.limits import MAX_FILE_BYTES

# A revision as people write them: a tag, branch, commit id, optionally followed by ~N or ^N; never an option.
_REVISION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./@{}+-]*(?:[~^][0-9]*)*")
RELEASE_TAG_PATTERN = "v[0-9]*"
_TIMEOUT_SECONDS = 120.0


class GitUnavailable(Exception):
    """git is not installed, the folder is not in a repository, or a revision does not exist; the message says
    which, in a sentence a user can act on."""


@dataclass(frozen=True)
class Blob:
    path: str  # relative to the knowledge base's folder, with '/'
    size: int
    data: bytes | None  # None when the blob is larger than the size limit (not read)


def valid_revision(revision: str) -> bool:
    """Whether `revision` looks like a tag, branch or commit (and cannot be read by git as an option)."""
    return bool(_REVISION.fullmatch(revision)) and ".." not in revision and not revision.endswith((".", "/"))


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """git's output for `args` run in `root`; GitUnavailable, with git's last line of error, when it fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False,
                              timeout=_TIMEOUT_SECONDS)
    except FileNotFoundError as exc:
        raise GitUnavailable("git is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitUnavailable(f"git {args[0]} did not finish within {_TIMEOUT_SECONDS:.0f} s") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitUnavailable(lines[-1] if lines else f"git {args[0]} failed")
    return done.stdout


def in_repository(root: Path) -> bool:
    """Whether `root` lies in a git work tree (False also when git is missing)."""
    try:
        return run_git(root, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except GitUnavailable:
        return False


def resolve_commit(root: Path, revision: str) -> str:
    """The commit id `revision` names; GitUnavailable when it is malformed or unknown."""
    if not valid_revision(revision):
        raise GitUnavailable(f"'{revision}' is not a git revision (a tag, branch or commit id)")
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{revision}^{{commit}}").decode().strip()
    except GitUnavailable as exc:
        raise GitUnavailable(f"unknown git revision '{revision}'") from exc


def latest_release_tag(root: Path, before: str = "HEAD") -> str | None:
    """The newest tag `vX...` reachable from `before` (None: no release yet, no commit, or no repository)."""
    try:
        found = run_git(root, "describe", "--tags", "--abbrev=0", f"--match={RELEASE_TAG_PATTERN}", "--end-of-options",
                     before)
    except GitUnavailable:
        return None
    tag = found.decode("utf-8", "replace").strip()
    return tag or None


def ref_exists(root: Path, ref: str) -> bool:
    """Whether git resolves `ref` (such as `refs/tags/v1.0` or `origin/main^{commit}`) in `root`'s repository."""
    try:
        run_git(root, "rev-parse", "--verify", "--quiet", ref)
    except GitUnavailable:
        return False
    return True


def tag_exists(root: Path, tag: str) -> bool:
    return ref_exists(root, f"refs/tags/{tag}")


def _directly_in(name: str, folder: str) -> bool:
    """Whether `name` (relative to the knowledge base, as git lists it) is a plain path directly in `folder`."""
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        return False
    return str(path.parent) == (folder or ".")


def read_files(root: Path, commit: str, folder: str, suffixes: tuple[str, ...]) -> list[Blob]:
    """The regular files directly in `folder` (relative to `root`; '' for root itself) with one of `suffixes`,
    at `commit`, sorted by path. A blob larger than MAX_FILE_BYTES is listed with its size but not read."""
    spec = f"./{folder}/" if folder else "./"
    listing = run_git(root, "ls-tree", "-z", "-l", "--end-of-options", commit, "--", spec)
    wanted: list[tuple[str, str, int]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        header, _, raw_name = record.partition(b"\t")
        mode, kind, object_id, size = header.decode().split()
        name = raw_name.decode("utf-8", "replace")
        if kind != "blob" or mode not in ("100644", "100755") or not name.endswith(suffixes):
            continue  # links, submodules and folders are not read
        if _directly_in(name, folder):
            wanted.append((name, object_id, int(size)))
    wanted.sort()
    readable = [object_id for _, object_id, size in wanted if size <= MAX_FILE_BYTES]
    contents = _cat_blobs(root, readable)
    return [Blob(name, size, contents.get(object_id) if size <= MAX_FILE_BYTES else None)
            for name, object_id, size in wanted]


def _cat_blobs(root: Path, object_ids: list[str]) -> dict[str, bytes]:
    """The contents of blobs by id, read by one `git cat-file --batch`."""
    if not object_ids:
        return {}
    output = run_git(root, "cat-file", "--batch", stdin="".join(f"{i}\n" for i in object_ids).encode())
    contents: dict[str, bytes] = {}
    position = 0
    for object_id in object_ids:
        end = output.index(b"\n", position)
        size = output[position:end].split()[-1]  # '<id> blob <size>'
        start = end + 1
        contents[object_id] = output[start:start + int(size)]
        position = start + int(size) + 1
    return contents


def dirty_paths(root: Path) -> list[str]:
    """What `git status --porcelain` lists for the work tree (changed, staged or untracked, not ignored)."""
    listed = run_git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    return sorted(record.decode("utf-8", "replace")[3:] for record in listed.split(b"\0")
                  if len(record) > 3 and record[2:3] == b" ")


def commit_files(root: Path, names: list[str], message: str) -> str:
    """Commit the files `names` (relative to `root`) as they are in the work tree; returns the new commit id."""
    run_git(root, "add", "--", *names)
    try:
        run_git(root, "commit", "--quiet", "-m", message, "--", *names)
    except GitUnavailable:
        run_git(root, "reset", "--quiet", "--", *names)  # leave the index as it was
        raise
    return resolve_commit(root, "HEAD")


def create_tag(root: Path, tag: str, message: str) -> None:
    """An annotated tag `tag` on HEAD."""
    run_git(root, "tag", "-a", "-m", message, "--end-of-options", tag, "HEAD")
