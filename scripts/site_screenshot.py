"""The README's picture of the website: build the site of this repository's knowledge base and photograph its index
in headless Chromium (the browser the tests drive).

    python3 scripts/site_screenshot.py [--view "class=nmc&phase=decode"]   # writes docs/images/site-index.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from survey.build import build_site  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", default="class=nmc&phase=decode", help="the filter state, as in a shared URL")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images" / "site-index.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="survey-site-") as folder:
        result = build_site(REPO, Path(folder) / "site")
        if not result.ok:
            print("\n".join(d.as_text() for d in result.diagnostics if d.is_error), file=sys.stderr)
            return 1
        from test_site_browser import start_browser

        browser = start_browser()
        try:
            browser.set_window_size(1280, 860)
            browser.get((Path(folder) / "site" / "index.html").as_uri() + f"#{args.view}")
            browser.save_screenshot(str(args.out))
        finally:
            browser.quit()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
