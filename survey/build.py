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

from survey.compile.build_folder import publish
from survey.compile.latexmk import PDF_NAME
from survey.files.atomic_write import write_atomically, write_if_changed
from survey.files.cache_folder import CACHE_DIR
from survey.report.diagnostics import Diagnostic, Location, error, warning

if TYPE_CHECKING:
    from survey.check.authors import AuthorList
    from survey.compile.latexmk import CompileResult
    from survey.compile.preamble_format import FormatJob
    from survey.derive.plots import FigurePlan
    from survey.load.metadata import Metadata
    from survey.render.latex import RenderedDocument
    from survey.render.latex_escape import Escaper

FIGURES_DIR = "figures"
FORMAT_DIR = ".tex-format"  # in the work folder: the preamble's TeX format (survey.compile.preamble_format)
INPUTS_HASH_FILE = ".survey-inputs.sha256"
WORK_DIR = ".survey-work"
TEMPLATES_DIR = "templates"
PROVENANCE_FILE = "provenance.json"
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


def template_folders(root: Path) -> list[Path]:
    """Where templates are looked up, in order: the knowledge base's own templates/ (when it has one), whose
    files win, then the defaults inside the package (survey/data/templates), so an installed wheel builds too."""
    from survey.files.defaults import default_templates

    own = root / TEMPLATES_DIR
    fallback = default_templates()
    if not own.is_dir() or own.resolve() == fallback.resolve():
        return [own] if own.is_dir() else [fallback]  # this repository: its templates/ are the defaults
    return [own, fallback]


def template_files(folders: list[Path]) -> list[Path]:
    """The template files a build reads: for each name, the first folder's copy."""
    chosen: dict[Path, Path] = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            chosen.setdefault(path.relative_to(folder), path)
    return [chosen[name] for name in sorted(chosen)]


def input_fingerprint(root: Path, venue: str, templates: list[Path]) -> str:
    """SHA-256 over everything a build reads: entries, taxonomy, paper/, templates and the package's code.

    Runs before the check, so it reads nothing the check would refuse: a link out of the repository counts by
    where it points, a file larger than an entry may be by its size and time, and only regular files are opened.
    """
    import hashlib

    from survey.files.limits import MAX_FILE_BYTES
    from survey.files.repository_paths import escaping_target

    package = Path(__file__).resolve().parent
    files = [root / "taxonomy.yaml", root / "CHANGELOG.md", *sorted((root / "entries").glob("*.y*ml")),
             *sorted((root / "paper").rglob("*")), *template_files(templates), *sorted(package.rglob("*.py"))]
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


def build(root: Path, venue: str, out: Path, *, pdf: bool = True, final: bool = False,
          progress: Callable[[str], None] = lambda message: None) -> BuildResult:
    """Build the survey for `venue` ('todaes' or 'tcad') from the knowledge base at `root` into `out`.

    `final` refuses (before anything is generated) while an editor section is still a placeholder.

    One build at a time writes to `out` (a second one waits); a failed or killed build leaves the previous
    outputs in place (see survey.compile.build_folder); a problem writing files is a diagnostic, not an exception.
    """
    from survey.render.latex import VENUES

    if venue not in VENUES:
        return BuildResult(False, out, diagnostics=[error(Location(str(root)), "unknown-venue",
                                                          f"unknown venue '{venue}'",
                                                          f"choose one of {', '.join(sorted(VENUES))}")])
    from survey.compile.build_folder import exclusive_build, finish_interrupted_publish
    from survey.files.repository_paths import LinkOutOfFolder
    from survey.report.os_errors import describe_os_error

    try:
        _require_contained_folders(root, out)
    except LinkOutOfFolder as refused:
        return BuildResult(False, out, diagnostics=[refused.diagnostic])
    try:
        with exclusive_build(out, progress):
            finished = finish_interrupted_publish(out)
            if finished:
                progress(f"finished publishing {len(finished)} files that a build killed earlier had left")
            return _build_locked(root, venue, out, pdf, final, progress)
    except OSError as exc:
        problem = describe_os_error(exc, f"cannot build into {out}")
        return BuildResult(False, out, diagnostics=[error(Location(str(exc.filename or out)), problem.code,
                                                          problem.message, problem.hint)])


