"""Compile generated sources to a PDF with latexmk: safely, reproducibly, and only when something changed.

TeX runs non-interactively, without shell escape, with file access confined to the build folder
(openin_any/openout_any = p). It builds in a staging folder; the PDF replaces the previous one (atomic rename)
only when latexmk succeeds and the log shows no blocking problem. A hash of the sources is kept beside the PDF:
a build of unchanged sources does not run TeX.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from survey.report.diagnostics import Diagnostic, Location, error, warning

if TYPE_CHECKING:
    from survey.compile.preamble_format import FormatJob

PDF_NAME = "survey.pdf"
HASH_FILE = ".survey-build.sha256"
STAGING_DIR = ".tex-staging"
_CLEAN_MARK = ".survey-last-run-succeeded"  # in the staging folder: its auxiliary files can be reused
TIMEOUT_VARIABLE = "SURVEY_TEX_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 1800.0  # a 1,000-entry survey builds in about a minute; a loop would run forever
DEFAULT_SOURCE_DATE_EPOCH = "1735689600"  # 2025-01-01: the PDF's dates when the caller sets none
LATEXMK = ["latexmk", "-pdf", "-norc", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           "-no-shell-escape"]
# Where TeX, BibTeX and latexmk would look for configuration, sources or an output folder other than the build
# folder (TEXMFOUTPUT is a folder paranoid mode lets TeX write to).
_UNTRUSTED_TEX_VARIABLES = frozenset({
    "TEXMFCNF", "TEXINPUTS", "TEXMFOUTPUT", "BIBINPUTS", "BSTINPUTS", "TEXFORMATS", "TEXPOOL", "TEXMFDBS",
    "LATEXMKRCSYS", "shell_escape_commands",
})
# A rule of the engine's toolchain or a change of this list changes the hash: rebuild.
_TOOLCHAIN_VERSION = "latexmk-pdf/1"

_ERROR = re.compile(r"^(?:\./)?(?P<file>[^:\n]+\.(?:tex|sty|cls|bbl|def|cfg|clo|fd)):(?P<line>\d+): (?P<msg>.+)$")
_WARNING = re.compile(r"^(?:(?:Package|Class) (?P<pkg>\S+)|LaTeX(?: Font)?) Warning: (?P<msg>.*)$")
_PAGE_OVERFLOW = re.compile(r"^Overfull \\vbox \((?P<amount>[\d.]+)pt too high\) has occurred while \\output is active")
_BOX = re.compile(r"^Overfull \\[hv]box \((?P<amount>[\d.]+)pt too (?:wide|high)\)")
_BOX_LINE = re.compile(r"lines? (\d+)")
_ENTRY = re.compile(r"% entry: (?P<id>[a-z0-9-]+)\s*$")
# Warnings that mean the PDF is wrong (rows lost, "??" printed): they fail the build.
_BLOCKING = ("Float too large", "Citation", "Reference", "There were undefined references")
_MISSING_FILE = re.compile(r"File `(?P<name>[^']+\.(?:sty|cls|cfg|def|clo|fd|tex))' not found")
_MISSING_FONT = re.compile(r"Font \\?(?P<name>\S+)[^:]*not loadable: Metric \(TFM\) file")
_STOP_NOISE = re.compile(r"Emergency stop|Fatal error occurred|job aborted")
# The Debian package that provides what the shipped templates use (scripts/setup installs them all).
_DEBIAN_PACKAGES = {
    "acmart.cls": "texlive-publishers", "IEEEtran.cls": "texlive-publishers", "CJKutf8.sty": "latex-cjk-chinese",
    "orcidlink.sty": "texlive-latex-extra", "xltabular.sty": "texlive-latex-extra",
    "textcase.sty": "texlive-latex-extra", "tikz.sty": "texlive-pictures", "libertine.sty": "texlive-fonts-extra",
    "inconsolata.sty": "texlive-fonts-extra", "newtxmath.sty": "texlive-fonts-extra",
    "booktabs.sty": "texlive-latex-recommended", "cite.sty": "texlive-latex-recommended",
}
OVERFULL_REPORT_PT = 20.0  # smaller overfull boxes are counted, not listed

Progress = Callable[[str], None]
EntryLocator = Callable[[str], Location | None]


@dataclass
class CompileResult:
    ok: bool
    pdf: Path | None
    ran_tex: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0


def source_hash(folder: Path, names: Iterable[str], extra: Iterable[Path] = ()) -> str:
    """SHA-256 over the generated sources (by name) and any other inputs such as templates."""
    digest = hashlib.sha256(_TOOLCHAIN_VERSION.encode())
    for name in sorted(names):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    for path in sorted(extra):
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def tex_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment latexmk runs in: no shell escape, paranoid file access, reproducible dates, unwrapped logs.

    Variables in the environment override texmf.cnf, so these hold whatever the user's TeX configuration says;
    the variables that point TeX at other configuration or search folders are dropped.
    """
    env = {name: value for name, value in (os.environ if base is None else base).items()
           if name not in _UNTRUSTED_TEX_VARIABLES}
    env.update({
        "shell_escape": "f", "openin_any": "p", "openout_any": "p",
        "SOURCE_DATE_EPOCH": env.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH), "FORCE_SOURCE_DATE": "1",
        "max_print_line": "10000", "error_line": "254", "half_error_line": "238",
    })
    return env


