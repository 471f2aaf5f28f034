"""Files survey reads from a knowledge base stay inside it: a symbolic link may not lead out of the repository."""

from __future__ import annotations

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
