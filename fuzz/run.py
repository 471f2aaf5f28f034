"""Fuzz the loader, checker, query language, BibTeX import and LaTeX escaping for a while; report what broke.

    python3 fuzz/run.py --minutes 10 [--seed N] [--target yaml,check,query,bibimport,escape]
    python3 fuzz/run.py --replay check:1:37      # run exactly case 37 of target check under seed 1

Targets take turns (a few seconds each) until the time is up. Each case draws its input from
random.Random("SEED:TARGET:N"), so every case can be replayed from its seed. A failure (an exception out of the
code under test, a broken invariant, or a case slower than the target's time limit) is written with its input
and traceback to fuzz/failures/<target>-<n>.txt. Exit status: 0 when nothing failed, 1 otherwise, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: survey and the fuzz package

from fuzz.targets import TARGET_NAMES, Broken, Sample, Target, make_target

FAILURES = Path(__file__).resolve().parent / "failures"
KEEP_PER_KIND = 3  # reproducers written for each distinct kind of failure


class CaseTimeout(Exception):
    """A case ran longer than its target's time limit."""


@dataclass
class Tally:
    """What one target did: cases run, failures by kind, reproducers written."""

    cases: int = 0
    samples: int = 0
    failures: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else the target counted (CLI runs, documents)


def case_rng(seed: int, target: str, index: int) -> random.Random:
    """The random source of one case: the same seed, target and index always give the same input."""
    return random.Random(f"{seed}:{target}:{index}")


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise CaseTimeout


def run_case(target: Target, sample: Sample) -> None:
    """Run one sample under the target's time limit (a hang is a failure too)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, target.time_limit)
    try:
        target.run(sample)
    except CaseTimeout:
        raise Broken("hang", f"the case took longer than {target.time_limit:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def failure_kind(error: BaseException) -> str:
    """A short signature: the broken invariant's name, or the exception type and where it was raised."""
    if isinstance(error, Broken):
        return f"broken invariant {error.invariant}"
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def write_reproducer(folder: Path, target: str, seed: int, index: int, sample: Sample | None,
                     error: BaseException) -> Path:
    """fuzz/failures/<target>-<n>.txt with the replay command, the input and the traceback or broken invariant."""
    folder.mkdir(parents=True, exist_ok=True)
    number = 1
    while (folder / f"{target}-{number}.txt").exists():
        number += 1
    path = folder / f"{target}-{number}.txt"
    lines = [f"target: {target}", f"seed: {seed}", f"case: {index}",
             f"replay: python3 fuzz/run.py --replay {target}:{seed}:{index}", ""]
    if isinstance(error, Broken):
        lines += ["broken invariant:", str(error), ""]
    else:
        lines += ["traceback:", "".join(traceback.format_exception(error)), ""]
    if sample is not None:
        if sample.steps:
            lines += ["made by:", *sample.steps, ""]
        for name, content in sample.files.items():
            lines.append(f"--- {name} (Python literal) ---")
            lines.append(repr(content))
            if isinstance(content, bytes):
                try:
                    text = content.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                lines += [f"--- {name} (as text) ---", text]
            elif isinstance(content, str):
                lines += [f"--- {name} (as text) ---", content]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8", errors="backslashreplace")
    return path


def fuzz(names: list[str], seconds: float, seed: int, failures: Path, turn: float = 2.0,
         progress: bool = True) -> dict[str, Tally]:
    """Run the targets in turns until `seconds` have passed (every target runs at least once)."""
    tallies = {name: Tally() for name in names}
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="survey-fuzz-") as work:
        targets: dict[str, Target] = {}
        for name in names:
            try:
                targets[name] = make_target(name, Path(work))
            except Exception as exc:  # noqa: BLE001 -- a target that cannot start is a failure (an unclean corpus, say)
                _record(tallies[name], failures, name, seed, -1, None, exc)
        try:
            _take_turns(targets, tallies, failures, seed, turn, deadline, progress)
        except KeyboardInterrupt:
            print("interrupted: the counts below are up to here", file=sys.stderr)
        for name, target in targets.items():
            tallies[name].notes = _notes(target)
    return tallies