def _require_contained_folders(root: Path, out: Path) -> None:
    """Raise LinkOutOfFolder when the build folder, the cache or CITATION.cff would take a write out of place."""
    from survey.files.repository_paths import refuse_link_out, require_contained_folder
    from survey.load.knowledge_base import display_path
    from survey.render.citation import CITATION_FILE

    require_contained_folder(out, root, display_path(out))
    require_contained_folder(root / CACHE_DIR, root, display_path(root / CACHE_DIR))
    refuse_link_out(root / CITATION_FILE, root, display_path(root / CITATION_FILE))


def _build_locked(root: Path, venue: str, out: Path, pdf: bool, final: bool,
                  progress: Callable[[str], None]) -> BuildResult:
    """build() once it holds the build folder's lock."""
    from survey.compile.latexmk import tex_environment, tex_timeout
    from survey.compile.preamble_format import FormatJob, head_of
    from survey.render.latex import render_head
    from survey.render.latex_escape import Escaper, detect_charset

    templates = template_folders(root)
    fingerprint = input_fingerprint(root, venue, templates)
    inputs_file = out / INPUTS_HASH_FILE
    if pdf and not final and _up_to_date(out, inputs_file, fingerprint):
        progress("inputs unchanged since the last successful build; nothing to do")
        return BuildResult(True, out, pdf=out / "survey.pdf", ran_tex=False)
    escaper = Escaper(detect_charset())
    # The preamble's format is made from the template alone: TeX builds it while the knowledge base is read.
    head = render_head(venue, templates, escaper, head_of) if pdf else None
    preamble = FormatJob(head, out / WORK_DIR / FORMAT_DIR, tex_timeout(), tex_environment()) if head else None
    try:
        return _build_from_inputs(root, venue, out, pdf, final, progress, templates, fingerprint, escaper, preamble)
    finally:
        if preamble is not None:
            preamble.stop()  # a refused build does not wait for it


