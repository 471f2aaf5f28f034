"""The build folder's guarantees: one build at a time, and outputs replaced all together or not at all.

A build publishes its files in two phases. First every changed file is copied into the build folder under a
temporary name; a full disk or any other failure here removes the copies and leaves the previous outputs as they
were. Then a journal listing the renames is written, and each copy is renamed over its output. Renames need no
space and take microseconds; a build killed among them leaves the journal, and the next build finishes those
renames before anything else. So readers of the folder see the last good build, or (for microseconds, or until
the next build after a kill) a mixture that the journal completes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from survey.files.atomic_write import write_atomically
from survey.files.repository_paths import read_cache_file

LOCK_FILE = ".survey-build.lock"
JOURNAL_FILE = ".survey-publish.json"
_COPY_SUFFIX = ".survey-publish"
_WAIT_SECONDS = 0.2


@contextmanager
def exclusive_build(out: Path, progress: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the build folder's lock: a second build into the same folder waits until the first ends."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)  # a link is refused
    with os.fdopen(descriptor, "r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            progress(f"another survey build (pid {holder}) is writing to {out}; waiting for it to finish")
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(_WAIT_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)  # the lock file stays: removing it would race a waiting build


def finish_interrupted_publish(out: Path) -> list[str]:
    """Complete the renames a killed build left in its journal, and drop stray copies; the names renamed."""
    journal = out / JOURNAL_FILE
    renamed: list[str] = []
    if journal.is_file() or journal.is_symlink():
        try:
            pairs = json.loads(read_cache_file(journal))["renames"]
        except (ValueError, KeyError, TypeError, OSError):
            pairs = []  # a journal is written atomically; one that does not read was not written by survey
        for pair in pairs if isinstance(pairs, list) else []:
            if not (isinstance(pair, list) and len(pair) == 2 and all(_inside(out, p) for p in pair)):
                continue  # survey writes only pairs of names inside the folder, reached through no link
            copy, name = pair
            if (out / copy).is_file() and not (out / copy).is_symlink():
                os.replace(out / copy, out / name)
                renamed.append(name)
        journal.unlink()
    for stray in out.rglob(f"*{_COPY_SUFFIX}"):
        stray.unlink(missing_ok=True)  # copied before a failure or a kill, never renamed
    return renamed


def _inside(out: Path, name: object) -> bool:
    """Whether a journal's `name` is a path in `out` that passes through no symbolic link."""
    if not isinstance(name, str) or not name or "\0" in name:
        return False
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        return False
    current = out
    for part in path.parts[:-1]:
        current = current / part
        if current.is_symlink():
            return False
    return True


def publish(work: Path, out: Path, names: list[str]) -> None:
    """Replace out/name by work/name for every name whose content changed, all together (see the module doc)."""
    pairs: list[tuple[str, str]] = []
    try:
        for name in names:
            data = (work / name).read_bytes()
            target = out / name
            if target.is_file() and target.read_bytes() == data:
                continue  # unchanged: its timestamp stays
            copy = str(Path(name).with_name(f".{Path(name).name}{_COPY_SUFFIX}"))  # hidden until renamed
            pairs.append((copy, name))
            write_atomically(out / copy, data)
        if pairs:
            write_atomically(out / JOURNAL_FILE, json.dumps({"renames": pairs}))
    except OSError:
        for copy, _ in pairs:
            (out / copy).unlink(missing_ok=True)
        raise
    for copy, name in pairs:
        os.replace(out / copy, out / name)
    (out / JOURNAL_FILE).unlink(missing_ok=True)
