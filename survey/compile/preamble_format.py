"""A TeX format of the survey's preamble: built once beside the build's own work, loaded by every pdflatex pass.

Each pdflatex pass reads the document class and its packages again: 0.4-0.55 s a pass, and a cold build runs
four. mylatexformat (TeX Live's latex-extra) dumps the preamble up to the line that starts with MARK into a
format; a pass started with that format skips those lines of the main file and goes on from the mark. A journal's
plain pdflatex reads the mark as \\relax, so the sources stay as they are.

The part before the mark comes from the venue's template alone (`render_head` in survey.render.latex), so the
format is built while the build is still loading the knowledge base. It is used only when the generated main
file begins with exactly the text it was built from, and it is kept in the build's work folder (with a key over
that text, pdfTeX and every file the format was made from) for the next build.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

MARK = r"\csname endofdump\endcsname"
FORMAT_NAME = "survey-preamble"  # the format's job name: TeX writes survey-preamble.fmt
_HEAD_FILE = "head.tex"
_KEY_FILE = FORMAT_NAME + ".key"


@dataclass(frozen=True)
class PreambleFormat:
    """A built format and the text (the main file's first lines, through the mark's line) it was built from."""

    path: Path
    head: str

    def fits(self, main_text: str) -> bool:
        return main_text.startswith(self.head)


def head_of(text: str) -> str | None:
    """`text` up to and including its first line that starts with MARK (None: it has no such line)."""
    found = re.search(rf"^{re.escape(MARK)}.*\n?", text, re.MULTILINE)
    return None if found is None else text[:found.end()]


class FormatJob:
    """The format being built in a thread of its own (its TeX run releases the interpreter), so the build goes on.

    `env` is TeX's environment. `result()` waits and gives the format, or None when it could not be built (the
    passes then read the preamble as usual); `stop()` kills a run still going (a refused build does not wait)."""

    def __init__(self, head: str, folder: Path, timeout: float, env: dict[str, str]) -> None:
        self._future: Future[PreambleFormat | None] = Future()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, args=(head, folder, timeout, env),
                                        name="survey-preamble-format", daemon=True)
        self._thread.start()

    def result(self) -> PreambleFormat | None:
        return self._future.result()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
        self._thread.join()

    def _run(self, head: str, folder: Path, timeout: float, env: dict[str, str]) -> None:
        try:
            self._future.set_result(self._build(head, folder, timeout, env))
        except Exception:  # noqa: BLE001 (no format is a slower build, never a failed one)
            self._future.set_result(None)

    def _build(self, head: str, folder: Path, timeout: float, env: dict[str, str]) -> PreambleFormat | None:
        from survey.files.atomic_write import write_atomically

        found = shutil.which("pdflatex")
        if found is None:
            return None
        # the head and pdfTeX itself; the base format, mylatexformat, the class and packages are in the recorder's list
        pdftex = Path(found).resolve()
        key = hashlib.sha256(f"{head}\0{pdftex}\0{_stamp(pdftex)}".encode()).hexdigest()
        path = folder / f"{FORMAT_NAME}.fmt"
        key_file = folder / _KEY_FILE
        if path.is_file() and _still_valid(key_file, key):
            return PreambleFormat(path, head)
        folder.mkdir(parents=True, exist_ok=True)
        key_file.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        (folder / _HEAD_FILE).write_text(head, encoding="utf-8")
        command = ["pdflatex", "-ini", "-interaction=batchmode", "-halt-on-error", "-no-shell-escape", "-recorder",
                   f"-jobname={FORMAT_NAME}", "&pdflatex", "mylatexformat.ltx", _HEAD_FILE]
        with self._lock:
            if self._stopped:
                return None
            # `env` is the passes' sandbox (latexmk.tex_environment): no shell escape, files only inside `folder`
            self._process = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            returncode = self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            return None
        if returncode != 0 or not path.is_file():
            return None
        read = _files_read(folder / f"{FORMAT_NAME}.fls", folder)
        write_atomically(key_file, "".join([key + "\n", *(f"{_stamp(p)} {p}\n" for p in read)]))
        return PreambleFormat(path, head)


def _files_read(fls: Path, folder: Path) -> list[Path]:
    """The TeX installation's files the format was made from (pdflatex.fmt, mylatexformat, the class and its
    packages), as TeX's recorder listed them; its own head is left out, the key holds its text."""
    found: set[Path] = set()
    for line in fls.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("INPUT "):
            name = Path(line[6:])
            name = name if name.is_absolute() else folder / name
            if name.parent != folder and name.is_file():
                found.add(name)
    return sorted(found)


def _stamp(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def _still_valid(key_file: Path, key: str) -> bool:
    """Whether the kept format was made from this head and TeX, and none of the files it read has changed since
    (a TeX Live update replaces the class and packages it holds)."""
    from survey.files.repository_paths import read_cache_file

    try:
        lines = read_cache_file(key_file).decode("utf-8").splitlines()
        return bool(lines) and lines[0] == key and all(
            _stamp(Path(path)) == stamp for stamp, path in (line.split(" ", 1) for line in lines[1:]))
    except (OSError, UnicodeDecodeError, ValueError):
        return False


def install(fmt: PreambleFormat, staging: Path) -> str:
    """Link the format into the folder TeX runs in (paranoid TeX opens nothing above it), or copy it where links
    are refused; its name for pdflatex's -fmt option."""
    target = staging / fmt.path.name
    if target.is_file() and os.path.samefile(target, fmt.path):
        return FORMAT_NAME
    partial = staging / (fmt.path.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        os.link(fmt.path, partial)
    except OSError:
        shutil.copyfile(fmt.path, partial)
    os.replace(partial, target)
    return FORMAT_NAME
