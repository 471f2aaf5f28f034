"""Fuzzing the website's escaping: any text the loader accepts, in a title, summary, name or quote, shows on the
work page and in the index as exactly that text, and adds no element, handler, script or link."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from site_fixture_kb import write_site_knowledge_base

from fuzz.html_pages import read_page
from survey.build import template_folders
from survey.derive.site_view import build_site_view
from survey.derive.views import build_views
from survey.load.knowledge_base import load_knowledge_base
from survey.query.cache import load_index
from survey.render.site import SiteInputs, render_site

FRAGMENTS = ["<", ">", "&", '"', "'", "</", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "javascript:",
             "{{", "}}", "{%", "&amp;", "&#60;", "&lt", "\u2028", "\u202e", "=", "`", "/>", "<img src=x onerror=", "\\"]
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(exclude_categories=("Cs",)),
                                                              min_size=1, max_size=8)),
                min_size=1, max_size=8).map("".join)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site_knowledge_base(tmp_path_factory.mktemp("html-fuzz"))


def site_pages(root: Path) -> dict[str, bytes]:
    kb = load_knowledge_base(root)
    views = build_views(kb)
    inputs = SiteInputs(title="Fuzz", figures=[], pdfs=[], changelog=None)
    return render_site(build_site_view(kb, views), views, load_index(root, use_cache=False), inputs,
                       template_folders(root))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, summary=TEXT, name=TEXT, quote=TEXT)
def test_any_text_in_an_entry_shows_as_itself_and_adds_no_markup(root: Path, title: str, summary: str, name: str,
                                                                  quote: str) -> None:
    entry = {"id": "fuzzed", "type": "related-work", "scope": "llm", "title": title,
             "people": [{"name": name, "role": "author"}], "year": 2024, "architecture": ["near-bank"],
             "summary": summary,
             "metrics": [{"kind": "speedup", "value": 2, "unit": "x", "source": {"locator": "T1", "quote": quote}}]}
    (root / "entries" / "fuzzed.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    kb = load_knowledge_base(root)
    loaded = kb.entry("fuzzed")
    assume(loaded is not None)  # text the loader refuses (a check error) never reaches a page
    assert loaded is not None
    files = site_pages(root)
    work = read_page(files["works/fuzzed.html"].decode("utf-8"))
    assert work.problems == []
    for text in (loaded.title, loaded.summary, loaded.people[0].name, loaded.metrics[0].source.quote):  # type: ignore[union-attr]
        assert text in work.text, text
    index = read_page(files["index.html"].decode("utf-8"))
    assert index.problems == [] and loaded.title in index.text
