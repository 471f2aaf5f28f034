"""The README's `console` examples: run them, compare what they print, or write their real output back.

    python3 scripts/readme_examples.py           # check (what tests/test_readme.py does)
    python3 scripts/readme_examples.py --update  # rewrite the outputs shown in README.md from real runs

The examples run in docs/examples, a frozen knowledge base of their own, so merging entries into entries/ does
not change what they print. A change to survey that does (a new diagnostic, a new column) is followed by
`--update` and a review of the diff.
A line `...` in an example stands for output left out; rich's table lines depend on the terminal's width and
are not compared.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
EXAMPLES = REPO / "docs" / "examples"  # the knowledge base the examples run in (see its README.md)
_BOX = re.compile(r"[│┃┏┓┗┛━─└┘┌┐┡┩╇┳┻┼┬┴]")
_EXITS = re.compile(r"\s+#\s*exits\s+(\d+)\s*$")
COLUMNS = "120"


@dataclass
class Example:
    command: str
    exit_code: int
    line: int  # of the `$ ` line in README.md
    expected: list[str] = field(default_factory=list)


@dataclass
class Run:
    exit_code: int
    lines: list[str]


def examples(text: str) -> list[Example]:
    """Every `$ survey ...` line of a ```console block, with the output lines shown under it."""
    found: list[Example] = []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not inside:
            inside = line.strip() == "```console"
        elif line.strip() == "```":
            inside = False
        elif line.startswith("$ "):
            command, code = line[2:], 0
            match = _EXITS.search(command)
            if match:
                command, code = command[:match.start()], int(match.group(1))
            found.append(Example(command, code, number))
        elif found and line.strip() != "...":
            found[-1].expected.append(line.rstrip())
    return found


def run(example: Example) -> Run:
    """Run the example as a user would, with this interpreter's survey, in the examples' knowledge base."""
    words = shlex.split(example.command.split("|")[0])
    if words[0] != "survey":
        raise ValueError(f"README line {example.line}: examples must start with `survey`")
    command = shlex.join([sys.executable, "-m", "survey", *words[1:]])
    if "|" in example.command:
        command += " |" + example.command.split("|", 1)[1]
    env = dict(os.environ, COLUMNS=COLUMNS)
    done = subprocess.run(command, shell=True, cwd=EXAMPLES, capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    return Run(done.returncode, [line.rstrip() for line in (done.stdout + done.stderr).splitlines()])


def mismatch(example: Example, result: Run) -> str | None:
    """Why the run does not print what the README shows (None when it does)."""
    if "|" not in example.command and result.exit_code != example.exit_code:
        return f"exit status {result.exit_code}, the README says {example.exit_code}"
    position = 0
    for expected in (e for e in example.expected if not _BOX.search(e)):
        if expected not in result.lines[position:]:
            return f"{expected!r} is not printed"
        position = result.lines.index(expected, position) + 1
    return None


def update(text: str) -> str:
    """README text with each example's output replaced by what it prints now (`...` elisions are dropped)."""
    lines = text.splitlines()
    for example in reversed(examples(text)):
        start = example.line  # first output line (0-based index of the line after `$ `)
        end = start
        while end < len(lines) and not lines[end].startswith("$ ") and lines[end].strip() != "```":
            end += 1
        lines[start:end] = run(example).lines
    return "\n".join(lines) + "\n"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if "--update" in sys.argv[1:]:
        README.write_text(update(text), encoding="utf-8")
        print(f"updated the outputs of {len(examples(text))} examples in {README.name}")
        return 0
    failed = 0
    for example in examples(text):
        problem = mismatch(example, run(example))
        if problem:
            failed += 1
            print(f"README.md:{example.line}: {example.command}: {problem}")
    print(f"{len(examples(text)) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
