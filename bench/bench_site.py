"""Benchmark `survey site` on a 1,000-entry synthetic knowledge base: build time, the index's size, and how soon the
index is interactive in headless Chromium (file://, as a reader opens it), and how long a filter takes.

    python3 bench/bench_site.py [--entries 1000] [--keep DIR]

Targets (issue 15): the index of 1,000 entries under 1 MB and interactive in under a second on this machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_build import synthetic_knowledge_base  # noqa: E402

from survey.build import build_site  # noqa: E402

INTERACTIVE = """
const t = performance.getEntriesByType('navigation')[0];
return {dom: t.domContentLoadedEventEnd, load: t.loadEventEnd,
        ready: !document.getElementById('filters').hidden};
"""
FILTER = """
const started = performance.now();
const select = document.querySelector('select[name=class]');
select.value = select.options[1].value;
select.dispatchEvent(new Event('change', {bubbles: true}));
const shown = Array.from(document.querySelectorAll('#works tbody tr')).filter(r => !r.hidden).length;
return {ms: performance.now() - started, shown: shown};
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build the knowledge base and site in DIR and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        kb = work / "kb"
        if not (kb / "entries").is_dir():
            kb.mkdir(parents=True, exist_ok=True)
            synthetic_knowledge_base(kb, args.entries)
        out = kb / "build" / "site"
        started = time.perf_counter()
        result = build_site(kb, out)
        build_s = time.perf_counter() - started
        if not result.ok:
            print("\n".join(d.as_text() for d in result.diagnostics if d.is_error))
            return 1
        size = (out / "index.html").stat().st_size
        total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"{args.entries} entries: site built in {build_s:.1f} s, {len(result.files)} files, {total / 1e6:.1f} MB")
        print(f"  index.html {size / 1e6:.2f} MB (target < 1 MB): {'ok' if size < 1e6 else 'OVER'}")
        from test_site_browser import start_browser

        browser = start_browser()
        try:
            timings = []
            for _ in range(3):
                browser.get("about:blank")
                browser.get((out / "index.html").as_uri())
                timings.append(browser.execute_script(INTERACTIVE))
            best = min(t["load"] for t in timings)
            dom = min(t["dom"] for t in timings)
            filtered = browser.execute_script(FILTER)
        finally:
            browser.quit()
        print(f"  interactive after {best:.0f} ms (DOMContentLoaded {dom:.0f} ms; target < 1000 ms): "
              f"{'ok' if best < 1000 and all(t['ready'] for t in timings) else 'OVER'}")
        print(f"  one filter change: {filtered['ms']:.0f} ms ({filtered['shown']} rows shown)")
        return 0 if size < 1e6 and best < 1000 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