def _build_from_inputs(root: Path, venue: str, out: Path, pdf: bool, final: bool, progress: Callable[[str], None],
                       templates: list[Path], fingerprint: str, escaper: Escaper,
                       preamble: FormatJob | None) -> BuildResult:
    """_build_locked once the inputs are known to have changed: load, check, derive, render and compile."""
    from survey.check.authors import build_author_list
    from survey.check.rules import check_rules
    from survey.compile.latexmk import compile_pdf
    from survey.derive.master_tables import build_master_tables
    from survey.derive.method import build_method
    from survey.derive.plots import plan_figures
    from survey.derive.synthesis import build_synthesis
    from survey.derive.trends import build_trends
    from survey.derive.views import build_views
    from survey.load.changelog import load_releases
    from survey.load.knowledge_base import load_knowledge_base
    from survey.load.metadata import load_metadata
    from survey.load.outline import load_outline, load_scope, placeholder_diagnostics
    from survey.render.latex import MAIN_FILE, render_document
    from survey.render.supplement import SUPPLEMENT_FILE, supplement_csv

    inputs_file = out / INPUTS_HASH_FILE
    progress("reading the knowledge base")
    kb = load_knowledge_base(root)
    # A build with a PDF checks the rules beside TeX (see _compile_alongside), or before it refuses to go on.
    checked = None if pdf else check_rules(kb, root)
    problems = [d for d in kb.diagnostics + (checked or []) if d.is_error]
    metadata, metadata_problems = load_metadata(root)
    problems += [d for d in metadata_problems if d.is_error]
    outline, outline_problems = load_outline(root)
    scope, scope_problems = load_scope(root)
    problems += [d for d in outline_problems + scope_problems if d.is_error]
    placeholders = placeholder_diagnostics(outline, final)
    if metadata is not None and not metadata.contributions and \
            any(s.generate == "author-contributions" for s in outline.sections):
        placeholders.append((error if final else warning)(
            metadata.locate(), "editor-placeholder", "no author contributions are recorded",
            "add `contributions:` with each author's CRediT roles to paper/metadata.yaml"))
    if metadata is not None and venue == "tcad" and not metadata.history.received:
        placeholders.append((error if final else warning)(
            metadata.locate(), "editor-placeholder", "no manuscript history for the 'Manuscript received' note",
            "add `history: {received: ...}` to paper/metadata.yaml"))
    problems += _links_out_of_repository(root, templates)

    def refuse(found: list[Diagnostic]) -> BuildResult:
        """A refused build, with every error the rules find too (as `survey check` would report them)."""
        found = found + [d for d in (check_rules(kb, root) if checked is None else []) if d.is_error]
        return BuildResult(False, out, diagnostics=sorted(dict.fromkeys(found), key=Diagnostic.sort_key))

    if problems or metadata is None:
        if metadata is None and not problems:
            problems.append(error(Location(str(root / "paper" / "metadata.yaml")), "missing-metadata",
                                  "paper/metadata.yaml is missing or unreadable"))
        return refuse(problems)
    progress(f"deriving views of {len(kb.entries)} entries")
    try:
        views = build_views(kb)
        class_titles = next((s.titles for s in outline.sections if s.generate == "architecture-classes"), {})
        synthesis = build_synthesis(kb.taxonomy, kb.entries, class_titles)  # type: ignore[arg-type]
        method = build_method(kb.taxonomy, kb.entries)  # type: ignore[arg-type]
        master_tables = build_master_tables(kb.taxonomy, kb.entries, views.metric_tables)  # type: ignore[arg-type]
        trends = build_trends(kb.taxonomy, kb.entries)  # type: ignore[arg-type]
    except Exception:  # the views assume entries the rules accept: an entry they refuse is the error to report
        refused_entries = refuse([])
        if refused_entries.diagnostics:
            return refused_entries
        raise
    quality = quality_gate(kb.entries, master_tables, final) + _figure_counts(synthesis, trends, final)
    refused = [d for d in placeholders + quality if d.is_error]  # only a final build makes these errors
    if refused:
        return refuse(refused)
    authors = build_author_list(kb, metadata)
    work = out / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    figure_plan = plan_figures(trends, work / FIGURES_DIR, cache=root / CACHE_DIR / "figures", venue=venue)
    figures = figure_plan.figures
    progress(f"rendering LaTeX for {venue}")
    releases = load_releases(root)  # for the paper's revision history

    def render(table_fill: float) -> RenderedDocument:
        document = render_document(views=views, authors=authors, metadata=metadata, entries=kb.entries,
                                   venue=venue, templates=templates, escaper=escaper, outline=outline,
                                   synthesis=synthesis, method=method, scope=scope, figures=figures,
                                   master_tables=master_tables,
                                   figure_folder=FIGURES_DIR, table_fill=table_fill, releases=releases)
        files = dict(document.files)
        files[PROVENANCE_FILE] = provenance_text(synthesis, method)
        files[SUPPLEMENT_FILE] = supplement_csv(views.metric_tables, kb.entries)
        for name, text in sorted(files.items()):
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(work / name, text.encode("utf-8"))
        return document

    document = render(1.0)
    sources = sorted([*document.files, PROVENANCE_FILE, SUPPLEMENT_FILE]) + sorted({f"{FIGURES_DIR}/{f.file_name}" for f in figures})

    def locate_entry(entry_id: str) -> Location | None:
        entry = kb.entry(entry_id)
        return entry.locate("id") if entry is not None else None

    templates_read = [p for p in template_files(templates) if p.suffix == ".j2"]
    if pdf:
        compiled, checked = _compile_alongside(figure_plan, lambda: check_rules(kb, root), work, sources,
                                               templates_read, progress, locate_entry, preamble)
    elif figure_plan.draw is not None:
        progress("drawing figures")
        figure_plan.draw()
    assert checked is not None
    if any(d.is_error for d in checked):  # TeX was stopped: nothing is published
        return BuildResult(False, out, ran_tex=pdf,
                           diagnostics=sorted((d for d in checked if d.is_error), key=Diagnostic.sort_key))
    # The author list's warnings that `survey check` reports too (a country missing) are printed once.
    found = sorted([d for d in kb.diagnostics if not d.is_error] + checked, key=Diagnostic.sort_key)
    diagnostics = list(dict.fromkeys(found + list(authors.diagnostics)))
    diagnostics += [d for d in outline_problems + scope_problems if not d.is_error] + placeholders + quality
    diagnostics += figure_plan.warnings  # the venue's body font missing: the figures are in DejaVu Sans
    diagnostics += [_render_warning(message, Location(str(out / MAIN_FILE))) for message in document.warnings]
    if not pdf:
        inputs_file.unlink(missing_ok=True)  # the PDF no longer matches the sources beside it: rebuild it next time
        publish(work, out, sources)
        _write_citation(out, metadata, authors, root)
        progress(f"wrote {len(sources)} source files to {out} (no PDF requested)")
        return BuildResult(True, out, sources, diagnostics=diagnostics)
    table_fill = 1.0
    while not compiled.ok and _table_too_tall(compiled.diagnostics) and table_fill > 0.3:
        # Row heights are estimated from text lengths; when TeX finds a table chunk too tall for its page
        # (IEEEtran silently drops rows, or stops with dead cycles), split the tables finer and compile again.
        table_fill *= 0.7
        progress(f"a table was too tall for its page: splitting tables into {table_fill:.0%} of the rows")
        render(table_fill)
        compiled = compile_pdf(work, MAIN_FILE, sources, extra_inputs=templates_read, progress=progress,
                               locate_entry=locate_entry, preamble=preamble)
    diagnostics += [_relocated(d, work, out) for d in compiled.diagnostics]
    if final and compiled.ok:
        diagnostics = [_final_box(d) for d in diagnostics]
        if any(d.is_error for d in diagnostics):  # a submission with boxes sticking out is not published
            return BuildResult(False, out, sources, None, compiled.ran_tex, diagnostics)
    if not compiled.ok:
        diagnostics += _low_space(out)
        return BuildResult(False, out, sources, None, compiled.ran_tex, diagnostics)
    write_atomically(work / INPUTS_HASH_FILE, fingerprint + "\n")
    publish(work, out, sources + [PDF_NAME, INPUTS_HASH_FILE])
    _write_citation(out, metadata, authors, root)
    progress(f"wrote {out / PDF_NAME}")
    return BuildResult(True, out, sources, out / PDF_NAME, compiled.ran_tex, diagnostics)


