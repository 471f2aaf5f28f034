"""`survey build`: load + check -> views -> authors -> render -> compile, into one build folder.

Refuses to build a knowledge base with errors. Everything is generated and compiled in a work folder inside
`out`; only a build that succeeds copies its sources and PDF into `out`, so a failed build leaves the previous
outputs as they were. Writes only files whose content changed (so timestamps stay put).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from survey.atomic_write import write_atomically, write_if_changed
from survey.build_folder import publish
from survey.cli_context import CACHE_DIR
from survey.compile import PDF_NAME
from survey.diagnostics import Diagnostic, Location, error, warning

if TYPE_CHECKING:
    from survey.derive.authors import AuthorList
    from survey.metadata import Metadata
    from survey.render.latex import RenderedDocument

FIGURES_DIR = "figures"
INPUTS_HASH_FILE = ".survey-inputs.sha256"
WORK_DIR = ".survey-work"
TEMPLATES_DIR = "templates"
INTRODUCTION = Path("paper") / "introduction.tex"
LOW_SPACE_BYTES = 16 << 20  # less free space than a build of a large survey needs


@dataclass
class BuildResult:
    ok: bool
    out: Path
    sources: list[str] = field(default_factory=list)  # generated files, relative to `out`
    pdf: Path | None = None
    ran_tex: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)


def templates_folder(root: Path) -> Path:
    """The knowledge base's own templates/ when it has one, else the templates shipped beside the package."""
    own = root / TEMPLATES_DIR
    return own if own.is_dir() else Path(__file__).resolve().parent.parent / TEMPLATES_DIR


def input_fingerprint(root: Path, venue: str, templates: Path) -> str:
    """SHA-256 over everything a build reads: entries, taxonomy, paper/, templates and the package's code.

    Runs before the check, so it reads nothing the check would refuse: a link out of the repository counts by
    where it points, a file larger than an entry may be by its size and time, and only regular files are opened.
    """
    import hashlib

    from survey.limits import MAX_FILE_BYTES
    from survey.repository_paths import escaping_target

    package = Path(__file__).resolve().parent
    files = [root / "taxonomy.yaml", *sorted((root / "entries").glob("*.y*ml")),
             *sorted((root / "paper").rglob("*")), *sorted(templates.rglob("*")), *sorted(package.rglob("*.py"))]
    digest = hashlib.sha256(venue.encode())
    for path in files:
        digest.update(str(path).encode() + b"\0")
        target = escaping_target(path, root) if path.is_relative_to(root) else None
        if target is not None:
            digest.update(b"link\0" + str(target).encode() + b"\0")
        elif path.is_file():
            info = path.stat()
            if info.st_size > MAX_FILE_BYTES and not path.is_relative_to(package):
                digest.update(f"large\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
                continue
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 16):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


def build(root: Path, venue: str, out: Path, *, pdf: bool = True,
          progress: Callable[[str], None] = lambda message: None) -> BuildResult:
    """Build the survey for `venue` ('todaes' or 'tcad') from the knowledge base at `root` into `out`.

    One build at a time writes to `out` (a second one waits); a failed or killed build leaves the previous
    outputs in place (see survey.build_folder); a problem writing files is a diagnostic, not an exception.
    """
    from survey.render.latex import VENUES

    if venue not in VENUES:
        return BuildResult(False, out, diagnostics=[error(Location(str(root)), "unknown-venue",
                                                          f"unknown venue '{venue}'",
                                                          f"choose one of {', '.join(sorted(VENUES))}")])
    from survey.build_folder import exclusive_build, finish_interrupted_publish
    from survey.os_errors import describe_os_error
    from survey.repository_paths import LinkOutOfFolder

    try:
        _require_contained_folders(root, out)
    except LinkOutOfFolder as refused:
        return BuildResult(False, out, diagnostics=[refused.diagnostic])
    try:
        with exclusive_build(out, progress):
            finished = finish_interrupted_publish(out)
            if finished:
                progress(f"finished publishing {len(finished)} files that a build killed earlier had left")
            return _build_locked(root, venue, out, pdf, progress)
    except OSError as exc:
        problem = describe_os_error(exc, f"cannot build into {out}")
        return BuildResult(False, out, diagnostics=[error(Location(str(exc.filename or out)), problem.code,
                                                          problem.message, problem.hint)])


