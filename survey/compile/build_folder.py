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

LOCK_FILE = ".survey-build.lock"
JOURNAL_FILE = ".survey-publish.json"
_COPY_SUFFIX = ".survey-publish"
_WAIT_SECONDS = 0.2


@contextmanager
def exclusive_build(out: Path, progress: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the build folder's lock: a second build into the same folder waits until the first ends."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_FILE, "a+", encoding="utf-8") as handle:
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
    if journal.is_file():
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))["renames"]
        except (ValueError, KeyError, TypeError, OSError):
            pairs = []  # a journal is written atomically; one that does not read was not written by survey
        for copy, name in pairs:
            if not all(isinstance(p, str) and _inside(p) for p in (copy, name)):
                continue  # survey writes only names inside the folder
            if (out / copy).is_file():
                os.replace(out / copy, out / name)
                renamed.append(name)
        journal.unlink()
    for stray in out.rglob(f"*{_COPY_SUFFIX}"):
        stray.unlink(missing_ok=True)  # copied before a failure or a kill, never renamed
    return renamed


def _inside(name: str) -> bool:
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts


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