def compile_pdf(folder: Path, main: str, sources: Iterable[str], *, extra_inputs: Iterable[Path] = (),
                progress: Progress = lambda message: None, locate_entry: EntryLocator = lambda entry_id: None,
                force: bool = False, timeout: float | None = None,
                arriving: Mapping[str, Future[None]] | None = None,
                cancel: threading.Event | None = None, preamble: FormatJob | None = None) -> CompileResult:
    """Build folder/survey.pdf from `sources` (file names relative to `folder`, `main` among them).

    latexmk and what it runs are stopped after `timeout` seconds (default: $SURVEY_TEX_TIMEOUT, else 30 minutes).

    `arriving` names sources that are still being written (figures drawn while TeX runs): each file in `folder`
    holds a stand-in of the same page sizes until its future completes. TeX lays the document out with the
    stand-in; the final file replaces it in the staging folder on arrival, and a file that arrives after the last
    pdflatex pass began gets one more pass, so the PDF is the one a build that waited would have made.

    `cancel`, once set, stops TeX (the caller found that the build is refused): the result is a failure with no
    diagnostics of its own, and the previous PDF is kept.

    `preamble`, a format of the main file's first lines being built (survey.compile.preamble_format), is waited
    for and loaded by every pass when the main file begins with the text it was built from.
    """
    if timeout is None:
        timeout = tex_timeout()
    import time

    names = sorted(set(sources))
    pdf = folder / PDF_NAME
    hash_file = folder / HASH_FILE
    if arriving:
        digest = ""  # not known before the files arrive; the PDF is built
    else:
        digest = source_hash(folder, names, extra_inputs)
        if not force and pdf.is_file() and hash_file.is_file() and hash_file.read_text().strip() == digest:
            progress("PDF is up to date (sources unchanged); TeX not run")
            return CompileResult(True, pdf, ran_tex=False)
    if shutil.which("latexmk") is None:
        return CompileResult(False, None, False, [error(Location(str(folder / main)), "no-latexmk",
                                                        "latexmk is not installed",
                                                        "run `bash scripts/setup` to install TeX Live")])
    staging = folder / STAGING_DIR
    _stage(folder, staging, names)
    started = time.monotonic()
    fmt = _preamble_format(preamble, staging, main)
    progress(f"running latexmk on {main} in {staging}" + (" with the preamble's format" if fmt else ""))
    arrivals = _Arrivals(folder, staging, arriving or {})
    returncode, transcript = _run_latexmk(staging, main, progress, timeout, arrivals.pass_started, cancel=cancel,
                                          fmt=fmt)
    if returncode not in (0, None) and fmt is not None and _FORMAT_REFUSED in transcript:
        progress("pdflatex could not load the preamble's format: the passes read the preamble")
        fmt = None
        returncode, transcript = _run_latexmk(staging, main, progress, timeout, arrivals.pass_started,
                                              force=True, cancel=cancel)
    if cancel is not None and cancel.is_set():
        hash_file.unlink(missing_ok=True)
        progress("TeX stopped: the build is refused")
        return CompileResult(False, None, True, [], time.monotonic() - started)
    if returncode == 0 and arriving:
        hash_file.unlink(missing_ok=True)  # until the files have arrived and the PDF is theirs
        arrivals.wait()
        if arrivals.late():
            progress("a figure arrived after TeX's last pass: one more pass")
            left = max(timeout - (time.monotonic() - started), 1.0)
            returncode, transcript = _run_latexmk(staging, main, progress, left, force=True, cancel=cancel, fmt=fmt)
        digest = source_hash(folder, names, extra_inputs)
    seconds = time.monotonic() - started
    if returncode is None:
        progress(f"TeX stopped after {timeout:.0f} s; {'the previous PDF is kept' if pdf.is_file() else 'no PDF'}")
        hash_file.unlink(missing_ok=True)
        return CompileResult(False, None, True, [error(
            Location(str(folder / main)), "tex-timeout", f"TeX ran longer than {timeout:.0f} s and was stopped",
            "a template or prose file may loop (\\def\\x{\\x}\\x); see the log in the staging folder, or "
            f"allow more time with {TIMEOUT_VARIABLE}=SECONDS")], seconds)
    log_path = staging / (Path(main).stem + ".log")
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else transcript
    tex_lines = (staging / main).read_text(encoding="utf-8", errors="replace").splitlines()
    diagnostics = read_log(log, main, tex_lines, locate_entry, folder)
    if returncode != 0:
        # An earlier pass stopped: its undefined references are a symptom, not the problem.
        diagnostics = [d for d in diagnostics if d.code in ("tex-error", "missing-latex-package")]
        diagnostics += _bibtex_errors(staging / (Path(main).stem + ".blg"), shown=str(folder / main))
    built = staging / (Path(main).stem + ".pdf")
    if returncode != 0 and not any(d.is_error for d in diagnostics):
        diagnostics.append(error(Location(str(folder / main)), "tex-failed",
                                 f"latexmk failed (exit status {returncode})", f"see {log_path}"))
    ok = returncode == 0 and built.is_file() and not any(d.is_error for d in diagnostics)
    if ok:
        (staging / _CLEAN_MARK).touch()
        partial = folder / (PDF_NAME + ".part")
        shutil.copyfile(built, partial)
        os.replace(partial, pdf)  # atomic: readers see the old PDF or the new one, never half of one
        hash_file.write_text(digest + "\n")
        progress(f"TeX finished in {seconds:.1f} s")
    else:
        hash_file.unlink(missing_ok=True)
        progress(f"TeX failed; {'the previous PDF is kept' if pdf.is_file() else 'no PDF written'}")
    return CompileResult(ok, pdf if ok else None, True, diagnostics, seconds)


