"""The view of the readers' website: each work with its catalogue row, full detail, facets, talks and similar works;
the index's facets and the taxonomy's term pages. Plain data, like every view; render/site.py makes HTML of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.facets import Facet, TermPage, facets, term_pages, work_facets
from survey.derive.similar import SimilarWork, similar_works
from survey.derive.work_detail import WorkDetail, work_detail

if TYPE_CHECKING:
    from survey.derive.catalogue import CatalogueRow
    from survey.derive.views import SurveyViews
    from survey.load.knowledge_base import KnowledgeBase


@dataclass(frozen=True)
class SiteWork:
    row: CatalogueRow
    detail: WorkDetail
    facets: dict[str, list[str]]  # facet key -> value ids
    similar: list[SimilarWork]
    talks: list[str]  # ids of the talks that draw on this work
    draws_on: list[str]  # a talk's works, those the knowledge base holds


@dataclass(frozen=True)
class SiteView:
    works: list[SiteWork]  # by entry id
    facets: list[Facet]
    term_pages: list[TermPage]

    def work(self, entry_id: str) -> SiteWork | None:
        return next((w for w in self.works if w.row.entry_id == entry_id), None)


def build_site_view(kb: KnowledgeBase, views: SurveyViews) -> SiteView:
    """The website's view of `kb` (which must have a usable taxonomy), from the survey's `views` of it."""
    if kb.taxonomy is None:
        raise ValueError("the knowledge base has no usable taxonomy.yaml; run `survey check` first")
    taxonomy = kb.taxonomy
    entries = sorted(kb.entries, key=lambda e: e.id)
    known = {e.id for e in entries}
    similar = similar_works(taxonomy, entries)
    drawn_by: dict[str, list[str]] = {}
    for talk in views.talks:
        for work in talk.draws_on:
            drawn_by.setdefault(work, []).append(talk.entry_id)
    works = []
    for entry, row in zip(entries, views.catalogue):
        works.append(SiteWork(row=row, detail=work_detail(taxonomy, entry), facets=work_facets(taxonomy, entry, row),
                              similar=similar[entry.id], talks=sorted(set(drawn_by.get(entry.id, ()))),
                              draws_on=[w for w in dict.fromkeys(entry.draws_on) if w in known]))
    return SiteView(works=works, facets=facets(taxonomy, {w.row.entry_id: w.facets for w in works}),
                    term_pages=term_pages(taxonomy, entries))
