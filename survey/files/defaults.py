"""The files survey ships inside the package: the default templates, and the starter knowledge base of `survey init`.

A knowledge base's own files win: a template in its `templates/` folder replaces the default of the same name,
and the defaults are the fallback, so an installed wheel builds without a checkout of the repository. In the
repository, `survey/data/templates` and `survey/data/starter/taxonomy.yaml` are symbolic links to the top-level
`templates/` and `taxonomy.yaml`: there is one copy, and the wheel and the sdist carry it as real files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path, PurePosixPath

STARTER = "starter"


def data_folder() -> Path:
    """survey/data inside the installed package (a wheel installs unpacked, so this is a real folder)."""
    return Path(str(files("survey"))) / "data"


def default_templates() -> Path:
    """The templates every knowledge base falls back on."""
    return data_folder() / "templates"


def starter_files() -> list[tuple[PurePosixPath, bytes]]:
    """The starter knowledge base as (path relative to the knowledge base, content), sorted by path."""
    base = data_folder() / STARTER
    found: list[tuple[PurePosixPath, bytes]] = []
    for folder, _, names in os.walk(base, followlinks=True):
        for name in names:
            if name.startswith(".") or name.endswith((".pyc", "~")):
                continue
            path = Path(folder) / name
            found.append((PurePosixPath(path.relative_to(base).as_posix()), path.read_bytes()))
    return sorted(found)


@dataclass(frozen=True)
class StarterFile:
    path: Path
    written: bool  # False: a file was already there and was kept as it was


def write_starter(root: Path) -> list[StarterFile]:
    """Write the starter knowledge base into `root`; a file that exists already is never replaced. Raises OSError."""
    done: list[StarterFile] = []
    for relative, content in starter_files():
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as handle:  # exclusive: never overwrite, not even a file made a moment ago
                handle.write(content)
        except FileExistsError:
            done.append(StarterFile(target, False))
            continue
        done.append(StarterFile(target, True))
    return done