def _require_contained_folders(root: Path, out: Path) -> None:
    """Raise LinkOutOfFolder when the build folder, the cache or CITATION.cff would take a write out of place."""
    from survey.citation import CITATION_FILE
    from survey.knowledge_base import display_path
    from survey.repository_paths import refuse_link_out, require_contained_folder

    require_contained_folder(out, root, display_path(out))
    require_contained_folder(root / CACHE_DIR, root, display_path(root / CACHE_DIR))
    refuse_link_out(root / CITATION_FILE, root, display_path(root / CITATION_FILE))


def _build_locked(root: Path, venue: str, out: Path, pdf: bool, progress: Callable[[str], None]) -> BuildResult:
    """build() once it holds the build folder's lock."""
    from survey.check import check
    from survey.compile import compile_pdf
    from survey.derive.authors import build_author_list
    from survey.derive.plots import write_figures
    from survey.derive.views import build_views
    from survey.metadata import load_metadata
    from survey.render.latex import MAIN_FILE, render_document
    from survey.render.latex_escape import Escaper, detect_charset

    templates = templates_folder(root)
    fingerprint = input_fingerprint(root, venue, templates)
    inputs_file = out / INPUTS_HASH_FILE
    if pdf and _up_to_date(out, inputs_file, fingerprint):
        progress("inputs unchanged since the last successful build; nothing to do")
        return BuildResult(True, out, pdf=out / "survey.pdf", ran_tex=False)
    progress("checking the knowledge base")
    checked = check(root)
    problems = [d for d in checked.diagnostics if d.is_error]
    metadata, metadata_problems = load_metadata(root)
    problems += [d for d in metadata_problems if d.is_error]
    if problems or metadata is None:
        if metadata is None and not problems:
            problems.append(error(Location(str(root / "paper" / "metadata.yaml")), "missing-metadata",
                                  "paper/metadata.yaml is missing or unreadable"))
        return BuildResult(False, out, diagnostics=sorted(problems, key=Diagnostic.sort_key))
    problems = _links_out_of_repository(root, templates)
    if problems:
        return BuildResult(False, out, diagnostics=problems)
    kb = checked.knowledge_base
    progress(f"deriving views of {len(kb.entries)} entries")
    views = build_views(kb)
    authors = build_author_list(kb, metadata)
    work = out / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    progress("drawing figures")
    figures = write_figures(views, work / FIGURES_DIR, cache=root / CACHE_DIR / "figures")
    progress(f"rendering LaTeX for {venue}")
    introduction_path = root / INTRODUCTION
    introduction = introduction_path.read_text(encoding="utf-8") if introduction_path.is_file() else None
    escaper = Escaper(detect_charset())

    def render(table_fill: float) -> RenderedDocument:
        document = render_document(views=views, authors=authors, metadata=metadata, entries=kb.entries,
                                   venue=venue, templates=templates, escaper=escaper, figures=figures,
                                   figure_folder=FIGURES_DIR, introduction=introduction, table_fill=table_fill)
        for name, text in sorted(document.files.items()):
            write_if_changed(work / name, text.encode("utf-8"))
        return document

    document = render(1.0)
    sources = sorted(document.files) + [f"{FIGURES_DIR}/{f.file_name}" for f in figures]
    diagnostics = [d for d in checked.diagnostics if not d.is_error] + list(authors.diagnostics)
    diagnostics += [_render_warning(message, Location(str(out / MAIN_FILE))) for message in document.warnings]
    if not pdf:
        inputs_file.unlink(missing_ok=True)  # the PDF no longer matches the sources beside it: rebuild it next time
        publish(work, out, sources)
        _write_citation(root, metadata, authors)
        progress(f"wrote {len(sources)} source files to {out} (no PDF requested)")
        return BuildResult(True, out, sources, diagnostics=diagnostics)

    def locate_entry(entry_id: str) -> Location | None:
        entry = kb.entry(entry_id)
        return entry.locate("id") if entry is not None else None

    template_files = sorted(p for p in templates.rglob("*.j2") if p.is_file())
    compiled = compile_pdf(work, MAIN_FILE, sources, extra_inputs=template_files, progress=progress,
                           locate_entry=locate_entry)
    table_fill = 1.0
    while not compiled.ok and _table_too_tall(compiled.diagnostics) and table_fill > 0.3:
        # Row heights are estimated from text lengths; when TeX finds a table chunk too tall for its page
        # (IEEEtran silently drops rows, or stops with dead cycles), split the tables finer and compile again.
        table_fill *= 0.7
        progress(f"a table was too tall for its page: splitting tables into {table_fill:.0%} of the rows")
        render(table_fill)
        compiled = compile_pdf(work, MAIN_FILE, sources, extra_inputs=template_files, progress=progress,
                               locate_entry=locate_entry)
    diagnostics += [_relocated(d, work, out) for d in compiled.diagnostics]
    if not compiled.ok:
        diagnostics += _low_space(out)
        return BuildResult(False, out, sources, None, compiled.ran_tex, diagnostics)
    write_atomically(work / INPUTS_HASH_FILE, fingerprint + "\n")
    publish(work, out, sources + [PDF_NAME, INPUTS_HASH_FILE])
    _write_citation(root, metadata, authors)
    progress(f"wrote {out / PDF_NAME}")
    return BuildResult(True, out, sources, out / PDF_NAME, compiled.ran_tex, diagnostics)


