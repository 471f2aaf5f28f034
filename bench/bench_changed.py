"""Benchmark `survey check --changed` with one changed file in a knowledge base of 1,000 fictional entries.

    python3 bench/bench_changed.py [--entries 1000] [--runs 7]

Builds the knowledge base in a temporary git repository (the real taxonomy.yaml, generated entries about
fictional works by fictional people), commits it, edits one entry, and times the real command as a user runs it
(a new process each run). Prints the median and best wall-clock times; the target is at most 0.3 s.

"after an edit" is the first run after an edit: the result cache of the last run is removed before each run,
while the memo of unit facts (.survey-cache/units.json, which depends only on the unit strings met, not on the
edit) stays, as it does for a contributor's second and later commits. "no caches at all" removes the whole
.survey-cache/ (the very first run in a fresh clone). "cached" is a repeated run on unchanged files. The floor is
`survey check` on a knowledge base of that one entry alone: the start-up cost of the entry model and pint.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

def make_knowledge_base(root: Path, count: int) -> Path:
    """A committed git repository with `count` entries; returns the entry the benchmark edits."""
    from bench_check import generate_repository  # the same synthetic entries as the full-check benchmark

    generate_repository(root, count)
    edited = sorted((root / "entries").glob("*.yaml"))[count // 2]
    edited.write_text(edited.read_text(encoding="utf-8").replace("Synthetic Hardware", "Synthetic Systems", 1),
                      encoding="utf-8")
    return edited


# This sandbox sets PYTHONDONTWRITEBYTECODE, which makes every run compile survey's modules again; a user's
# machine keeps the .pyc files, so the benchmark measures without it.
_USER_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def time_command(root: Path, args: list[str], runs: int, forget: str | None = None) -> list[float]:
    """Wall-clock times of `args`; `forget` is removed from .survey-cache/ before each run ('' for all of it)."""
    times = []
    for _ in range(runs):
        if forget == "":
            shutil.rmtree(root / ".survey-cache", ignore_errors=True)
        elif forget:
            (root / ".survey-cache" / forget).unlink(missing_ok=True)
        start = time.perf_counter()
        done = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False, env=_USER_ENV)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    survey = shutil.which("survey") or sys.exit("survey is not installed: pip install -e .")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        edited = make_knowledge_base(root, options.entries)
        os.environ.pop("GIT_DIR", None)
        alone = root / "alone"
        (alone / "entries").mkdir(parents=True)
        shutil.copy(root / "taxonomy.yaml", alone / "taxonomy.yaml")
        shutil.copy(edited, alone / "entries" / edited.name)
        results = {
            "survey --help (start-up only)": time_command(root, [survey, "--help"], options.runs),
            "floor: check of a 1-entry KB": time_command(alone, [survey, "check"], options.runs),
            "check --changed, no caches at all": time_command(root, [survey, "check", "--changed"], options.runs,
                                                              forget=""),
            "check --changed, after an edit": time_command(root, [survey, "check", "--changed"], options.runs,
                                                           forget="check-changed.json"),
            "check --changed, cached": time_command(root, [survey, "check", "--changed"], options.runs),
            "check entries/<one file> (full load)": time_command(
                root, [survey, "check", f"entries/{edited.name}"], max(1, options.runs // 3)),
        }
        print(f"{options.entries} entries, one changed; wall-clock seconds over {options.runs} runs")
        for name, times in results.items():
            print(f"{name:38s} median {statistics.median(times):.3f}  best {min(times):.3f}")
        for name in ("check --changed, after an edit", "check --changed, cached"):
            median = statistics.median(results[name])
            print(f"target <= 0.300 s, {name}: {'met' if median <= 0.3 else 'NOT met'} ({median:.3f} s)")


if __name__ == "__main__":
    main()
