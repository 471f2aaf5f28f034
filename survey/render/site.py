"""The readers' website as static HTML: an index of all works with filters, a page per work and per taxonomy term,
the coverage matrix, comparison tables, figures, downloads and the changelog.

HTML escaping happens here and only here: Jinja's autoescape is on for every template, and no template marks
anything safe, so text from an entry reaches a page as text whatever it holds. Links out of the site are built
here from what the entry says, and only http(s) addresses become links (a `javascript:` URL stays text). Pages
link to each other by relative paths, so the site works from the file system and from any web folder. The output
is a function of its inputs alone: no dates, sorted everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import jinja2

from survey.load.identifiers import ENTRY_ID

if TYPE_CHECKING:
    from survey.derive.figure_style import Figure
    from survey.derive.site_view import SiteView
    from survey.derive.views import SurveyViews
    from survey.load.changelog import ChangelogBlock
    from survey.query.index import QueryIndex

SITE_TEMPLATES = "site"  # the folder of the site's templates and assets inside a templates folder
ASSETS = ("site.css", "site.js")
DOWNLOADS_DIR = "downloads"
FIGURES_DIR = "figures"


@dataclass(frozen=True)
class Download:
    file_name: str
    description: str


@dataclass(frozen=True)
class SiteInputs:
    """What the site shows besides the views: its title, figures, files to download and the release history."""

    title: str
    figures: list[tuple[Figure, bytes]]  # SVG files
    pdfs: list[tuple[str, bytes]]  # (file name, content) of the PDFs built
    changelog: list[ChangelogBlock] | None  # None: no release history, no changelog page


def external_url(text: str | None) -> str | None:
    """`text` when it is an http(s) address a link may point at, else None (the page then shows it as text)."""
    if not text or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def doi_url(doi: str | None) -> str | None:
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-") if doi and doi.strip() else None


def arxiv_url(arxiv: str | None) -> str | None:
    return "https://arxiv.org/abs/" + quote(arxiv.strip(), safe="/.") if arxiv and arxiv.strip() else None


def _page_name(identifier: str) -> str:
    """A file name from an entry or term id (the loaders admit only these; anything else is a bug upstream)."""
    if not ENTRY_ID.match(identifier):
        raise ValueError(f"{identifier!r} is not an id a page may be named after")
    return f"{identifier}.html"


def work_path(entry_id: str) -> str:
    return f"works/{_page_name(entry_id)}"


def term_path(vocabulary: str, term_id: str) -> str:
    return f"terms/{_page_name(vocabulary)[:-5]}/{_page_name(term_id)}"


def make_environment(templates: Sequence[Path]) -> jinja2.Environment:
    """Jinja2 with HTML autoescape for every template, and undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder / SITE_TEMPLATES) for folder in templates]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["work_path"] = work_path
    env.filters["term_path"] = lambda term_id, vocabulary: term_path(vocabulary, term_id)
    env.filters["external_url"] = external_url
    return env


def _asset(templates: Sequence[Path], name: str) -> bytes:
    for folder in templates:
        path = folder / SITE_TEMPLATES / name
        if path.is_file():
            return path.read_bytes()
    raise FileNotFoundError(f"{SITE_TEMPLATES}/{name} is in none of the template folders")


def downloads(index: QueryIndex) -> dict[str, tuple[str, bytes]]:
    """The knowledge base as files to download: name -> (description, content)."""
    from survey.render.export import METRIC_COLUMNS, entries_json, metric_rows, render, to_bibtex, to_csv

    records = index.records
    return {
        "entries.csv": ("One row per work: id, title, year, type, venue and terms (CSV)", render(
            records, "csv", index, None).encode("utf-8")),
        "metrics.csv": ("One row per reported number, with its unit, conditions, baseline and source (CSV)",
                        to_csv(list(METRIC_COLUMNS), metric_rows(records, index)).encode("utf-8")),
        "entries.json": ("Every entry as written (JSON)", entries_json(records, index).encode("utf-8")),
        "entries.bib": ("A BibTeX record for every work", to_bibtex(records, index).encode("utf-8")),
    }


