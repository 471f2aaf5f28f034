"""`survey site` in a real browser: Debian's Chromium, headless, driven through its chromedriver by selenium.

Pages are opened as file:// URLs, as a reader who downloaded the site would. Filters and search must show the rows
written out by hand in tests/site_fixture_kb.py (EXPECTED), the URL must carry the state, every link must lead to
a file and anchor that exist, no page may log a console error, the filters must work from the keyboard, and text
from an entry must never become an element or run. Skips when Chromium is missing, except on CI.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from site_fixture_kb import ALL, EXPECTED, HOSTILE, write_site_knowledge_base

from survey.build import build_site

BROWSER_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900")


def browser_paths() -> tuple[str, str] | None:
    """(browser, driver): Debian's chromium and chromium-driver (scripts/setup --test installs them); where the
    distribution has none, GitHub's Ubuntu runners' Google Chrome and its driver; SURVEY_CHROMIUM and
    SURVEY_CHROMEDRIVER name others."""
    candidates = [(os.environ.get("SURVEY_CHROMIUM"), os.environ.get("SURVEY_CHROMEDRIVER")),
                  ("/usr/bin/chromium", "/usr/bin/chromedriver")]
    if os.environ.get("CHROMEWEBDRIVER"):
        candidates.append((shutil.which("google-chrome"), os.path.join(os.environ["CHROMEWEBDRIVER"], "chromedriver")))
    for browser, driver in candidates:
        if browser and driver and os.access(browser, os.X_OK) and os.access(driver, os.X_OK):
            return browser, driver
    return None


def start_browser(javascript: bool = True) -> Any:
    """Headless Chromium through its own chromedriver (an explicit Service: Selenium Manager downloads nothing)."""
    paths = browser_paths()
    try:
        import selenium  # noqa: F401
    except ImportError:
        paths = None
    if paths is None:
        missing = "selenium, or Chromium and its driver, are missing (bash scripts/setup --test installs them)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='survey-chromium-')}")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(paths[1]), options=options)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site_knowledge_base(tmp_path_factory.mktemp("site-browser-kb"))
    result = build_site(root, root / "site")
    assert result.ok, [d.as_text() for d in result.diagnostics]
    return root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = start_browser()
    try:
        yield driver
    finally:
        profile = next((a.split("=", 1)[1] for a in driver.capabilities.get("goog:chromeOptions", {}).get("args", [])
                        if a.startswith("--user-data-dir=")), None)
        driver.quit()
        if profile:
            shutil.rmtree(profile, ignore_errors=True)


def url(site: Path, page: str = "index.html", fragment: str = "") -> str:
    return (site / page).as_uri() + (f"#{fragment}" if fragment else "")


def visible_rows(browser: Any) -> list[str]:
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#works tbody tr'))"
        ".filter(r => r.offsetParent !== null).map(r => r.id.slice(2));")
    return sorted(rows)


def errors_logged(browser: Any) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_a_facet_in_the_url_shows_exactly_the_works_that_have_it(site: Path, browser: Any) -> None:
    for (facet, value), expected in EXPECTED.items():
        browser.get("about:blank")
        browser.get(url(site, fragment=f"{facet}={value}"))
        assert visible_rows(browser) == expected, (facet, value)
        assert browser.find_element("name", facet).get_attribute("value") == value
        assert browser.find_element("id", "shown").text == f"Showing {len(expected)} of {len(ALL)} works."


def test_choosing_a_facet_and_typing_a_search_change_the_rows_and_the_url(site: Path, browser: Any) -> None:
    from selenium.webdriver.support.ui import Select

    browser.get(url(site))
    assert visible_rows(browser) == ALL
    Select(browser.find_element("name", "class")).select_by_value("imc")
    assert visible_rows(browser) == EXPECTED[("class", "imc")]
    assert urlsplit(browser.current_url).fragment == "class=imc"
    search = browser.find_element("name", "q")
    search.send_keys("zyzzyva")  # only in gamma's summary: the index searches titles, names, venues and terms
    assert visible_rows(browser) == []
    search.clear()
    search.send_keys("Gamma")
    assert visible_rows(browser) == ["gamma-sram-macro"]
    assert urlsplit(browser.current_url).fragment == "class=imc&q=Gamma"
    browser.find_element("css selector", "button[type=reset]").click()
    # the page updates once the form has reset (a task after the click): wait for it, a bounded few seconds
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 5, poll_frequency=0.05).until(lambda b: visible_rows(b) == ALL)
    assert visible_rows(browser) == ALL


def test_search_finds_works_by_title_word_and_by_a_person_who_is_not_in_the_row(site: Path, browser: Any) -> None:
    browser.get(url(site, fragment="q=crossbar"))
    assert visible_rows(browser) == ["beta-reram-prefill"]
    browser.get("about:blank")
    browser.get(url(site, fragment="q=dee%20speaker"))  # two words, any case: the keynote's speaker
    assert visible_rows(browser) == ["keynote-delta"]


def test_a_shared_url_opens_the_same_filtered_view(site: Path, browser: Any) -> None:
    from selenium.webdriver.support.ui import Select

    browser.get(url(site))
    Select(browser.find_element("name", "year")).select_by_value("2024")
    Select(browser.find_element("name", "phase")).select_by_value("decode")
    shared = browser.current_url
    expected = sorted(set(EXPECTED[("year", "2024")]) & set(EXPECTED[("phase", "decode")]))
    assert visible_rows(browser) == expected
    browser.get("about:blank")
    browser.get(shared)
    assert visible_rows(browser) == expected
    assert Select(browser.find_element("name", "year")).first_selected_option.get_attribute("value") == "2024"


def test_a_count_in_the_coverage_matrix_opens_the_index_filtered_to_its_works(site: Path, browser: Any) -> None:
    browser.get(url(site, "coverage.html"))
    browser.find_element("css selector", "a[href$='#challenge=capacity-compression&memory=dram']").click()
    # capacity and compression with DRAM: alpha (HBM3, KV-cache capacity); the DDR5 work addresses data transfer
    assert visible_rows(browser) == ["alpha-hbm-decode"]
    assert browser.find_element("name", "memory").get_attribute("value") == "dram"


def test_filters_work_from_the_keyboard(site: Path, browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(url(site))
    browser.find_element("tag name", "body").click()
    for _ in range(40):  # Tab through the page until the class filter has the focus
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element.get_attribute("name") == "class":
            break
    else:
        pytest.fail("the class filter cannot be reached with Tab")
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).perform()  # the first class offered: IMC (taxonomy order)
    assert browser.find_element("name", "class").get_attribute("value") == "imc"
    assert visible_rows(browser) == EXPECTED[("class", "imc")]


def test_every_internal_link_of_every_page_leads_to_a_file_and_anchor_and_no_page_logs_an_error(
        site: Path, browser: Any) -> None:
    anchors: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        browser.get(page.as_uri())
        assert errors_logged(browser) == [], page
        anchors[page.as_uri()] = set(browser.execute_script(
            "return Array.from(document.querySelectorAll('[id]')).map(e => e.id);"))
        links[page.as_uri()] = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src]'))"
            ".map(e => e.href || e.src);")
    internal = 0
    for page, targets in links.items():
        for target in targets:
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                continue
            assert parts.scheme == "file", (page, target)
            path = Path(unquote(parts.path))
            assert path.is_file() and site.resolve() in path.resolve().parents, (page, target)
            if parts.fragment and "=" not in parts.fragment:
                assert parts.fragment in anchors[path.as_uri()], (page, target)
            internal += 1
    assert internal > 10 * len(links)  # the pages link to each other richly (navigation alone is 6 a page)


def test_hostile_text_becomes_no_element_and_runs_nothing(site: Path, browser: Any) -> None:
    for page in ("works/hostile-text.html", "index.html", "tables.html", "terms/architecture/near-bank.html"):
        browser.get(url(site, page))
        found = browser.execute_script(
            "return {pwned: window.__pwned === undefined ? null : window.__pwned,"
            " planted: document.querySelectorAll('main img, iframe, main svg, style, b, textarea').length,"
            " handlers: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
            "   .filter(a => a.name.startsWith('on')).length,"
            " scripts: Array.from(document.scripts).map(s => s.src.split('/').slice(-2).join('/'))};")
        assert found == {"pwned": None, "planted": 0, "handlers": 0,
                         "scripts": ["assets/site.js"] if page == "index.html" else []}, page
        assert errors_logged(browser) == [], page
    browser.get(url(site, "works/hostile-text.html"))
    assert browser.find_element("tag name", "h1").text == " ".join(HOSTILE["title"].split())
    assert HOSTILE["quote"].split(" 3.5x")[0] in browser.find_element("tag name", "blockquote").text
    assert not browser.find_elements("css selector", "a[href^='javascript']")


def test_the_table_reads_without_javascript_and_the_filters_then_stay_hidden(site: Path) -> None:
    driver = start_browser(javascript=False)
    try:
        driver.get(url(site, fragment="class=imc"))
        shown = [r.get_attribute("id")[2:] for r in driver.find_elements("css selector", "#works tbody tr")
                 if r.is_displayed()]
        assert sorted(shown) == ALL
        assert not driver.find_element("id", "filters").is_displayed()
    finally:
        driver.quit()
