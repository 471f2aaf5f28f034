"""The output filter (survey.terminal): entry text and file names reach a terminal or a CI log as text, never as
escape sequences, and never as a line of their own that a CI runner would read as a workflow command."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import VALID_ENTRY, KnowledgeBaseFolder
from hypothesis import given
from hypothesis import strategies as st

from survey.report.terminal import shown_path, terminal_text

# What a terminal acts on: ESC (CSI, OSC title and clipboard), the one-byte C1 CSI and OSC, BEL, backspace,
# carriage return, and the bidirectional overrides that reorder what a reviewer reads.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
PAYLOADS = ["\x1b]0;owned\x07", "\x1b[2J\x1b[H", "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07", "\x9b31m", "\x9d0;t\x9c",
            "over\rwrite", "back\x08\x08", "\u202eexe.fdp", "\u2066isolate\u2069"]


def _yaml_escaped(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture
def hostile(kb: KnowledgeBaseFolder) -> KnowledgeBaseFolder:
    """An entry whose title and summary carry every payload (written as YAML escapes, which the loader accepts)."""
    payload = "".join(PAYLOADS)
    text = VALID_ENTRY.replace("title: ", f"title: {_yaml_escaped('T ' + payload)} # was: ", 1)
    kb.write_entry("ada-example-pim24", text)
    assert kb.check().diagnostics == [] or all(d["severity"] == "warning" for d in kb.check().diagnostics)
    return kb


@pytest.mark.parametrize("command", [("show", "ada-example-pim24"), ("query", "year>=2000"),
                                     ("query", "--format", "csv", "year>=2000"),
                                     ("query", "--format", "markdown", "year>=2000"),
                                     ("query", "--format", "yaml", "year>=2000"), ("export", "--format", "csv"),
                                     ("query", "--format", "json", "year>=2000"), ("export", "--format", "json"),
                                     ("authors",)])
def test_control_and_escape_sequences_in_entry_text_never_reach_the_terminal_raw(hostile: KnowledgeBaseFolder,
                                                                                 command: tuple[str, ...]) -> None:
    run = hostile.run(*command)
    assert run.exit_code == 0, run.output
    assert ACTIVE.search(run.output) is None, repr(ACTIVE.search(run.output))
    if command != ("authors",) and "yaml" not in command:  # YAML writes its own escapes (\\e)
        assert "\\u001b" in run.output  # shown, not dropped


def test_json_and_yaml_output_still_parse_to_the_entry_text(hostile: KnowledgeBaseFolder) -> None:
    title = json.loads(hostile.run("query", "--format", "json", "year>=2000").output)[0]["title"]
    assert title == "T " + "".join(PAYLOADS)
    assert yaml.safe_load(hostile.run("query", "--format", "yaml", "year>=2000").output)[0]["title"] == title


@pytest.mark.parametrize("name", ["a\n::error file=x.yaml::forged.yaml", "b\r\n::add-mask::secret.yaml",
                                  "c\x1b[2Kd.yaml", "e\u2028::warning::f.yaml"])
def test_a_file_name_with_a_line_break_stays_on_its_line_and_injects_no_workflow_command(
        kb: KnowledgeBaseFolder, name: str) -> None:
    kb.write(name, VALID_ENTRY.replace("title:   ", "title: ", 1) + "\n\n")
    for command in (("fmt", "--check"), ("check",), ("check", "--format", "github"), ("fmt",)):
        run = kb.run(*command)
        assert ACTIVE.search(run.output) is None, (command, run.output)
        lines = run.output.splitlines()
        assert not any(line.lstrip().startswith(("::error file=x.yaml", "::add-mask", "::warning::f"))
                       for line in lines), run.output
        if command == ("check",):
            located = [line for line in lines if "error[" in line]
            assert located and all(line.startswith('"entries/') for line in located), run.output


def test_a_diagnostic_path_with_a_line_break_is_quoted_and_an_ordinary_one_is_not() -> None:
    assert shown_path("entries/a.yaml") == "entries/a.yaml"
    assert shown_path("entries/a\nb.yaml") == '"entries/a\\nb.yaml"'
    assert shown_path('entries/"q"\x1b.yaml') == '"entries/\\"q\\"\\u001b.yaml"'


@given(st.text())
def test_filtered_text_holds_nothing_a_terminal_acts_on_and_json_keeps_its_meaning(text: str) -> None:
    assert ACTIVE.search(terminal_text(text)) is None
    assert json.loads(terminal_text(json.dumps(text, ensure_ascii=False))) == text
    assert ACTIVE.search(shown_path(text)) is None and "\n" not in shown_path(text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_ordinary_text_passes_the_filter_unchanged(text: str) -> None:
    assert terminal_text(text) == text