FINAL_OVERFULL_PT = 2.0  # a submission's boxes may stick out this far at most


def _compile_alongside(plan: FigurePlan, rules: Callable[[], list[Diagnostic]], work: Path, sources: list[str],
                      templates_read: list[Path], progress: Callable[[str], None],
                      locate_entry: Callable[[str], Location | None],
                      preamble: FormatJob | None = None) -> tuple[CompileResult, list[Diagnostic]]:
    """compile_pdf, while a second thread draws the figures and then checks the rules (together most of a cold
    build's own time): TeX reads blank pages of the figures' sizes until they arrive (see compile_pdf's
    `arriving`), and is stopped when the rules find an error. The compile's result and the rules' diagnostics."""
    import threading
    from concurrent.futures import Future, ThreadPoolExecutor

    from survey.compile.latexmk import compile_pdf
    from survey.derive.figure_style import blank_pdf
    from survey.render.latex import MAIN_FILE

    pages = sorted({(f.file_name, f.page): (f.width_in, f.height_in) for f in plan.figures}.items())
    draw = plan.draw  # None: the figures were copied from the cache and are in place
    files = sorted({name for (name, _), _ in pages}) if draw is not None else []
    for name in files:  # one PDF of the figures' pages (figure_style.FigureBook): its stand-in, page for page
        write_atomically(work / FIGURES_DIR / name, blank_pdf([size for (file, _), size in pages if file == name]))
    refused = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="survey-beside-tex") as beside:
        arriving = {}
        if draw is not None and files:
            progress("drawing figures while TeX runs")
            drawn = beside.submit(draw)
            arriving = {f"{FIGURES_DIR}/{name}": drawn for name in files}
        checked = beside.submit(rules)

        def stop_on_errors(done: Future[list[Diagnostic]]) -> None:
            if done.exception() is not None or any(d.is_error for d in done.result()):
                refused.set()  # a refused build needs no PDF (and an exception is raised below)

        checked.add_done_callback(stop_on_errors)
        compiled = compile_pdf(work, MAIN_FILE, sources, extra_inputs=templates_read, progress=progress,
                               locate_entry=locate_entry, arriving=arriving, cancel=refused, preamble=preamble)
        return compiled, checked.result()