def _search_text(site_work: Any) -> str:
    """Words a reader may search for that the row does not show: names, short name, venue."""
    detail = site_work.detail
    words = [p.name for p in detail.people] + [p.name_native for p in detail.people if p.name_native]
    words += [detail.short_name or "", detail.venue or ""]
    return " ".join(w for w in words if w)


def render_site(site: SiteView, views: SurveyViews, index: QueryIndex, inputs: SiteInputs,
                templates: Sequence[Path]) -> dict[str, bytes]:
    """Every file of the site: path relative to the site's folder -> content."""
    env = make_environment(templates)
    files: dict[str, bytes] = {}
    bibtex = {r["id"]: _bibtex(r, index) for r in index.records}
    pages: list[tuple[str, str, str, dict[str, Any]]] = []  # (path, template, title, context)
    nav = [("index.html", "Works"), ("terms/index.html", "Taxonomy"), ("coverage.html", "Coverage"),
           ("tables.html", "Comparison tables"), ("figures.html", "Figures"), ("downloads.html", "Downloads")]
    if inputs.changelog is not None:
        nav.append(("changelog.html", "Changelog"))
    titles = {w.row.entry_id: w.row.title for w in site.works}
    pages.append(("index.html", "index.html.j2", inputs.title, {
        "works": site.works, "facets": site.facets, "search_text": _search_text,
        "facet_labels": {f.key: {v.id: v.label for v in f.values} for f in site.facets}}))
    for work in site.works:
        pages.append((work_path(work.row.entry_id), "work.html.j2", work.row.title, {
            "work": work, "detail": work.detail, "bibtex": bibtex.get(work.row.entry_id, ""), "titles": titles,
            "doi": doi_url(work.detail.doi), "arxiv": arxiv_url(work.detail.arxiv),
            "url": external_url(work.detail.url), "term_pages": {p.vocabulary for p in site.term_pages}}))
    vocabularies: dict[str, list[Any]] = {}
    for term in site.term_pages:
        vocabularies.setdefault(term.vocabulary, []).append(term)
        pages.append((term_path(term.vocabulary, term.term_id), "term.html.j2", term.label, {
            "term": term, "titles": titles, "labels": {t.term_id: t.label for t in site.term_pages
                                                        if t.vocabulary == term.vocabulary}}))
    pages.append(("terms/index.html", "terms.html.j2", "Taxonomy", {"vocabularies": vocabularies}))
    pages.append(("coverage.html", "coverage.html.j2", "Coverage", {"coverage": views.coverage}))
    pages.append(("tables.html", "tables.html.j2", "Comparison tables", {"tables": views.comparison,
                                                                         "titles": titles}))
    pages.append(("figures.html", "figures.html.j2", "Figures", {"figures": [f for f, _ in inputs.figures]}))
    offered = downloads(index)
    pages.append(("downloads.html", "downloads.html.j2", "Downloads", {
        "pdfs": [name for name, _ in inputs.pdfs],
        "files": [Download(name, description) for name, (description, _) in offered.items()]}))
    if inputs.changelog is not None:
        pages.append(("changelog.html", "changelog.html.j2", "Changelog", {"blocks": inputs.changelog}))
    for path, template, title, context in pages:
        depth = path.count("/")
        text = env.get_template(template).render(root="../" * depth, page_title=title, site_title=inputs.title,
                                                 nav=nav, here=path, **context)
        files[path] = text.encode("utf-8")
    for name in ASSETS:
        files[f"assets/{name}"] = _asset(templates, name)
    for figure, data in inputs.figures:
        files[f"{FIGURES_DIR}/{figure.file_name}"] = data
    for name, (_, data) in offered.items():
        files[f"{DOWNLOADS_DIR}/{name}"] = data
    for name, data in inputs.pdfs:
        files[f"{DOWNLOADS_DIR}/{name}"] = data
    files[".nojekyll"] = b""  # GitHub Pages: serve the files as they are
    return dict(sorted(files.items()))


def _bibtex(record: dict[str, Any], index: QueryIndex) -> str:
    from survey.render.export import to_bibtex

    return to_bibtex([record], index)