def with_format(name: str) -> list[str]:
    """latexmk's options that make every pdflatex pass load the format `name` (in the folder TeX runs in)."""
    return [f"-pdflatex=pdflatex -fmt={name} %O %S"]


_FORMAT_REFUSED = "format file"  # pdfTeX: "Fatal format file error; I'm stymied", "... format file ... not found"


def _preamble_format(preamble: FormatJob | None, staging: Path, main: str) -> str | None:
    """The name of the preamble's format, put in the staging folder, when it was built and fits the main file."""
    from survey.compile.preamble_format import install

    built = preamble.result() if preamble is not None else None
    if built is None or not built.fits((staging / main).read_text(encoding="utf-8", errors="replace")):
        return None
    return install(built, staging)


def _descendants(pid: int) -> list[int]:
    """The processes below `pid`, read from /proc (none where there is no /proc)."""
    children: dict[int, list[int]] = {}
    try:
        names = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []
    for name in names:
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
    found, queue = [], list(children.get(pid, []))
    while queue:
        child = queue.pop()
        found.append(child)
        queue.extend(children.get(child, []))
    return found


def tex_timeout() -> float:
    try:
        value = float(os.environ.get(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


def _stage(folder: Path, staging: Path, names: list[str]) -> None:
    """Copy the sources into the staging folder, keeping the auxiliary files of an earlier run that succeeded.

    A run that failed or was killed may leave a truncated .aux file that would fail every later run: its
    staging folder is emptied first.
    """
    if staging.is_dir() and not (staging / _CLEAN_MARK).is_file():
        shutil.rmtree(staging)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / _CLEAN_MARK).unlink(missing_ok=True)  # until this run succeeds
    for name in names:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (folder / name).read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)


# How long before its start was noticed a pass may already have read a file. A pass's start is noticed when this
# process reads latexmk's "Run number" line, which may lag (the figures' thread holds the interpreter for a few
# milliseconds at a time); TeX reads no figure before it has loaded the class and fonts, well over this margin.
_PASS_NOTICE_MARGIN_SECONDS = 0.25