def quality_gate(entries: object, master_tables: object, final: bool) -> list[Diagnostic]:
    """What a referee would attack first, found before TeX: works without a locator, a table listing a work twice
    or holding an empty column. Warnings in a draft, errors in a final build."""
    from survey.derive.master_tables import EMPTY
    from survey.render.bibliography import without_locator

    make = error if final else warning
    found = [make(entry.locate("id"), "reference-without-locator",
                  "the reference prints no DOI, URL or arXiv id, so a reader cannot find the work",
                  "add `doi:`, `arxiv:` or `url:` to the entry")
             for entry in without_locator(entries)]  # type: ignore[arg-type]
    for table in master_tables:  # type: ignore[attr-defined]
        for entry_id in table.duplicates():
            found.append(make(Location(f"<table {table.key}>"), "work-listed-twice",
                              f"work '{entry_id}' is listed twice in the {table.title.lower()} table", None))
        for column in table.columns:
            if all(row.cells.get(column.key, EMPTY) == EMPTY for row in table.rows):
                found.append(make(Location(f"<table {table.key}>"), "empty-column",
                                  f"column '{column.header}' of the {table.title.lower()} table is empty", None))
    return found


def _figure_counts(synthesis: object, trends: object, final: bool) -> list[Diagnostic]:
    """The per-year figure must count, per class, the works its class section counts (with a year), and the
    timeline of measured designs the works each class section cites as measured (with a year)."""
    from survey.derive.synthesis import Cite, Number, Synthesis
    from survey.derive.trends import Trends, figure_counts, silicon_timeline

    assert isinstance(synthesis, Synthesis) and isinstance(trends, Trends)
    years = {w.entry_id for w in trends.works if w.year}
    shown = figure_counts(trends)
    found = []
    for section in synthesis.class_sections:
        counted = len([i for i in section.entry_ids if i in years])
        label = next((w.family for w in trends.works if w.entry_id in section.entry_ids and w.family), None)
        if label is not None and shown.get(label, 0) != counted:
            found.append((error if final else warning)(
                Location("<figure works-per-year>"), "figure-count-mismatch",
                f"the works-per-year figure counts {shown.get(label, 0)} {label} works, the section {counted}", None))
    timeline = {w.entry_id for w in silicon_timeline(trends)}
    for section in synthesis.class_sections:
        segments = [s for p in section.paragraphs for s in p.segments]
        says = next((i for i, s in enumerate(segments) if isinstance(s, Number)
                     and s.provenance.get("of", "").endswith("with measured evidence")), None)
        cited = next((set(s.entry_ids) for s in segments[says or 0:] if isinstance(s, Cite)), set()) \
            if says is not None else set()
        drawn = timeline & set(section.entry_ids)
        if drawn != {i for i in cited if i in years}:
            found.append((error if final else warning)(
                Location("<figure silicon-timeline>"), "figure-count-mismatch",
                f"the timeline shows {len(drawn)} measured works of section '{section.title}', the section "
                f"{len(cited)}", None))
    return found


def _final_box(diagnostic: Diagnostic) -> Diagnostic:
    """An overfull box over FINAL_OVERFULL_PT is an error in a final build."""
    import dataclasses

    if diagnostic.code not in ("overfull-box", "overfull-boxes"):
        return diagnostic
    amount = re.search(r"(?:sticks out|largest) ([\d.]+)pt", diagnostic.message)
    if amount is None or float(amount.group(1)) <= FINAL_OVERFULL_PT:
        return diagnostic
    from survey.report.diagnostics import Severity

    return dataclasses.replace(diagnostic, severity=Severity.ERROR, hint="a submission may not stick out past the margin; "
                               "shorten or rephrase the text at that line")


