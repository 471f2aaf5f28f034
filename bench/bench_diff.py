"""Benchmark `survey diff` on a knowledge base of 1,000 fictional entries against its release tag.

    python3 bench/bench_diff.py [--entries 1000] [--runs 5]

Builds the knowledge base in a temporary git repository (the synthetic entries of bench_check.py), commits and
tags it v0.1.0, then changes a tenth of the entries (a value of one metric each) and commits that. Times the real
command as a user runs it (a new process each run): the working tree against the tag (one side read from git,
the other from files) and two revisions (both sides read from git). The floor is `survey check` on the same
knowledge base, which reads and validates every entry once. Target: a diff within twice the check.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def make_repository(root: Path, count: int) -> None:
    from bench_check import generate_repository

    git = generate_repository(root, count)
    subprocess.run(git + ["tag", "-a", "v0.1.0", "-m", "release"], check=True)
    for path in sorted((root / "entries").glob("*.yaml"))[::10]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("value: ", "value: 1", 1), encoding="utf-8")
    subprocess.run(git + ["commit", "-q", "-am", "a tenth of the entries changed"], check=True)


def main() -> None:
    from bench_changed import time_command

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    survey = [sys.executable, "-m", "survey"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_repository(root, options.entries)
        rows = [("survey check (floor)", survey + ["check"]),
                ("survey diff (tag vs working tree)", survey + ["diff", "--format", "json"]),
                ("survey diff v0.1.0 HEAD", survey + ["diff", "v0.1.0", "HEAD", "--format", "json"])]
        changed = subprocess.run(survey + ["diff", "--format", "json"], cwd=root, capture_output=True, text=True,
                                 check=True).stdout.count('"kind"')
        print(f"{options.entries} entries, {changed} metric changes, median / best of {options.runs} runs:")
        for label, args in rows:
            times = time_command(root, args, options.runs)
            print(f"  {label:36s} {statistics.median(times):6.2f} s / {min(times):6.2f} s")


if __name__ == "__main__":
    main()
