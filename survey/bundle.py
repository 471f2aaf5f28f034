"""`survey bundle`: the zip a journal's submission system or arXiv accepts, made from a finished build.

It holds one flattened `.tex` (any local `\\input`/`\\include` inlined), its `.bbl` (arXiv does not run BibTeX),
`refs.bib` (ACM's and IEEE's systems ask for it), the figures TeX read, and the venue's class and bibliography
style as TeX Live has them; no logs, auxiliary files or build state. What TeX read is taken from the recorder
file (`.fls`) of the build's last TeX run, so a template that includes another file is bundled right. The zip
is deterministic: sorted names, fixed timestamps and permissions.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from survey.report.diagnostics import Diagnostic, Location, error

# The class and style each venue's template names, shipped in the bundle so that the journal's (or arXiv's)
# TeX uses the version the survey was built with.
VENUE_FILES = {"todaes": ("acmart.cls", "ACM-Reference-Format.bst"), "tcad": ("IEEEtran.cls", "IEEEtran.bst")}
BIBLIOGRAPHY = "refs.bib"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build's clock leaks into it
_MODE = 0o100644  # a regular file, readable by all
_INCLUDE = re.compile(r"\\(input|include)\{([^{}\\]+)\}")
_GENERATED = (".aux", ".out", ".toc", ".lof", ".lot", ".nav", ".snm", ".log", ".fls", ".bcf", ".run.xml",
              ".fmt")  # .fmt: the preamble's format (survey.compile.preamble_format), never a source


@dataclass
class BundleResult:
    ok: bool
    path: Path | None = None
    names: list[str] = field(default_factory=list)  # the files in the zip
    diagnostics: list[Diagnostic] = field(default_factory=list)


def bundle_name(venue: str) -> str:
    return f"{venue}-bundle.zip"


def flatten(text: str, local: dict[str, str]) -> tuple[str, set[str]]:
    """`text` with each `\\input{x}`/`\\include{x}` of a local file (name -> text, as TeX read it) inlined,
    recursively; the names inlined. Anything else (a TeX Live file such as glyphtounicode) stays as written."""
    inlined: set[str] = set()

    def expand(source: str, depth: int) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match[2].strip()
            found = name if name in local else f"{name}.tex" if f"{name}.tex" in local else None
            if found is None or depth > 16:
                return match[0]
            inlined.add(found)
            body = expand(local[found], depth + 1).rstrip("\n")
            if match[1] == "include":
                return f"\\clearpage\n{body}\n\\clearpage\n"
            return f"{body}\n"

        return _INCLUDE.sub(replace, source)

    return expand(text, 0), inlined


def read_inputs(fls: str, staging: Path) -> list[str]:
    """The files in `staging` that TeX read, from its recorder file: relative names, generated ones left out."""
    outputs = {_relative(line[7:]) for line in fls.splitlines() if line.startswith("OUTPUT ")}
    names = set()
    for line in fls.splitlines():
        if not line.startswith("INPUT "):
            continue
        name = _relative(line[6:])
        if name is None or name in outputs or name.endswith(_GENERATED):
            continue
        path = staging / name
        if path.is_file() and not path.is_symlink():
            names.add(name)
    return sorted(names)


def _relative(name: str) -> str | None:
    """A path TeX recorded, when it names a file inside its working folder ('./figures/x.pdf' -> 'figures/x.pdf')."""
    path = PurePosixPath(name.strip())
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return str(path)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of `files` (name -> content): names sorted, fixed time and mode, deflated at a fixed level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so that the mode below is read
            info.external_attr = _MODE << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def _class_files(venue: str) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The venue's class and style from TeX Live (kpsewhich, in the build's TeX environment)."""
    from survey.compile.latexmk import install_hint, tex_environment

    found: dict[str, bytes] = {}
    problems = []
    for name in VENUE_FILES[venue]:
        try:
            done = subprocess.run(["kpsewhich", name], capture_output=True, text=True, env=tex_environment(),
                                  check=False, timeout=60)
            located = done.stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            located = ""
        if not located or not Path(located).is_file():
            problems.append(error(Location(name), "missing-tex-file", f"TeX Live has no {name} to bundle",
                                  install_hint(name)))
            continue
        found[name] = Path(located).read_bytes()
    return found, problems


def bundle(root: Path, venue: str, out: Path, target: Path,
           progress: Callable[[str], None] = lambda message: None) -> BundleResult:
    """Build `venue` into `out` (nothing to do when it is up to date) and write its submission zip to `target`."""
    from survey.build import INPUTS_HASH_FILE, WORK_DIR, build
    from survey.compile.latexmk import STAGING_DIR
    from survey.files.atomic_write import write_atomically
    from survey.files.repository_paths import LinkOutOfFolder, refuse_link_out
    from survey.load.knowledge_base import display_path
    from survey.render.latex import MAIN_FILE

    if venue not in VENUE_FILES:
        return BundleResult(False, diagnostics=[error(Location(str(root)), "unknown-venue", f"unknown venue '{venue}'",
                                                      f"choose one of {', '.join(sorted(VENUE_FILES))}")])
    try:
        refuse_link_out(target, root, display_path(target))
    except LinkOutOfFolder as refused:
        return BundleResult(False, diagnostics=[refused.diagnostic])
    staging = out / WORK_DIR / STAGING_DIR
    stem = Path(MAIN_FILE).stem
    diagnostics: list[Diagnostic] = []
    for attempt in range(2):
        built = build(root, venue, out, progress=progress)
        diagnostics = [d for d in built.diagnostics if d.is_error]
        if not built.ok:
            return BundleResult(False, diagnostics=diagnostics or built.diagnostics)
        if _staging_matches(out, staging, MAIN_FILE):
            break
        # The last TeX run's folder does not hold what was published (a sources-only build came after it):
        # forget the fingerprint, so that the next build runs TeX again.
        (out / INPUTS_HASH_FILE).unlink(missing_ok=True)
        if attempt:
            return BundleResult(False, diagnostics=[error(Location(display_path(staging)), "bundle-stale-build",
                                                          "the build's TeX folder does not match its published "
                                                          "sources", f"delete {display_path(out)} and run again")])
    fls = (staging / f"{stem}.fls").read_text(encoding="utf-8", errors="replace")
    inputs = read_inputs(fls, staging)
    local = {name: (staging / name).read_text(encoding="utf-8", errors="replace")
             for name in inputs if name.endswith(".tex")}
    main_text, inlined = flatten(local.get(MAIN_FILE, (staging / MAIN_FILE).read_text(encoding="utf-8")), local)
    files: dict[str, bytes] = {MAIN_FILE: main_text.encode("utf-8")}
    for name in inputs:
        if name not in inlined and name != MAIN_FILE:
            files[name] = (staging / name).read_bytes()
    if (out / BIBLIOGRAPHY).is_file():
        files[BIBLIOGRAPHY] = (out / BIBLIOGRAPHY).read_bytes()
    classes, problems = _class_files(venue)
    if problems:
        return BundleResult(False, diagnostics=problems)
    files.update(classes)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, zip_bytes(files))
    progress(f"wrote {display_path(target)}: {len(files)} files")
    return BundleResult(True, target, sorted(files), diagnostics)


def _staging_matches(out: Path, staging: Path, main: str) -> bool:
    stem = Path(main).stem
    return all((staging / name).is_file() for name in (main, f"{stem}.bbl", f"{stem}.fls")) and \
        (out / main).is_file() and (staging / main).read_bytes() == (out / main).read_bytes()
