"""Benchmark `survey build`: full build against latexmk alone, no-op rebuild, and a 1,000-entry knowledge base.

    python3 bench/bench_build.py [--venue todaes|tcad] [--entries 1000] [--skip-large]

Targets (issues 3 and 13): full build <= 1.15x latexmk alone on the same generated sources; no-op rebuild <= 5%
of a full build and no slower than `survey check`; a 1,000-entry synthetic knowledge base builds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey.build import FORMAT_DIR, WORK_DIR, build  # noqa: E402
from survey.compile.latexmk import LATEXMK, tex_environment, with_format  # noqa: E402
from survey.compile.preamble_format import FORMAT_NAME  # noqa: E402
from survey.files.cache_folder import CACHE_DIR  # noqa: E402
from survey.load import units  # noqa: E402


def timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def latexmk_alone(sources: Path, names: list[str], work: Path, fmt: Path | None = None) -> float:
    """latexmk on a fresh copy of the same generated sources, with the same options and environment; with `fmt`,
    every pass loads that format of the preamble, as the build's passes do."""
    for name in names:
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sources / name, target)
    engine = []
    if fmt is not None:
        shutil.copyfile(fmt, work / fmt.name)
        engine = with_format(fmt.stem)
    _, seconds = timed(lambda: subprocess.run([*LATEXMK, *engine, "survey.tex"], cwd=work, env=tex_environment(),
                                              stdin=subprocess.DEVNULL, capture_output=True, check=True))
    return seconds


def synthetic_knowledge_base(target: Path, count: int) -> None:
    """`count` entries made by copying the shipped ones under new ids (no DOIs or BibTeX, which must be unique)."""
    shutil.copy(ROOT / "taxonomy.yaml", target / "taxonomy.yaml")
    shutil.copytree(ROOT / "paper", target / "paper")
    (target / "entries").mkdir()
    originals = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "entries").glob("*.yaml"))]
    for number in range(count):
        data = dict(originals[number % len(originals)])
        copy = number // len(originals)
        suffix = f"-syn{copy:03d}"
        data["id"] = data["id"] + suffix
        data["title"] = f"{data['title']} (synthetic copy {copy})"
        # a distinct year per copy: BibTeX's author-year suffixes (a, b, ...) run out past about 26 twins
        data["year"] = 1950 + copy
        data["draws_on"] = [d + suffix for d in data.get("draws_on", [])]
        for key in ("doi", "arxiv", "bibtex", "versions", "url"):
            data.pop(key, None)
        (target / "entries" / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True,
                                                                                sort_keys=False), encoding="utf-8")
    # draws_on must name entries that exist: drop references to copies that were not made
    ids = {p.stem for p in (target / "entries").glob("*.yaml")}
    for path in (target / "entries").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if any(d not in ids for d in data.get("draws_on", [])):
            data["draws_on"] = [d for d in data["draws_on"] if d in ids]
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venue", default="todaes", choices=["todaes", "tcad"])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as scratch:
        work = Path(scratch)
        # Cold: no figure cache and no unit memo. Warm: both filled by an earlier build of the same inputs (an
        # editor's rebuild into a fresh folder, or the other venue's build), as `survey build` keeps them in
        # the knowledge base's .survey-cache/.
        shutil.rmtree(ROOT / CACHE_DIR / "figures", ignore_errors=True)
        memo = work / "units.json"
        cold, cold_s = timed(lambda: build(ROOT, args.venue, work / "cold"))
        with units.memo_file(memo):
            units.is_unit("x")
        with units.memo_file(memo):
            full, full_s = timed(lambda: build(ROOT, args.venue, work / "out"))
        if not cold.ok or not full.ok:
            print("\n".join(d.as_text() for d in (cold.diagnostics + full.diagnostics) if d.is_error))
            return 1
        alone_s = latexmk_alone(work / "out", full.sources, (work / "alone"))
        fmt = work / "out" / WORK_DIR / FORMAT_DIR / f"{FORMAT_NAME}.fmt"
        with_format_s = latexmk_alone(work / "out", full.sources, (work / "alone-fmt"), fmt) if fmt.is_file() else None
        noop, noop_s = timed(lambda: build(ROOT, args.venue, work / "out"))
        assert noop.ok and not noop.ran_tex
        from survey.check.rules import check

        _, check_s = timed(lambda: check(ROOT))
        print(f"venue {args.venue}, shipped corpus")
        print(f"  full build, cold      {cold_s:7.2f} s   ratio {cold_s / alone_s:.3f}x (no caches)")
        print(f"  full build, warm      {full_s:7.2f} s   ratio {full_s / alone_s:.3f}x (target <= 1.15x)")
        print(f"  latexmk alone         {alone_s:7.2f} s")
        if with_format_s is not None:  # the build's passes load the preamble's format; latexmk alone does not
            print(f"  latexmk with format   {with_format_s:7.2f} s   cold build {cold_s / with_format_s:.3f}x of it, "
                  f"warm {full_s / with_format_s:.3f}x")
        print(f"  no-op rebuild         {noop_s:7.3f} s   {100 * noop_s / full_s:.2f}% of full (target <= 5%)")
        print(f"  survey check          {check_s:7.3f} s   no-op rebuild {noop_s / check_s:.2f}x of it (target <= 1x)")
        if not args.skip_large:
            large = work / "large"
            large.mkdir()
            synthetic_knowledge_base(large, args.entries)
            result, large_s = timed(lambda: build(large, args.venue, large / "out"))
            pages = "?"
            if result.ok and result.pdf:
                info = subprocess.run(["pdfinfo", str(result.pdf)], capture_output=True, text=True).stdout
                pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")
            status = "built" if result.ok else "FAILED"
            print(f"  {args.entries}-entry synthetic KB {status} in {large_s:.1f} s ({pages} pages)")
            if not result.ok:
                print("\n".join(d.as_text() for d in result.diagnostics if d.is_error)[:3000])
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
