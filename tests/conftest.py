"""Shared fixtures: small fictional knowledge bases built in a temporary folder, and a way to run the CLI on them."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from survey.cli.main import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A clean, clearly fictional poster entry. Tests derive bad inputs from it by replacing one line.
VALID_ENTRY = (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line of `text` that contains `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found in the text")


def column_of(text: str, needle: str) -> int:
    """1-based column where `needle` starts on its first line."""
    return text.splitlines()[line_of(text, needle) - 1].index(needle) + 1


@dataclass
class Run:
    exit_code: int
    output: str

    @property
    def diagnostics(self) -> list[dict[str, Any]]:
        """The diagnostics of a `--format json` run."""
        return json.loads(self.output)

    def codes(self) -> list[str]:
        return [d["code"] for d in self.diagnostics]

    def only(self, code: str) -> dict[str, Any]:
        """The one diagnostic with `code` (fails when there is none or several)."""
        found = [d for d in self.diagnostics if d["code"] == code]
        assert len(found) == 1, f"expected one {code}, got: {self.output}"
        return found[0]


def run_survey(*args: str) -> Run:
    """Run `survey ARGS` in-process in the working directory; an exception other than exit fails the test."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.output)


class KnowledgeBaseFolder:
    """A knowledge base in a temporary folder (the working directory during the test)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "entries").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")

    def write(self, name: str, text: str | bytes) -> Path:
        """Write entries/<name> (text or raw bytes)."""
        path = self.root / "entries" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def write_entry(self, entry_id: str, text: str | None = None) -> Path:
        """An entry file whose id and file name are `entry_id` (the valid entry unless `text` is given)."""
        body = VALID_ENTRY if text is None else text
        return self.write(f"{entry_id}.yaml", body.replace("id: ada-example-pim24", f"id: {entry_id}", 1))

    def edit_taxonomy(self, old: str, new: str) -> None:
        path = self.root / "taxonomy.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def run(self, *args: str) -> Run:
        """Run `survey ARGS` in-process, as a user would in this folder."""
        return run_survey(*args)

    def check(self, *args: str) -> Run:
        """`survey check --format json ARGS`."""
        return self.run("check", "--format", "json", *args)


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBaseFolder:
    monkeypatch.chdir(tmp_path)
    return KnowledgeBaseFolder(tmp_path)
