"""HTML injection: the TeX injection corpus and HTML's own payloads, in every text field an entry shows on the
website, reach every page as text (character for character) and never as an element, attribute, script or link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from render.test_tex_injection import MARKER, PAYLOADS, TMP

from fuzz.html_pages import read_page
from survey.build import build_site

HTML_PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "\"><img src=x onerror=\"window.__pwned=2\">",
    "'><svg/onload=window.__pwned=3>",
    "</textarea></title></pre></code><script>x()</script>",
    "<!-- an open comment",
    "--> a closed one <!",
    "<![CDATA[ x ]]>",
    "&lt;script&gt; stays as written &amp; &#x3C;b&#x3E; &unknown;",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(2)\">click</a>",
    "{{ 7 * 7 }} {% raw %} {# x #}",
    "</p></dd></dl></main></body></html><p>after",
    "<style>*{display:none}</style>",
    "<meta http-equiv=refresh content=\"0;url=https://example.org\">",
    "<base href=\"https://example.org/\">",
    "<iframe srcdoc=\"<script>x()</script>\"></iframe>",
    "<form action=https://example.org><input name=q></form>",
    "\u202eright-to-left override\u202c and \u2028 line separator",
]
CORPUS = [p.text.replace(MARKER, "marker").replace(TMP, "/tmp") for p in PAYLOADS] + HTML_PAYLOADS
# The text fields of an entry that its page shows, as (path in the entry, how the page shows it).
TEXT_FIELDS = ("title", "summary", "notes", "venue", "person name", "person native name", "affiliation",
               "model", "workload", "evaluation notes", "metric baseline", "metric quote", "metric locator",
               "metric model", "metric workload", "metric condition notes", "metric note", "version title")


def entry_for(index: int, text: str) -> dict[str, Any]:
    """A valid entry holding `text` in every field of TEXT_FIELDS."""
    return {
        "id": f"payload-{index:03d}", "type": "related-work", "scope": "llm", "title": f"T{index} {text}",
        "people": [{"name": f"N{index} {text}", "name_native": f"K{index} {text}",
                    "affiliations": [f"A{index} {text}"], "role": "author"}],
        "venue": f"V{index} {text}", "year": 2024, "architecture": ["near-bank"], "memory": ["hbm3"],
        "models": [f"M{index} {text}"], "workloads": [f"W{index} {text}"],
        "evaluation": [{"method": "cycle-simulation", "notes": f"E{index} {text}"}],
        "versions": [{"kind": "preprint", "title": f"P{index} {text}"}],
        "summary": f"S{index} {text}", "notes": f"O{index} {text}",
        "metrics": [{"kind": "speedup", "value": 2.5, "unit": "x", "baseline": f"B{index} {text}",
                     "conditions": {"model": f"CM{index} {text}", "workload": f"CW{index} {text}",
                                    "notes": f"CN{index} {text}"},
                     "note": f"MN{index} {text}",
                     "source": {"locator": f"L{index} {text}", "quote": f"Q{index} {text} 2.5x"}}],
    }


def expected_texts(entry: dict[str, Any]) -> list[str]:
    person, metric = entry["people"][0], entry["metrics"][0]
    return [entry["title"], entry["summary"], entry["notes"], entry["venue"], person["name"], person["name_native"],
            person["affiliations"][0], entry["models"][0], entry["workloads"][0], entry["evaluation"][0]["notes"],
            metric["baseline"], metric["source"]["quote"], metric["source"]["locator"],
            metric["conditions"]["model"], metric["conditions"]["workload"], metric["conditions"]["notes"],
            metric["note"], entry["versions"][0]["title"]]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("html-injection")
    (root / "entries").mkdir()
    (root / "taxonomy.yaml").write_bytes((Path(__file__).parents[2] / "taxonomy.yaml").read_bytes())
    entries = [entry_for(i, text) for i, text in enumerate(CORPUS)]
    for entry in entries:
        (root / "entries" / f"{entry['id']}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = build_site(root, root / "site")
    assert result.ok, [d.as_text() for d in result.diagnostics if d.is_error]
    return root / "site", entries


def test_every_payload_in_every_field_shows_on_the_work_page_as_written(
        hostile_site: tuple[Path, list[dict[str, Any]]]) -> None:
    site, entries = hostile_site
    assert len(TEXT_FIELDS) == len(expected_texts(entries[0]))
    missing = []
    for entry in entries:
        text = read_page((site / "works" / f"{entry['id']}.html").read_text(encoding="utf-8")).text
        missing += [(entry["id"], field) for field, value in zip(TEXT_FIELDS, expected_texts(entry))
                    if value not in text]
    assert missing == []


def test_no_page_of_the_hostile_site_holds_markup_that_no_template_writes(
        hostile_site: tuple[Path, list[dict[str, Any]]]) -> None:
    site, _ = hostile_site
    problems = {}
    for page in sorted(site.rglob("*.html")):
        found = read_page(page.read_text(encoding="utf-8")).problems
        if found:
            problems[page.relative_to(site).as_posix()] = found
    assert problems == {}


def test_the_index_lists_every_hostile_title_as_text(hostile_site: tuple[Path, list[dict[str, Any]]]) -> None:
    site, entries = hostile_site
    text = read_page((site / "index.html").read_text(encoding="utf-8")).text
    assert [e["id"] for e in entries if e["title"] not in text] == []