def _links_out_of_repository(root: Path, templates: Path) -> list[Diagnostic]:
    """Errors for the editor's prose and the knowledge base's own templates that link out of the repository."""
    from survey.knowledge_base import display_path
    from survey.repository_paths import outside_repository

    paths = [root / INTRODUCTION]
    if templates == root / TEMPLATES_DIR:
        paths += sorted(templates.rglob("*"))
    found = [outside_repository(path, root, display_path(path)) for path in paths]
    return [problem for problem in found if problem is not None]


_LOCATED = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$", re.DOTALL)


def _render_warning(message: str, generated: Location) -> Diagnostic:
    """A renderer's warning at the place it names (`entries/x.yaml:67:9: ...`), else at the generated file."""
    located = _LOCATED.match(message)
    if located is None:
        return warning(generated, "render", message)
    where = Location(located["path"], int(located["line"]), int(located["column"]))
    return warning(where, "render", located["message"])


def _low_space(out: Path) -> list[Diagnostic]:
    """An error naming a nearly full disk as the likely cause of a failed TeX run (TeX only says it stopped)."""
    import shutil

    free = shutil.disk_usage(out).free
    if free >= LOW_SPACE_BYTES:
        return []
    return [error(Location(str(out)), "disk-full",
                  f"only {free >> 10} KiB are free on the disk that holds {out}; TeX may have stopped for lack of space",
                  "free some space on that disk, or build elsewhere with --out DIR")]


def _relocated(diagnostic: Diagnostic, work: Path, out: Path) -> Diagnostic:
    """A diagnostic about a generated file, pointed at the published copy in `out` rather than the work folder."""
    import dataclasses

    prefix = str(work) + os.sep
    if not diagnostic.location.path.startswith(prefix):
        return diagnostic
    moved = dataclasses.replace(diagnostic.location, path=str(out / diagnostic.location.path[len(prefix):]))
    return dataclasses.replace(diagnostic, location=moved)


def _table_too_tall(diagnostics: list[Diagnostic]) -> bool:
    return any("Float too large" in d.message or "dead cycles" in d.message for d in diagnostics)


def _write_citation(root: Path, metadata: Metadata, authors: AuthorList) -> None:
    """CITATION.cff of the knowledge base, from the same author data as the paper."""
    from survey.citation import CITATION_FILE, citation_text

    write_if_changed(root / CITATION_FILE, citation_text(metadata, authors).encode("utf-8"))


def _up_to_date(out: Path, inputs_file: Path, fingerprint: str) -> bool:
    return ((out / PDF_NAME).is_file() and inputs_file.is_file() and inputs_file.read_text().strip() == fingerprint)

