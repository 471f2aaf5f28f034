"""`survey site` without a browser: the pages it writes, what hostile entry text becomes, determinism, the folder
rules, downloads and the changelog page. The browser tests are in tests/test_site_browser.py."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run_survey
from site_fixture_kb import ALL, EXPECTED, HOSTILE, write_site_knowledge_base

from fuzz.html_pages import read_page
from survey.build import SITE_MANIFEST, build_site
from survey.compile.build_folder import LOCK_FILE


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site_knowledge_base(tmp_path_factory.mktemp("site-kb"))
    result = build_site(root, root / "build" / "site", pdf_folder=root / "build")
    assert result.ok, [d.as_text() for d in result.diagnostics]
    return root / "build" / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK_FILE}


def test_site_has_the_index_a_page_per_work_and_per_term_and_the_other_pages(site: Path) -> None:
    names = {p.relative_to(site).as_posix() for p in pages(site)}
    assert {f"works/{entry_id}.html" for entry_id in ALL} <= names
    assert {"index.html", "coverage.html", "tables.html", "figures.html", "downloads.html", "terms/index.html",
            "terms/memory/dram.html", "terms/challenge/kv-cache-capacity.html"} <= names
    assert "changelog.html" not in names  # no CHANGELOG.md in the fixture
    assert (site / "assets" / "site.js").is_file() and (site / "figures" / "works-per-year.svg").is_file()


def test_no_page_holds_an_element_handler_script_or_link_that_no_template_writes(site: Path) -> None:
    for page in pages(site):
        facts = read_page(page.read_text(encoding="utf-8"))
        assert facts.problems == [], (page, facts.problems)


def test_hostile_entry_text_shows_as_text_on_its_page_and_in_the_index(site: Path) -> None:
    work = read_page((site / "works" / "hostile-text.html").read_text(encoding="utf-8"))
    for text in HOSTILE.values():
        assert text in work.text, text  # the reader sees what the entry says, character for character
    assert ("href", HOSTILE["url"]) not in work.links  # a javascript: address is shown, never linked
    assert "img" not in work.tags and "iframe" not in work.tags and "svg" not in work.tags
    index = read_page((site / "index.html").read_text(encoding="utf-8"))
    assert HOSTILE["title"] in index.text and "img" not in index.tags


def test_every_link_inside_the_site_names_a_file_that_exists_and_an_anchor_in_it(site: Path) -> None:
    ids = {page.resolve(): read_page(page.read_text(encoding="utf-8")).ids for page in pages(site)}
    for page in pages(site):
        for _, target in read_page(page.read_text(encoding="utf-8")).links:
            if target.startswith(("https://", "http://")):
                continue
            path, _, fragment = target.partition("#")
            assert not path.startswith("/"), (page, target)  # relative: the site works from any folder
            linked = (page.parent / path).resolve() if path else page.resolve()
            assert linked.is_file(), (page, target)
            if fragment and "=" not in fragment:  # a filter's state (#class=imc) is no anchor
                assert fragment in ids[linked], (page, target)


def test_index_rows_carry_the_facet_values_of_their_works(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    from html.parser import HTMLParser

    rows: dict[str, dict[str, str]] = {}

    class Rows(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {k: v or "" for k, v in attrs}
            if tag == "tr" and values.get("id", "").startswith("w-"):
                rows[values["id"][2:]] = values

    Rows().feed(html)
    assert sorted(rows) == ALL
    for (facet, value), expected in EXPECTED.items():
        assert sorted(i for i, attrs in rows.items() if value in attrs[f"data-{facet}"].split()) == expected, facet


def test_a_site_is_byte_identical_when_built_again_from_the_same_knowledge_base(site: Path, tmp_path: Path) -> None:
    root = site.parent.parent
    again = build_site(root, root / "build" / "again", pdf_folder=root / "build")
    assert again.ok
    first, second = site_files(site), site_files(root / "build" / "again")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    shutil.rmtree(root / "build" / "again")


def test_work_page_shows_metrics_with_conditions_baseline_and_quote_and_links_doi_and_arxiv(site: Path) -> None:
    facts = read_page((site / "works" / "alpha-hbm-decode.html").read_text(encoding="utf-8"))
    assert "Speedup: 2.5 x" in facts.text and "Tiny-LM 1B" in facts.text and "Example GPU" in facts.text
    assert "2.5x faster than the Example GPU" in facts.text
    assert ("href", "https://doi.org/10.5555/example.alpha") in facts.links
    assert ("href", "https://arxiv.org/abs/2401.00011") in facts.links
    assert ("href", "../works/keynote-delta.html") in facts.links  # the talk that draws on it
    assert ("href", "../works/gamma-sram-macro.html") in facts.links  # similar: decode, digital
    assert "@misc{alpha-hbm-decode" in facts.text  # the BibTeX record to copy


def test_downloads_hold_every_work_as_json_csv_and_bibtex(site: Path) -> None:
    entries = json.loads((site / "downloads" / "entries.json").read_text(encoding="utf-8"))
    assert sorted(e["id"] for e in entries) == ALL
    rows = list(csv.DictReader(io.StringIO((site / "downloads" / "entries.csv").read_text(encoding="utf-8"))))
    assert sorted(r["id"] for r in rows) == ALL
    metrics = list(csv.DictReader(io.StringIO((site / "downloads" / "metrics.csv").read_text(encoding="utf-8"))))
    assert sorted(r["id"] for r in metrics) == ["alpha-hbm-decode", "hostile-text"]
    assert (site / "downloads" / "entries.bib").read_text(encoding="utf-8").count("@misc{") == len(ALL)


def test_a_new_site_deletes_the_pages_of_a_work_that_is_gone_and_offers_built_pdfs(tmp_path: Path) -> None:
    root = write_site_knowledge_base(tmp_path / "kb")
    out = root / "build" / "site"
    assert build_site(root, out).ok
    (root / "entries" / "gamma-sram-macro.yaml").unlink()
    (root / "build" / "survey.pdf").write_bytes(b"%PDF-1.5 fictional")
    assert build_site(root, out, pdf_folder=root / "build").ok
    assert not (out / "works" / "gamma-sram-macro.html").exists()
    assert (out / "downloads" / "survey.pdf").read_bytes() == b"%PDF-1.5 fictional"
    assert "downloads/survey.pdf" in (out / "downloads.html").read_text(encoding="utf-8")
    assert "works/gamma-sram-macro.html" not in (out / SITE_MANIFEST).read_text(encoding="utf-8")


def test_site_refuses_a_folder_that_holds_files_it_did_not_write(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_site_knowledge_base(tmp_path)
    monkeypatch.chdir(root)
    run = run_survey("site", "--out", "entries")
    assert run.exit_code == 1 and "error[not-a-site-folder]" in run.output
    assert sorted(p.name for p in (root / "entries").iterdir()) == [f"{i}.yaml" for i in ALL]


def test_site_refuses_an_out_folder_that_links_out_of_the_repository(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_site_knowledge_base(tmp_path / "kb")
    (tmp_path / "elsewhere").mkdir()
    (root / "build").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "build" / "site")
    monkeypatch.chdir(root)
    run = run_survey("site")
    assert run.exit_code == 1 and "error[outside-repository]" in run.output
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_site_refuses_a_template_that_links_out_of_the_repository(tmp_path: Path) -> None:
    root = write_site_knowledge_base(tmp_path / "kb")
    (tmp_path / "secret.txt").write_text("not for the site", encoding="utf-8")
    (root / "templates" / "site").mkdir(parents=True)
    os.symlink(tmp_path / "secret.txt", root / "templates" / "site" / "base.html.j2")
    result = build_site(root, root / "out")
    assert not result.ok and [d.code for d in result.diagnostics] == ["outside-repository"]
    assert not (root / "out" / "index.html").exists()


def test_a_site_folder_a_killed_first_site_left_behind_is_still_the_sites(tmp_path: Path) -> None:
    root = write_site_knowledge_base(tmp_path)
    (root / "out" / ".survey-work" / "works").mkdir(parents=True)  # as a kill before the first publish leaves it
    (root / "out" / ".survey-work" / "works" / "alpha-hbm-decode.html").write_text("half", encoding="utf-8")
    result = build_site(root, root / "out")
    assert result.ok and not (root / "out" / ".survey-work").exists()
    assert (root / "out" / "works" / "alpha-hbm-decode.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")


def test_site_refuses_a_knowledge_base_with_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_site_knowledge_base(tmp_path)
    (root / "entries" / "broken.yaml").write_text("id: broken\ntype: nonsense\n", encoding="utf-8")
    monkeypatch.chdir(root)
    run = run_survey("site")
    assert run.exit_code == 1 and "entries/broken.yaml" in run.output and "not written" in run.output
    assert not (root / "build" / "site" / "index.html").exists()


def test_changelog_page_appears_with_a_release_history_and_shows_its_text_as_text(tmp_path: Path) -> None:
    root = write_site_knowledge_base(tmp_path)
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## v1.1 <script>x()</script>\n\n- Added *Alpha*\n"
                                       "  and `Beta`\n- Removed <b>Gamma</b>\n", encoding="utf-8")
    assert build_site(root, root / "out").ok
    facts = read_page((root / "out" / "changelog.html").read_text(encoding="utf-8"))
    assert facts.problems == [] and "b" not in facts.tags and facts.tags.count("li") - 7 == 2  # 7: the navigation
    assert "v1.1 <script>x()</script>" in facts.text and "Added *Alpha* and `Beta`" in facts.text
    assert "Removed <b>Gamma</b>" in facts.text
    assert "changelog.html" in (root / "out" / "index.html").read_text(encoding="utf-8")


def test_no_site_template_marks_a_value_safe_or_turns_autoescape_off() -> None:
    folder = Path(__file__).resolve().parents[2] / "templates" / "site"
    for template in sorted(folder.glob("*.j2")):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape" not in text and "Markup" not in text, template