class _Arrivals:
    """Sources written while TeX runs: each is copied into the staging folder when its future completes, and its
    arrival is compared with the start of pdflatex's last pass."""

    def __init__(self, folder: Path, staging: Path, arriving: Mapping[str, Future[None]]) -> None:
        import functools

        self._lock = threading.Lock()
        self._folder, self._staging, self._futures = folder, staging, dict(arriving)
        self._last_pass = float("-inf")  # when the last pdflatex pass was noticed to begin (time.monotonic)
        self._arrived: dict[str, float] = {}  # name -> when it was in place in the staging folder
        self._handled = {name: threading.Event() for name in self._futures}  # its callback has finished
        for name, future in sorted(self._futures.items()):
            future.add_done_callback(functools.partial(self._arrive, name))

    def pass_started(self) -> None:
        import time

        with self._lock:
            self._last_pass = time.monotonic()

    def _arrive(self, name: str, future: Future[None]) -> None:
        import time

        try:
            if future.cancelled() or future.exception() is not None:
                return
            target = self._staging / name
            partial = target.with_name(target.name + ".part")
            partial.write_bytes((self._folder / name).read_bytes())
            os.replace(partial, target)  # a pass reading the stand-in keeps it; the next one opens this file
            with self._lock:
                self._arrived[name] = time.monotonic()
        finally:
            self._handled[name].set()

    def wait(self) -> None:
        """Wait for every file; what stopped one from being written is raised here, as if written in this thread."""
        for name, future in sorted(self._futures.items()):
            future.result()
            self._handled[name].wait()  # the callback runs after the future's waiters are woken

    def late(self) -> bool:
        """Whether a file arrived after pdflatex's last pass may have read its stand-in (see the margin above)."""
        with self._lock:
            return any(arrived > self._last_pass - _PASS_NOTICE_MARGIN_SECONDS
                       for arrived in self._arrived.values())


