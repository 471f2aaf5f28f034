"""Files survey reads from a knowledge base stay inside it: a symbolic link may not lead out of the repository."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from survey.report.diagnostics import Diagnostic, Location, error


def escaping_target(path: Path, root: Path) -> Path | None:
    """Where `path` really leads when it lies in `root` but a symbolic link takes it outside, else None.

    A path the user names outside the repository on purpose (`survey check /tmp/draft.yaml`) is not escaping.
    """
    lexical, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if lexical != base and base not in lexical.parents:
        return None
    current = base
    for part in lexical.relative_to(base).parts:  # the usual case, no link below the root, costs a few lstat calls
        current = current / part
        if current.is_symlink():
            break
    else:
        return None
    real, real_base = Path(os.path.realpath(path)), Path(os.path.realpath(root))  # never raises, even on loops
    return None if real == real_base or real_base in real.parents else real


def outside_repository(path: Path, root: Path, shown: str) -> Diagnostic | None:
    """An error when `path` is a link out of the repository at `root` (survey then does not read it)."""
    target = escaping_target(path, root)
    if target is None:
        return None
    return error(Location(shown), "outside-repository",
                 f"{shown} leads to {target}, outside the repository, through a symbolic link; survey does not "
                 f"read it", "put the file itself in the repository instead of a link to it")


class LinkOutOfFolder(Exception):
    """A folder survey writes to (the build folder, the cache) is, or holds, a symbolic link that leads out of it."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.as_text())
        self.diagnostic = diagnostic


def require_contained_folder(folder: Path, root: Path, shown: str) -> Path:
    """`folder` (the build folder, the cache) after making sure survey may write and delete in it.

    Raises LinkOutOfFolder, before anything is read or written, when `folder` lies in the repository at `root`
    but a symbolic link takes it outside, or when it holds a symbolic link leading out of `folder` itself: git
    checks out committed links, gitignored paths included, and survey would write, rename or delete through them.
    A folder the user names outside the repository is theirs and is not searched.
    """
    target = escaping_target(folder, root)
    if target is not None:
        raise LinkOutOfFolder(error(Location(shown), "outside-repository",
                                    f"{shown} leads to {target}, outside the repository, through a symbolic link; "
                                    "survey does not write there", f"delete the link {shown} (git rm it if it is "
                                    "committed); survey creates the folder itself"))
    lexical, base = Path(os.path.abspath(folder)), Path(os.path.abspath(root))
    if not folder.is_dir() or (lexical != base and base not in lexical.parents):
        return folder
    real_folder = Path(os.path.realpath(folder))
    for parent, folders, files in os.walk(folder):  # never follows a link: each one is looked at, not entered
        for name in sorted(folders + files):
            path = Path(parent) / name
            if path.is_symlink():
                real = Path(os.path.realpath(path))
                if real != real_folder and real_folder not in real.parents:
                    link = f"{shown}/{path.relative_to(folder).as_posix()}"
                    raise LinkOutOfFolder(error(Location(link), "link-out-of-folder",
                                                f"{link} is a symbolic link to {real}, outside {shown}; survey "
                                                "writes and deletes in that folder and does not follow it",
                                                f"delete the link (git rm it if it is committed); everything in "
                                                f"{shown} is made by survey"))
    return folder


def refuse_link_out(path: Path, root: Path, shown: str) -> Path:
    """`path`, which survey is about to write; LinkOutOfFolder when it, or a folder on the way, links out of `root`."""
    problem = outside_repository(path, root, shown)
    if problem is not None:
        raise LinkOutOfFolder(dataclasses.replace(problem, message=problem.message.replace(
            "survey does not read it", "survey does not write there")))
    return path


def read_cache_file(path: Path) -> bytes:
    """The bytes of a file survey wrote into one of its own folders; OSError when it is a link or not a file.

    A cache entry is never followed elsewhere: a link planted in its place would make survey read (or block on)
    whatever it names.
    """
    import stat

    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(descriptor)