def _take_turns(targets: dict[str, Target], tallies: dict[str, Tally], failures: Path, seed: int, turn: float,
                deadline: float, progress: bool) -> None:
    """Round robin: each target runs cases for `turn` seconds times its share (at least one), until the deadline."""
    started = time.monotonic()
    next_report = started + 60
    first_round = True
    while targets and (first_round or time.monotonic() < deadline):
        for name, target in targets.items():
            tally = tallies[name]
            turn_end = min(time.monotonic() + turn * target.share, deadline)
            while True:
                index = tally.samples
                sample: Sample | None = None
                try:
                    sample = target.generate(case_rng(seed, name, index))
                    run_case(target, sample)
                except Exception as exc:  # noqa: BLE001 -- whatever the code under test raises is a finding
                    _record(tally, failures, name, seed, index, sample, exc)
                tally.samples += 1
                tally.cases += sample.cases if sample is not None else 1
                if time.monotonic() >= turn_end:
                    break
        first_round = False
        if progress and time.monotonic() >= next_report:
            next_report += 60
            print(f"[{time.monotonic() - started:6.0f} s] " + ", ".join(
                f"{n} {t.cases} ({t.failures} failed)" for n, t in tallies.items()), file=sys.stderr, flush=True)


def _notes(target: Target) -> list[str]:
    notes = []
    if getattr(target, "cli_runs", 0):
        notes.append(f"{target.cli_runs} runs of the real CLI")  # type: ignore[attr-defined]
    if getattr(target, "documents", 0):
        notes.append(f"{target.documents} documents compiled")  # type: ignore[attr-defined]
    return notes


def _record(tally: Tally, failures: Path, name: str, seed: int, index: int, sample: Sample | None,
            error: BaseException) -> None:
    tally.failures += 1
    kind = failure_kind(error)
    tally.kinds[kind] += 1
    if tally.kinds[kind] <= KEEP_PER_KIND:
        tally.written.append(write_reproducer(failures, name, seed, index, sample, error))


def report(tallies: dict[str, Tally], seconds: float, seed: int) -> str:
    """The per-target table of cases and failures, with each kind of failure and where its reproducers are."""
    lines = [f"fuzz: seed {seed}, {seconds:.1f} s", f"{'target':<10} {'cases':>9} {'failures':>9}"]
    for name, tally in tallies.items():
        notes = f"({', '.join(tally.notes)})" if tally.notes else ""
        lines.append(f"{name:<10} {tally.cases:>9} {tally.failures:>9}  {notes}".rstrip())
        lines += [f"    {count} x {kind}" for kind, count in tally.kinds.most_common()]
        lines += [f"    reproducer: {path}" for path in tally.written]
    total = sum(t.failures for t in tallies.values())
    lines.append(f"{total} failure{'s' if total != 1 else ''}")
    return "\n".join(lines)


def replay(spec: str) -> int:
    """Run one case again (TARGET:SEED:INDEX) and print what happens."""
    try:
        name, seed_text, index_text = spec.split(":")
        seed, index = int(seed_text), int(index_text)
    except ValueError:
        print(f"--replay wants TARGET:SEED:INDEX, not {spec!r}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="survey-fuzz-") as work:
        target = make_target(name, Path(work))
        if hasattr(target, "cli_every"):
            target.cli_every = 1  # replaying a check case also runs the real CLI on it
        sample = target.generate(case_rng(seed, name, index))
        for label, content in sample.files.items():
            print(f"--- {label} ---\n{content!r}")
        try:
            run_case(target, sample)
        except Exception:  # noqa: BLE001 -- shown, as in a fuzz run
            traceback.print_exc()
            return 1
    print("no failure")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--seed", type=int, help="seed of every case's input (default: from the clock, printed)")
    parser.add_argument("--target", default=",".join(TARGET_NAMES),
                        help=f"comma-separated targets (default {','.join(TARGET_NAMES)})")
    parser.add_argument("--failures", type=Path, default=FAILURES, help="where reproducers go (default fuzz/failures)")
    parser.add_argument("--turn", type=float, default=2.0,
                        help="seconds a target of share 1 runs before the next one's turn (default 2)")
    parser.add_argument("--replay", metavar="TARGET:SEED:INDEX", help="run one case again and show it")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay)
    names = [n.strip() for n in args.target.split(",") if n.strip()]
    unknown = [n for n in names if n not in TARGET_NAMES]
    if unknown or not names:
        parser.error(f"unknown target {', '.join(unknown) or '(none)'}; known: {', '.join(TARGET_NAMES)}")
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    started = time.monotonic()
    tallies = fuzz(names, args.minutes * 60, seed, args.failures, args.turn)
    print(report(tallies, time.monotonic() - started, seed))
    return 1 if any(t.failures for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
