"""Benchmark `survey check` against the floor: reading and parsing the same files with PyYAML's C loader.

    python3 bench/bench_check.py                  # 1,000 and 10,000 entries
    python3 bench/bench_check.py --entries 2000   # one size
    python3 bench/bench_check.py --keep DIR       # write the synthetic knowledge base to DIR and keep it
    python3 bench/bench_check.py --broken-refs 300   # 300 entries draw on a mistyped id (did-you-mean)

Entries are generated from the repository's taxonomy.yaml (realistic: people with ORCIDs, a BibTeX record,
terms from every vocabulary, eight metrics with units, conditions, baselines and sources) and are clean, so the
check does all its work and reports nothing. Targets (issue 2): check at most 2x the floor at 10,000 entries,
`survey --help` under 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from survey.load.identifiers import orcid_checksum
from survey.load.taxonomy import Taxonomy, load_taxonomy

CHECK_TARGET = 2.0  # x the floor at 10,000 entries
HELP_TARGET = 0.25  # seconds
SURNAMES = ("Example", "Sample", "Placeholder", "Dummy", "Testcase", "Fixture", "Mock", "Stub")
GIVEN = ("Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ida", "Jo")
UNITS = {  # a few spellings per canonical unit, so that unit parsing sees variety as in real entries
    "TOPS/W": ("TOPS/W", "GOPS/mW", "TOPS/W"), "mJ/token": ("mJ/token", "uJ/token"), "mm^2": ("mm^2", "mm2"),
    "percent": ("%", "percent"), "ms": ("ms", "us", "s"), "token/s": ("token/s", "tokens/s"),
    "GB/s": ("GB/s", "TB/s"), "MB": ("MB", "GB", "kB"),
}


def _orcid(number: int) -> str:
    base = f"{9000_0000_0000_000 + number:015d}"
    digits = base + orcid_checksum(base)
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def _pick(rng: random.Random, taxonomy: Taxonomy, vocabulary: str, count: int) -> list[str]:
    ids = sorted(t.id for t in taxonomy[vocabulary] if not t.deprecated)
    return rng.sample(ids, min(count, len(ids)))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _metric_lines(rng: random.Random, taxonomy: Taxonomy, kind_id: str) -> list[str]:
    kind = taxonomy["metric"].terms[kind_id]
    low, high = kind.plausible or (1.0, 100.0)
    low, high = max(low, 1e-3), min(high, 1e4)
    value = round(rng.uniform(low, high) if high > low else low, 3) or low
    unit = kind.canonical_unit or "x"
    spelling = rng.choice(UNITS.get(unit, (unit,)))
    if spelling != unit:  # keep the value plausible in the unit written
        from survey.load import units

        value = round(value * units.factor(unit, spelling), 6) or value
    written = _quote(spelling) if spelling == "%" else spelling
    lines = [f"  - kind: {kind_id}", f"    value: {value}", f"    unit: {written}",
             "    conditions:", f"      model: Synthetic-LM {rng.choice((1, 7, 13, 70))}B",
             f"      phase: {rng.choice(('prefill', 'decode', 'end-to-end'))}",
             f"      batch: {rng.choice((1, 8, 64))}", "      node_nm: 28"]
    if kind.relative:
        lines.append("    baseline: Example GPU (fictional)")
    lines += ["    source:", f"      locator: Table {rng.randint(1, 9)}",
              f"      quote: {_quote(f'reaches {value} {spelling} on the synthetic workload')}"]
    return lines


def synthetic_entry(index: int, taxonomy: Taxonomy, rng: random.Random) -> tuple[str, str]:
    """One clean, realistic, fictional entry as (id, YAML text)."""
    entry_id = f"synthetic-{index:05d}"
    people = rng.sample(range(400), 3)
    title = f"Synthetic Processing-In-Memory Design Number {index} for Transformer Inference"
    lines = ["# yaml-language-server: $schema=../schema/entry.schema.json", f"id: {entry_id}", "type: related-work",
             f"title: {_quote(title)}", f"short_name: SYN-{index}", "scope: llm", "people:"]
    authors = []
    for number in people:
        name = f"{GIVEN[number % len(GIVEN)]} {SURNAMES[number // len(GIVEN) % len(SURNAMES)]}{number}"
        authors.append(name)
        lines += [f"  - name: {name}", "    affiliations: [Example University]",
                  f"    email: person{number}@example.org", f"    orcid: {_orcid(number)}", "    role: author"]
    doi = f"10.5555/synthetic.{index:05d}"
    year = 2018 + index % 7
    lines += ["venue: Example Symposium on Synthetic Hardware", f"year: {year}", f"doi: {doi}",
              f'arxiv: "24{index % 12 + 1:02d}.{index:05d}"', f"url: https://example.org/{entry_id}",
              "bibtex: |", f"  @inproceedings{{{entry_id.replace('-', '')},",
              f"    title = {{{title}}},", f"    author = {{{' and '.join(authors)}}},",
              "    booktitle = {Example Symposium on Synthetic Hardware},", f"    year = {{{year}}},",
              f"    doi = {{{doi}}}", "  }"]
    fields = (("architecture", "architecture", 2), ("level", "level", 1), ("memory", "memory", 2),
              ("domain", "domain", 1), ("compression", "compression", 2), ("phase", "phases", 2),
              ("challenge", "challenges", 3), ("topic", "topics", 2))
    for vocabulary, field, count in fields:
        terms = _pick(rng, taxonomy, vocabulary, count)
        lines.append(f"{field}: [{', '.join(terms)}]")
        if field == "architecture":
            lines.append(f"primary_architecture: {terms[0]}")
    formats = _pick(rng, taxonomy, "format", 2)
    lines += [f"precision: {{weights: [{formats[0]}], activations: [{formats[1]}], adc_bits: 6}}",
              "models: [Synthetic-LM 7B, Synthetic-LM 70B]", "workloads: [SyntheticText]",
              "evaluation:", "  - method: cycle-simulation", f"    tool: {_pick(rng, taxonomy, 'simulator', 1)[0]}",
              "    node_nm: 28",
              "summary: >-", "  A fictional design generated for benchmarking; it computes attention near the memory",
              "  banks and keeps the weights in place.", "metrics:"]
    for kind_id in _pick(rng, taxonomy, "metric", 8):
        lines += _metric_lines(rng, taxonomy, kind_id)
    return entry_id, "\n".join(lines) + "\n"


def mistyped(entry_id: str, rng: random.Random) -> str:
    """`entry_id` with one digit of its number left out: no entry's id, close to several."""
    at = rng.randrange(len("synthetic-"), len(entry_id))
    return entry_id[:at] + entry_id[at + 1:]