def _run_latexmk(staging: Path, main: str, progress: Progress, timeout: float,
                 pass_started: Callable[[], None] = lambda: None, force: bool = False,
                 cancel: threading.Event | None = None, fmt: str | None = None) -> tuple[int | None, str]:
    """latexmk's exit status (None when it ran past `timeout` seconds, or `cancel` was set, and it was stopped)
    and its output.

    `pass_started` is called as each pdflatex pass begins; `force` makes latexmk run pdflatex at least once;
    `fmt` names a format in `staging` that every pass loads."""
    import signal

    command = [*LATEXMK, *(with_format(fmt) if fmt else []), *(["-g"] if force else []), main]
    lines: list[str] = []
    # TeX stays in survey's process group, so that Ctrl-C or a kill of the group stops it with survey.
    with subprocess.Popen(command, cwd=staging, env=tex_environment(), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace") as run:
        timed_out = threading.Event()

        def stop() -> None:  # latexmk, and the pdflatex or bibtex it runs
            timed_out.set()
            for pid in [*_descendants(run.pid), run.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

        timer = threading.Timer(timeout, stop)
        timer.start()
        if cancel is not None:  # a watcher that stops TeX once the caller cancels

            def watch() -> None:
                while run.poll() is None:
                    if cancel.wait(0.05):
                        stop()
                        return

            threading.Thread(target=watch, name="survey-tex-cancel", daemon=True).start()
        try:
            assert run.stdout is not None
            for line in run.stdout:
                lines.append(line)
                match = re.match(r"^Run number (\d+) of rule '([^']+)'", line)
                if match:
                    if match.group(2) in ("pdflatex", "latex", "lualatex", "xelatex"):
                        pass_started()
                    progress(f"  {match.group(2)} (run {match.group(1)})")
            returncode = run.wait()
        finally:
            timer.cancel()
    return (None if timed_out.is_set() else returncode), "".join(lines)


def _bibtex_errors(blg: Path, shown: str) -> list[Diagnostic]:
    """The first few errors BibTeX reported (latexmk stops when BibTeX fails)."""
    if not blg.is_file():
        return []
    lines = blg.read_text(encoding="utf-8", errors="replace").splitlines()
    found = [line for line in lines if line.startswith(("I was expecting", "I couldn't open", "Sorry---"))
             or "isn't valid" in line]
    return [error(Location(shown), "bibtex-error", line, f"see {blg}") for line in found[:5]]


def entry_at(tex_lines: list[str], line: int) -> str | None:
    """The entry a generated line belongs to: its own `% entry:` mark, or the nearest one above in its block."""
    for index in range(min(line, len(tex_lines)) - 1, max(line - 40, 0) - 1, -1):
        text = tex_lines[index]
        match = _ENTRY.search(text)
        if match and match.group("id") != "-":
            return match.group("id")
        if index < line - 1 and (not text.strip() or text.startswith((r"\begin", r"\end", r"\section"))):
            return None
    return None


def read_log(log: str, main: str, tex_lines: list[str], locate_entry: EntryLocator,
             folder: Path) -> list[Diagnostic]:
    """Errors and the warnings that matter, from a TeX log, as diagnostics (errors mapped to entries)."""
    found: list[Diagnostic] = []
    lines = _join_continuations(log.splitlines())
    overfull: list[tuple[float, int | None]] = []
    page_overflow: list[float] = []
    seen: set[tuple[str, str]] = set()
    shown_main = str(folder / main)
    for text in lines:
        missing = _missing_file(text)
        if missing and text.startswith("! "):  # TeX asks for another file name here, so no file:line form
            found.append(_missing_package(missing, Location(shown_main)))
            continue
        match = _ERROR.match(text)
        if match:
            line = int(match.group("line"))
            location = Location(shown_main if match.group("file").endswith(main) else match.group("file"), line)
            message = match.group("msg")
            entry_id = entry_at(tex_lines, line) if match.group("file").endswith(main) else None
            related = [location]
            if entry_id is not None:
                entry_location = locate_entry(entry_id)
                if entry_location is not None:
                    location = entry_location
                message += f" (in text generated from entry '{entry_id}')"
            missing = _missing_file(message)
            if missing:
                found.append(_missing_package(missing, location, related))
                continue
            found.append(error(location, "tex-error", message, "the full log is in the build folder",
                               related=related))
            continue
        match = _WARNING.match(text)
        if match:
            message = match.group("msg").strip()
            key = ("w", message)
            if key in seen:
                continue
            seen.add(key)
            if any(message.startswith(b) or b in message[:40] for b in _BLOCKING):
                found.append(error(Location(shown_main), "tex-blocking-warning", message,
                                   "rows lost or '??' would be printed; see the log"))
            continue
        match = _PAGE_OVERFLOW.match(text)
        if match:
            page_overflow.append(float(match.group("amount")))
            continue
        match = _BOX.match(text)
        if match:
            at = _BOX_LINE.search(text)
            overfull.append((float(match.group("amount")), int(at.group(1)) if at else None))
    if page_overflow:
        found.append(warning(Location(shown_main), "page-overflow",
                             f"{len(page_overflow)} page(s) hold more than fits (up to {max(page_overflow):.1f}pt); "
                             "the class may cut what sticks out", "look for a very long title, author list, "
                             "abstract or table cell; the first page is the usual place"))
    if any(d.code == "missing-latex-package" for d in found):  # the rest is TeX stopping because of it
        found = [d for d in found if d.code != "tex-error" or not _STOP_NOISE.search(d.message)]
    large = sorted({o for o in overfull if o[0] >= OVERFULL_REPORT_PT}, key=lambda o: (-o[0], o[1] or 0))
    for amount, box_line in large[:10]:
        entry_id = entry_at(tex_lines, box_line) if box_line else None
        where = f" (entry '{entry_id}')" if entry_id else ""
        found.append(warning(Location(shown_main, box_line or 1), "overfull-box",
                             f"text sticks out {amount:.1f}pt past the margin{where}"))
    if overfull and len(overfull) > len(large[:10]):
        found.append(warning(Location(shown_main), "overfull-boxes",
                             f"{len(overfull)} overfull boxes in all (largest {max(o[0] for o in overfull):.1f}pt)"))
    return found


def _missing_file(text: str) -> str | None:
    """The package file or font a TeX message says it cannot find."""
    missing = _MISSING_FILE.search(text) or _MISSING_FONT.search(text)
    return missing.group("name") if missing else None


def _missing_package(name: str, location: Location, related: Iterable[Location] = ()) -> Diagnostic:
    return error(location, "missing-latex-package", f"TeX Live lacks {name}, which the templates need",
                 install_hint(name), related=related)


def install_hint(name: str) -> str:
    """How to install the TeX Live package that provides the file or font `name`."""
    package = _DEBIAN_PACKAGES.get(name)
    debian = f"`apt-get install {package}`" if package else f"the package `apt-file search {name}` names"
    return (f"run `bash scripts/setup`, which installs every TeX Live package the shipped templates need; "
            f"or install {debian} (Debian, Ubuntu), or `tlmgr install` the package that holds {name} (TeX Live)")


def _join_continuations(lines: list[str]) -> list[str]:
    """Join a package warning's continuation lines, which start with '(pkgname)'."""
    joined: list[str] = []
    for line in lines:
        if joined and re.match(r"^\([A-Za-z0-9.-]+\)\s", line) and "Warning:" in joined[-1]:
            joined[-1] += " " + line.split(")", 1)[1].strip()
        else:
            joined.append(line)
    return joined