def provenance_text(synthesis: object, method: object) -> str:
    """provenance.json: every number printed in generated prose, with the entry, metric, count or year it came from."""
    import json

    from survey.derive.method import Method
    from survey.derive.synthesis import Synthesis

    assert isinstance(synthesis, Synthesis) and isinstance(method, Method)
    numbers = synthesis.provenance()
    for paragraph in method.paragraphs:
        numbers += [{"section": "survey-method", "text": n.text, **n.provenance} for n in paragraph.numbers()]
    return json.dumps({"numbers": numbers}, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _links_out_of_repository(root: Path, templates: list[Path]) -> list[Diagnostic]:
    """Errors for the editor's prose and the knowledge base's own templates that link out of the repository."""
    from survey.files.repository_paths import outside_repository
    from survey.load.knowledge_base import display_path

    paths: list[Path] = []
    if root / TEMPLATES_DIR in templates:
        paths += sorted((root / TEMPLATES_DIR).rglob("*"))
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


def _write_citation(out: Path, metadata: Metadata, authors: AuthorList, root: Path) -> None:
    """CITATION.cff of the knowledge base, from the same author data as the paper, beside the PDF in `out`.

    The tracked CITATION.cff in the knowledge base is written only by `survey authors --cff` (a build never
    changes tracked files); `survey authors --cff --check` says whether it is current.
    """
    from survey.render.citation import CITATION_FILE, citation_text, newest_release

    text = citation_text(metadata, authors, newest_release(root))  # the version of CHANGELOG.md's newest release
    write_if_changed(out / CITATION_FILE, text.encode("utf-8"))


def _up_to_date(out: Path, inputs_file: Path, fingerprint: str) -> bool:
    return ((out / PDF_NAME).is_file() and inputs_file.is_file() and inputs_file.read_text().strip() == fingerprint)



# ------------------------------------------------------------------------------------------- the readers' website

SITE_MANIFEST = ".survey-site"  # the files the last `survey site` wrote into its folder, one a line


@dataclass
class SiteResult:
    ok: bool
    out: Path
    files: list[str] = field(default_factory=list)  # relative to `out`
    diagnostics: list[Diagnostic] = field(default_factory=list)


def build_site(root: Path, out: Path, *, pdf_folder: Path | None = None,
               progress: Callable[[str], None] = lambda message: None) -> SiteResult:
    """The static website of the knowledge base at `root` in `out`: check, derive, render, publish.

    Refuses to build a knowledge base with errors, and a folder that holds files survey did not write there. Files
    of an earlier site that the new one no longer has are deleted; the others are replaced all together
    (survey.compile.build_folder). The PDFs found directly in `pdf_folder` (the build folder) are offered too.
    """
    from survey.compile.build_folder import exclusive_build, finish_interrupted_publish
    from survey.files.repository_paths import LinkOutOfFolder, require_contained_folder
    from survey.load.knowledge_base import display_path
    from survey.report.os_errors import describe_os_error

    try:
        require_contained_folder(out, root, display_path(out))
        require_contained_folder(root / CACHE_DIR, root, display_path(root / CACHE_DIR))
    except LinkOutOfFolder as refused:
        return SiteResult(False, out, diagnostics=[refused.diagnostic])
    foreign = _foreign_files(out)
    if foreign:
        return SiteResult(False, out, diagnostics=[error(
            Location(display_path(out / foreign[0])), "not-a-site-folder",
            f"{display_path(out)} holds files that `survey site` did not write ({foreign[0]}, ...); survey deletes "
            "in its site folder and does not write there", "name an empty or new folder with --out")])
    try:
        with exclusive_build(out, progress):
            finish_interrupted_publish(out)
            return _build_site_locked(root, out, pdf_folder, progress)
    except OSError as exc:
        problem = describe_os_error(exc, f"cannot write the site into {out}")
        return SiteResult(False, out, diagnostics=[error(Location(str(exc.filename or out)), problem.code,
                                                         problem.message, problem.hint)])


def _foreign_files(out: Path) -> list[str]:
    """Files in an existing `out` that no `survey site` wrote (none when it is new, empty or a site folder)."""
    from survey.compile.build_folder import JOURNAL_FILE, LOCK_FILE

    if not out.is_dir():
        return []
    ours = (LOCK_FILE, SITE_MANIFEST, WORK_DIR, JOURNAL_FILE)  # a first site killed half way leaves these alone
    names = sorted(p.name for p in out.iterdir() if p.name not in ours)
    return [] if not names or (out / SITE_MANIFEST).is_file() else names


def _build_site_locked(root: Path, out: Path, pdf_folder: Path | None,
                       progress: Callable[[str], None]) -> SiteResult:
    import shutil
    import tempfile

    from survey.check.rules import check
    from survey.derive.site_view import build_site_view
    from survey.derive.trends import build_trends, write_trend_figures
    from survey.derive.views import build_views
    from survey.load.changelog import load_changelog_blocks
    from survey.load.metadata import load_metadata
    from survey.query.cache import load_index
    from survey.render.site import SiteInputs, render_site

    progress("checking the knowledge base")
    checked = check(root)
    templates = template_folders(root)
    problems = [d for d in checked.diagnostics if d.is_error] + _links_out_of_repository(root, templates)
    if problems:
        return SiteResult(False, out, diagnostics=sorted(problems, key=Diagnostic.sort_key))
    kb = checked.knowledge_base
    progress(f"deriving the site's views of {len(kb.entries)} entries")
    views = build_views(kb)
    site = build_site_view(kb, views)
    metadata, _ = load_metadata(root)
    with tempfile.TemporaryDirectory(prefix="survey-site-figures-") as folder:
        progress("drawing figures")
        drawn = write_trend_figures(build_trends(kb.taxonomy, kb.entries), Path(folder), "svg")  # type: ignore[arg-type]
        figures = [(figure, (Path(folder) / figure.file_name).read_bytes()) for figure in drawn]
    inputs = SiteInputs(title=metadata.title if metadata is not None else "Survey", figures=figures,
                        pdfs=_built_pdfs(root, pdf_folder), changelog=load_changelog_blocks(root))
    progress("rendering HTML")
    files = render_site(site, views, load_index(root), inputs, templates)
    work = out / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)
    for name, data in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    (work / SITE_MANIFEST).write_text("".join(f"{name}\n" for name in files), encoding="utf-8")
    earlier = _site_manifest(out)
    publish(work, out, [*files, SITE_MANIFEST])
    shutil.rmtree(work, ignore_errors=True)
    for name in sorted(set(earlier) - set(files), reverse=True):
        (out / name).unlink(missing_ok=True)
        emptied = (out / name).parent
        while emptied != out and emptied.is_dir() and not any(emptied.iterdir()):
            emptied.rmdir()
            emptied = emptied.parent
    progress(f"wrote {len(files)} files to {out}")
    return SiteResult(True, out, list(files), diagnostics=[d for d in checked.diagnostics if not d.is_error])


def _site_manifest(out: Path) -> list[str]:
    """The files the last site in `out` wrote, as its manifest lists them: only plain paths inside `out`."""
    from survey.files.repository_paths import read_cache_file

    try:
        text = read_cache_file(out / SITE_MANIFEST).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    names = []
    for name in text.splitlines():
        parts = Path(name).parts
        if name and not Path(name).is_absolute() and ".." not in parts and all(
                not (out.joinpath(*parts[:i])).is_symlink() for i in range(1, len(parts) + 1)):
            names.append(name)
    return names


def _built_pdfs(root: Path, pdf_folder: Path | None) -> list[tuple[str, bytes]]:
    """The PDFs directly in `pdf_folder` (regular files inside the repository), by name."""
    from survey.files.repository_paths import escaping_target, read_cache_file

    if pdf_folder is None or not pdf_folder.is_dir() or escaping_target(pdf_folder, root) is not None:
        return []
    found = []
    for path in sorted(pdf_folder.glob("*.pdf")):
        try:
            found.append((path.name, read_cache_file(path)))
        except OSError:
            continue  # a link or something other than a file: not offered
    return found
