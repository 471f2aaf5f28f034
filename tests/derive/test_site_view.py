"""The website's view: facets, similar works, talks and term pages of the fixture knowledge base, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_fixture_kb import ALL, write_site_knowledge_base

from survey.derive.site_view import SiteView, build_site_view
from survey.derive.views import build_views
from survey.load.knowledge_base import load_knowledge_base


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteView:
    kb = load_knowledge_base(write_site_knowledge_base(tmp_path_factory.mktemp("site-view")))
    return build_site_view(kb, build_views(kb))


def test_similar_works_share_at_least_two_terms_most_shared_first(site: SiteView) -> None:
    alpha = site.work("alpha-hbm-decode")
    assert alpha is not None
    # alpha: near-bank, hbm3, kv-cache-capacity, decode, digital; gamma shares decode and digital, the hostile
    # work near-bank and digital; beta shares nothing
    assert sorted(s.entry_id for s in alpha.similar) == ["gamma-sram-macro", "hostile-text"]
    beta = site.work("beta-reram-prefill")
    assert beta is not None and beta.similar == []  # with gamma it shares one term only (weight capacity)
    hostile = next(s for s in alpha.similar if s.entry_id == "hostile-text")
    assert [t.term_id for t in hostile.shared] == ["near-bank", "digital"]


def test_a_talk_lists_its_works_and_the_work_its_talks(site: SiteView) -> None:
    keynote, alpha = site.work("keynote-delta"), site.work("alpha-hbm-decode")
    assert keynote is not None and alpha is not None
    assert keynote.draws_on == ["alpha-hbm-decode"] and alpha.talks == ["keynote-delta"]


def test_facets_offer_only_values_some_work_has_with_their_counts(site: SiteView) -> None:
    evidence = next(f for f in site.facets if f.key == "evidence")
    assert [(v.id, v.count) for v in evidence.values] == [("measured", 2), ("simulated", 2), ("unstated", 1)]
    years = next(f for f in site.facets if f.key == "year")
    assert [(v.id, v.count) for v in years.values] == [("2024", 3), ("2023", 1), ("2022", 1)]
    assert [w.row.entry_id for w in site.works] == ALL


def test_a_term_page_lists_the_works_naming_the_term_or_a_narrower_one(site: SiteView) -> None:
    dram = next(p for p in site.term_pages if p.vocabulary == "memory" and p.term_id == "dram")
    assert dram.entry_ids == ["alpha-hbm-decode", "hostile-text"]  # hbm3 and ddr5 are both DRAM
    assert "hbm" in dram.children and dram.parent == "volatile"


def test_the_site_view_is_the_same_for_the_same_knowledge_base(tmp_path: Path, site: SiteView) -> None:
    kb = load_knowledge_base(write_site_knowledge_base(tmp_path))
    assert build_site_view(kb, build_views(kb)) == site
