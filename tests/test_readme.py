"""The README's `console` examples are real: each command is run and must print the lines shown, in order."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_BOX = re.compile(r"[│┃┏┓┗┛━─└┘┌┐┡┩╇┳┻┼┬┴]")  # lines of rich tables depend on the terminal's width
_EXITS = re.compile(r"\s+#\s*exits\s+(\d+)\s*$")


@dataclass
class Example:
    command: str
    exit_code: int
    expected: list[str]
    line: int


def readme_examples() -> list[Example]:
    examples: list[Example] = []
    block: list[tuple[int, str]] | None = None
    for number, line in enumerate((REPO / "README.md").read_text(encoding="utf-8").splitlines(), start=1):
        if block is None:
            if line.strip() == "```console":
                block = []
        elif line.strip() == "```":
            examples.extend(_split(block))
            block = None
        else:
            block.append((number, line))
    return examples


def _split(block: list[tuple[int, str]]) -> list[Example]:
    found: list[Example] = []
    for number, line in block:
        if line.startswith("$ "):
            command, code = line[2:], 0
            match = _EXITS.search(command)
            if match:
                command, code = command[:match.start()], int(match.group(1))
            found.append(Example(command, code, [], number))
        elif found and line.strip() != "...":
            found[-1].expected.append(line.rstrip())
    return found


EXAMPLES = readme_examples()


def test_readme_has_examples_for_check_query_and_authors() -> None:
    commands = " ".join(e.command for e in EXAMPLES)
    for word in ("survey check", "survey query", "survey show", "survey authors", "survey stats"):
        assert word in commands


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"README line {e.line}" for e in EXAMPLES])
def test_readme_example_prints_what_the_readme_shows(example: Example) -> None:
    words = shlex.split(example.command.split("|")[0])
    assert words[0] == "survey"
    command = shlex.join([sys.executable, "-m", "survey", *words[1:]])
    if "|" in example.command:
        command += " |" + example.command.split("|", 1)[1]
    env = dict(os.environ, COLUMNS="200")
    run = subprocess.run(command, shell=True, cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    if "|" not in example.command:
        assert run.returncode == example.exit_code, run.stdout + run.stderr
    actual = [line.rstrip() for line in (run.stdout + run.stderr).splitlines()]
    position = 0
    for expected in (e for e in example.expected if not _BOX.search(e)):
        assert expected in actual[position:], f"README line {example.line}: {expected!r} not printed:\n" + \
            "\n".join(actual)
        position = actual.index(expected, position) + 1
