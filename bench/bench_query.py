"""Benchmark `survey query` on synthetic knowledge bases (the generator of bench_check.py).

    python3 bench/bench_query.py                  # 1,000 and 10,000 entries
    python3 bench/bench_query.py --entries 2000   # one size

Each figure is the best of 3 runs of a fresh `python3 -m survey --root DIR query ...` process ("cold": a new
interpreter, as a user runs it), with the cache in DIR/.survey-cache already built unless stated. Targets (issue 4):
cold query at most 0.25 s on 1,000 entries and 1 s on 10,000.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import generate

TARGETS = {1000: 0.25, 10000: 1.0}
QUERIES = {
    "terms (table)": ["memory=dram", "year>=2020"],
    "metric with unit (table)": ["energy-efficiency>=10 GOPS/mW"],
    "conditions, sorted (json)": ["energy-efficiency[phase=decode]>=1 TOPS/W", "--sort", "-energy-efficiency",
                                  "--format", "json"],
    "unit outside the table (pint fallback, no target)": ["energy-efficiency>=1 op/pJ", "--limit", "10"],
}


def run(root: Path, *args: str) -> float:
    # as on a user's machine: Python may keep compiled modules (some sandboxes set PYTHONDONTWRITEBYTECODE)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "survey", "--root", str(root), *args], check=True, env=environment,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def best(root: Path, *args: str, repeat: int = 3) -> float:
    return min(run(root, *args) for _ in range(repeat))


def bench(size: int) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, size)
        figures = [("build the cache (first query)", run(root, "query", "year>=2020", "--limit", "1"))]
        for name, args in QUERIES.items():
            figures.append((f"cached: {name}", best(root, "query", *args)))
        edited = sorted((root / "entries").iterdir())[size // 2]
        edited.write_text(edited.read_text(encoding="utf-8").replace("year: ", "year:  ", 1), encoding="utf-8")
        figures.append(("one entry edited (reparse one file)", run(root, "query", "memory=dram")))
        figures.append(("--no-cache", run(root, "query", "memory=dram", "--no-cache")))
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, action="append", help="knowledge-base size (repeatable)")
    sizes = parser.parse_args().entries or [1000, 10000]
    failed = False
    for size in sizes:
        print(f"{size:,} entries")
        for name, seconds in bench(size):
            target = TARGETS.get(size) if name.startswith("cached") and "no target" not in name else None
            verdict = "" if target is None else (" ok" if seconds <= target else f" OVER the {target} s target")
            failed |= target is not None and seconds > target
            print(f"  {name:<45} {seconds:7.3f} s{verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
