"""paper/outline.yaml: the sections in order, editor text and generated blocks, placeholders and --final."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from survey.build import build
from survey.load.outline import load_outline

from conftest import REPO, line_of, run_survey


@pytest.fixture
def paper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped knowledge base (entries, taxonomy, paper) as the working directory."""
    root = tmp_path / "kb"
    root.mkdir()
    for part in ("taxonomy.yaml", "entries", "paper"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    monkeypatch.chdir(root)
    return root


def write_outline(root: Path, text: str) -> Path:
    path = root / "paper" / "outline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sections_follow_the_outline_in_order_with_editor_text_and_generated_blocks(paper: Path) -> None:
    write_outline(paper, "sections:\n"
                         "  - {title: Motivation, text: motivation.tex}\n"
                         "  - {title: How We Chose, generate: survey-method}\n"
                         "  - {title: Talks, generate: workshop}\n")
    (paper / "paper" / "sections" / "motivation.tex").write_text("Memory walls are high.\n", encoding="utf-8")
    result = build(paper, "todaes", paper / "out", pdf=False)
    assert result.ok, [d.as_text() for d in result.diagnostics]
    tex = (paper / "out" / "survey.tex").read_text(encoding="utf-8")
    titles = re.findall(r"\\section\*?\{([^}]*)\}", tex)
    assert titles == ["Motivation", "How We Chose", "Talks"]
    assert "\\input{sections/motivation}" in tex
    assert (paper / "out" / "sections" / "motivation.tex").read_text(encoding="utf-8") == "Memory walls are high.\n"
    assert "The survey includes a work when it meets these criteria" in tex


def test_a_missing_editor_section_is_a_visible_marker_and_a_warning_in_a_draft(paper: Path) -> None:
    write_outline(paper, "sections:\n  - {title: Discussion, text: discussion.tex}\n")
    result = build(paper, "todaes", paper / "out", pdf=False)
    assert result.ok
    tex = (paper / "out" / "survey.tex").read_text(encoding="utf-8")
    assert "\\surveyplaceholder{Editors: write paper/sections/discussion.tex (Discussion).}" in tex
    found = [d for d in result.diagnostics if d.code == "editor-placeholder"]
    assert [(d.location.path, d.is_error) for d in found] == [("paper/sections/discussion.tex", False)]


def test_final_build_refuses_with_one_located_error_per_placeholder(paper: Path) -> None:
    text = "% draft\nSome text.\n\\surveyplaceholder{Say what the field lacks.}\n"
    (paper / "paper" / "sections" / "open-problems.tex").write_text(text, encoding="utf-8")
    write_outline(paper, "sections:\n  - {title: Open Problems, text: open-problems.tex}\n"
                         "  - {title: Conclusion, text: conclusion.tex}\n")
    run = run_survey("build", "--final", "--no-pdf", "--out", "out", "--quiet")
    assert run.exit_code == 1
    errors = [line for line in run.output.splitlines() if "error[editor-placeholder]" in line]
    assert errors == [
        "paper/sections/conclusion.tex:1:1: error[editor-placeholder] an editor section is still a placeholder; "
        "write paper/sections/conclusion.tex (Conclusion)",
        f"paper/sections/open-problems.tex:{line_of(text, 'surveyplaceholder')}:1: error[editor-placeholder] an editor "
        "section is still a placeholder; Say what the field lacks.",
    ]
    assert not (paper / "out" / "survey.tex").exists()


def test_final_build_goes_through_once_every_section_is_written(paper: Path) -> None:
    from survey.load.knowledge_base import load_knowledge_base
    from survey.render.bibliography import without_locator

    for entry in without_locator(load_knowledge_base(paper).entries):  # the quality gate's business, not this test's
        Path(entry.path).unlink()
    write_outline(paper, "sections:\n  - {title: Conclusion, text: conclusion.tex}\n")
    (paper / "paper" / "sections" / "conclusion.tex").write_text("We conclude.\n", encoding="utf-8")
    run = run_survey("build", "--final", "--no-pdf", "--out", "out", "--quiet")
    assert run.exit_code == 0, run.output
    assert "editor-placeholder" not in run.output


@pytest.mark.parametrize(("line", "code"), [
    ("  - {title: X, generate: tables-of-everything}", "unknown-block"),
    ("  - {title: X, text: ../../etc/passwd}", "section-file-name"),
    ("  - {title: X, text: sub/x.tex}", "section-file-name"),
    ("  - {title: X}", "outline-empty"),
    ("  - {text: x.tex}", "outline-title"),
    ("  - {title: X, text: x.tex, colour: red}", "outline-key"),
])
def test_outline_mistakes_are_located_errors(paper: Path, line: str, code: str) -> None:
    write_outline(paper, "sections:\n" + line + "\n")
    outline, problems = load_outline(paper)
    assert [(p.code, p.location.line) for p in problems if p.is_error] == [(code, 2)]
    assert all(p.location.path == "paper/outline.yaml" for p in problems)


def test_without_an_outline_the_default_sections_are_used(paper: Path) -> None:
    (paper / "paper" / "outline.yaml").unlink()
    outline, problems = load_outline(paper)
    assert problems == []
    assert [s.generate or s.text_file for s in outline.sections][:3] == ["introduction.tex", "survey-method",
                                                                         "taxonomy"]


def test_every_number_in_the_generated_prose_is_in_the_provenance_file(paper: Path) -> None:
    result = build(paper, "todaes", paper / "out", pdf=False)
    assert result.ok
    tex = (paper / "out" / "survey.tex").read_text(encoding="utf-8")
    provenance = json.loads((paper / "out" / "provenance.json").read_text(encoding="utf-8"))["numbers"]
    start = tex.index("\\section{In-Memory Computing}")
    end = tex.index("\\section{The Workshop")
    prose = re.sub(r"\\cite\{[^}]*\}|\\label\{[^}]*\}|% entry: \S+", "", tex[start:end])
    numbers = re.findall(r"(?<![\w.\-/])\d[\d,.]*\d|(?<![\w.\-/])\d(?![\w])", prose)
    assert len(numbers) > 50
    printed = {item["text"] for item in provenance}
    missing = sorted({n for n in numbers if not any(n in text for text in printed)})
    assert missing == []
    kinds = {item["kind"] for item in provenance}
    assert {"count", "metric", "year"} <= kinds
    for item in provenance:
        if item["kind"] == "metric":
            entry = (paper / "entries" / f"{item['entry']}.yaml").read_text(encoding="utf-8")
            assert entry  # the entry named exists


def test_running_head_names_two_authors_and_abbreviates_three(paper: Path) -> None:
    result = build(paper, "todaes", paper / "out", pdf=False)
    assert result.ok
    tex = (paper / "out" / "survey.tex").read_text(encoding="utf-8")
    assert "\\renewcommand{\\shortauthors}{Wang and Zhu}" in tex
    assert "Co-authors" not in tex and "have not answered yet" not in tex
