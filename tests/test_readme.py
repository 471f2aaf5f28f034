"""The README's `console` examples are real: each command is run and must print the lines shown, in order.

They run in docs/examples, a frozen knowledge base, so merging entries into entries/ changes nothing here. When a
change to survey changes what an example prints, `python3 scripts/readme_examples.py --update` rewrites the outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import readme_examples  # noqa: E402

EXAMPLES = readme_examples.examples(readme_examples.README.read_text(encoding="utf-8"))


def test_readme_has_examples_for_check_query_and_authors() -> None:
    commands = " ".join(e.command for e in EXAMPLES)
    for word in ("survey check", "survey query", "survey show", "survey authors", "survey stats"):
        assert word in commands


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"README line {e.line}" for e in EXAMPLES])
def test_readme_example_prints_what_the_readme_shows(example: readme_examples.Example) -> None:
    result = readme_examples.run(example)
    problem = readme_examples.mismatch(example, result)
    assert problem is None, (f"README line {example.line} ({problem}); if the change is intended, run "
                             "python3 scripts/readme_examples.py --update\n" + "\n".join(result.lines))


def test_update_writes_back_what_the_commands_print(tmp_path: Path) -> None:
    text = "```console\n$ survey check ada-example-poster24.yaml   # exits 1\nstale\n```\n"
    updated = readme_examples.update(text)
    assert "stale" not in updated
    assert "error[invalid-orcid]" in updated
    assert updated.startswith("```console\n$ survey check") and updated.endswith("```\n")


def test_examples_do_not_depend_on_the_entries_of_the_repository(tmp_path: Path) -> None:
    """A new entry merged into entries/ (here: one with an error) leaves every example's output as it was."""
    added = readme_examples.REPO / "entries" / "zz-readme-independence-test.yaml"
    example = next(e for e in EXAMPLES if e.command.startswith("survey stats"))
    before = readme_examples.run(example)
    added.write_text("id: zz-readme-independence-test\ntype: poster\n", encoding="utf-8")
    try:
        after = readme_examples.run(example)
    finally:
        added.unlink()
    assert after.lines == before.lines