def generate(root: Path, count: int, broken_refs: int = 0) -> None:
    """A knowledge base of `count` synthetic entries in `root` (with the repository's taxonomy).

    With `broken_refs`, that many entries (spread evenly) draw on a mistyped id: each is one unknown-entry error.
    """
    taxonomy, problems = load_taxonomy(str(REPO / "taxonomy.yaml"))
    assert taxonomy is not None, problems
    (root / "entries").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    rng = random.Random(20241004)
    broken = {index * count // broken_refs for index in range(broken_refs)} if broken_refs else set()
    for index in range(count):
        entry_id, text = synthetic_entry(index, taxonomy, rng)
        if index in broken:
            text += f"draws_on: [{mistyped(f'synthetic-{(index + 1) % count:05d}', rng)}]\n"
        (root / "entries" / f"{entry_id}.yaml").write_text(text, encoding="utf-8")



def generate_repository(root: Path, count: int) -> list[str]:
    """`generate`, committed to a new git repository in `root`; the git command prefix, for more commits or tags."""
    generate(root, count)
    git = ["git", "-C", str(root), "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "benchmark knowledge base"], check=True)
    return git

def parse_floor(root: Path) -> int:
    """The floor: read and parse every file with PyYAML's C loader, nothing else."""
    loader = yaml.CSafeLoader
    count = 0
    for path in [root / "taxonomy.yaml", *sorted((root / "entries").glob("*.yaml"))]:
        with open(path, "rb") as handle:
            yaml.load(handle.read(), Loader=loader)
        count += 1
    return count


def check_in_process(root: Path, errors: int = 0) -> int:
    from survey.check.rules import check

    result = check(root)
    assert result.errors == errors, [d.as_text() for d in result.diagnostics[:5]]
    return len(result.diagnostics)


def run_command(*args: str, cwd: Path = REPO, errors: bool = False) -> None:
    done = subprocess.run([sys.executable, "-m", "survey", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    if done.returncode != (1 if errors else 0):
        raise SystemExit(f"survey {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")


def best_of(repeat: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def time_rounds(folder: Path, repeat: int, errors: int = 0) -> tuple[float, float, float]:
    """Best times of the floor, the in-process check and the command, in interleaved rounds (so that a busy
    machine slows all three alike)."""
    floor = inside = outside = float("inf")
    for _ in range(repeat):
        floor = min(floor, best_of(1, lambda: parse_floor(folder)))
        inside = min(inside, best_of(1, lambda: check_in_process(folder, errors)))
        outside = min(outside, best_of(1, lambda: run_command("--root", str(folder), "check", cwd=folder,
                                                              errors=errors > 0)))
    return floor, inside, outside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, action="append", help="size(s) to run (default: 1000 and 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--keep", type=Path, help="write the (last) synthetic knowledge base here and keep it")
    parser.add_argument("--broken-refs", type=int, default=0,
                        help="this many entries draw on a mistyped id, each an unknown-entry error with a hint")
    args = parser.parse_args()
    sizes = args.entries or [1000, 10000]

    rows: list[tuple[str, float, str]] = []
    help_time = best_of(max(args.repeat, 5), lambda: run_command("--help"))
    rows.append(("survey --help (subprocess)", help_time,
                 f"target < {HELP_TARGET:.2f} s: {'met' if help_time < HELP_TARGET else 'MISSED'}"))
    for size in sizes:
        folder = args.keep if args.keep else Path(tempfile.mkdtemp(prefix=f"survey-bench-{size}-"))
        try:
            generate(folder, size, args.broken_refs)
            # Interleaved rounds, so that a busy machine slows the floor and the check alike.
            floor, inside, outside = time_rounds(folder, args.repeat, args.broken_refs)
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        target = f" (target <= {CHECK_TARGET:g}x: {'met' if outside / floor <= CHECK_TARGET else 'MISSED'})" \
            if size >= 10000 else ""
        rows.append((f"{size:>6,} entries: floor, CSafeLoader parse", floor, "1.00x"))
        refs = f" ({args.broken_refs} unknown refs)" if args.broken_refs else ""
        rows.append((f"{size:>6,} entries: survey check, in-process{refs}", inside, f"{inside / floor:.2f}x floor"))
        rows.append((f"{size:>6,} entries: survey check, subprocess{refs}", outside,
                     f"{outside / floor:.2f}x floor{target}"))

    width = max(44, *(len(name) for name, _, _ in rows))
    print(f"{'benchmark (best of ' + str(args.repeat) + ')':<{width}} {'seconds':>9}  ratio")
    for name, seconds, note in rows:
        print(f"{name:<{width}} {seconds:>9.3f}  {note}")


if __name__ == "__main__":
    main()
