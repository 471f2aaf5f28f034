"""`survey release` end to end in a real git repository: refusals leave no trace; a release writes CHANGELOG.md,
CITATION.cff and .zenodo.json, builds both venues (whose PDF prints the revision history), commits and tags."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_survey
from test_build import HAVE_TEX, pdf_text

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
OUTLINE = """\
sections:
  - {title: Introduction, text: introduction.tex}
  - {title: Comparison, generate: comparison}
  - {title: Revision History, generate: revision-history, unnumbered: true}
"""
pytestmark = pytest.mark.skipif(not HAVE_TEX or shutil.which("git") is None, reason="TeX and git are needed")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def survey(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_survey("--root", str(root), *args)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("release") / "kb"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("ada-example-poster24.yaml", "README.md"))
    (root / "paper" / "outline.yaml").write_text(OUTLINE, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n.survey-cache/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test Editor")
    git(root, "config", "user.email", "editor@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "knowledge base")
    return root


def tags(root: Path) -> list[str]:
    return git(root, "tag", "--list").split()


def test_release_refuses_a_dirty_tree_and_names_the_files(repo: Path) -> None:
    (repo / "entries" / "stray.yaml").write_text("id: stray\n", encoding="utf-8")
    try:
        run = survey(repo, "release", "0.1.0")
    finally:
        (repo / "entries" / "stray.yaml").unlink()
    assert run.exit_code == 1
    assert "error[dirty-tree]" in run.output and "entries/stray.yaml" in run.output
    assert tags(repo) == [] and not (repo / "CHANGELOG.md").exists()


def test_release_refuses_when_the_check_fails(repo: Path) -> None:
    entry = next((repo / "entries").glob("*.yaml"))
    original = entry.read_text(encoding="utf-8")
    entry.write_text(original.replace("type: ", "type: not-a-type-", 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "break an entry")
    try:
        run = survey(repo, "release", "0.1.0")
    finally:
        git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert run.exit_code == 1
    assert "error[unknown-term]" in run.output and "error[check-failed]" in run.output
    assert tags(repo) == [] and not (repo / "CHANGELOG.md").exists()


def test_a_failed_build_restores_the_files_and_tags_nothing(repo: Path) -> None:
    block = repo / "templates" / "partials" / "blocks" / "revision-history.tex.j2"
    block.parent.mkdir(parents=True)
    block.write_text("\\surveyundefinedcommand\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a template TeX cannot run")
    head = git(repo, "rev-parse", "HEAD")
    try:
        run = survey(repo, "release", "0.1.0")
        assert run.exit_code == 1
        assert "error[build-failed]" in run.output
        assert tags(repo) == [] and git(repo, "rev-parse", "HEAD") == head
        assert git(repo, "status", "--porcelain") == ""  # CHANGELOG.md, CITATION.cff, .zenodo.json as they were
    finally:
        git(repo, "reset", "-q", "--hard", "HEAD~1")
        shutil.rmtree(repo / "templates", ignore_errors=True)  # reset removed the committed template


def test_release_refuses_to_write_through_a_committed_link_out_of_the_repository(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_text("theirs\n", encoding="utf-8")
    (repo / ".zenodo.json").symlink_to(outside)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link out")
    try:
        run = survey(repo, "release", "0.1.0")
        assert run.exit_code == 1 and "error[outside-repository]" in run.output
        assert outside.read_text(encoding="utf-8") == "theirs\n"
        assert tags(repo) == [] and git(repo, "status", "--porcelain") == ""
    finally:
        git(repo, "reset", "-q", "--hard", "HEAD~1")


@pytest.fixture(scope="module")
def first(repo: Path) -> Path:
    run = survey(repo, "release", "0.1.0")
    assert run.exit_code == 0, run.output
    return repo


def test_release_commits_the_three_files_and_tags_the_commit(first: Path) -> None:
    assert tags(first) == ["v0.1.0"]
    assert git(first, "cat-file", "-t", "v0.1.0").strip() == "tag"  # annotated
    assert git(first, "rev-parse", "v0.1.0^{commit}") == git(first, "rev-parse", "HEAD")
    assert git(first, "log", "-1", "--format=%s").strip() == "Release 0.1.0"
    changed = git(first, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == [".zenodo.json", "CHANGELOG.md", "CITATION.cff"]
    assert git(first, "status", "--porcelain") == ""


def test_the_citation_files_carry_the_version_from_the_same_author_data(first: Path) -> None:
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    cff = yaml.safe_load((first / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((first / ".zenodo.json").read_text(encoding="utf-8"))
    assert (cff["version"], str(cff["date-released"])) == ("0.1.0", today)
    assert (zenodo["version"], zenodo["publication_date"]) == ("0.1.0", today)
    assert [c["name"] for c in zenodo["creators"]] == [f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]]
    assert zenodo["creators"][0]["name"] == "Wang, Yu"
    assert survey(first, "authors", "--cff", "--check").exit_code == 0  # the release's CITATION.cff is current


def test_the_first_release_changelog_and_both_pdfs(first: Path) -> None:
    changelog = (first / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "## 0.1.0 (" in changelog and "First release: 46 entries." in changelog
    assert (first / "build" / "tcad" / "survey.pdf").is_file()
    text = pdf_text(first / "build" / "survey.pdf")
    assert "revision history" in text.lower() and "0.1.0 (" in text and "First release: 46 entries." in text


def test_the_next_release_lists_what_changed_newest_first(first: Path) -> None:
    entry = first / "entries" / "attacc-asplos24.yaml"
    text = entry.read_text(encoding="utf-8")
    assert "year: 2024" in text
    entry.write_text(text.replace("year: 2024", "year: 2025", 1), encoding="utf-8")
    git(first, "commit", "-q", "-am", "AttAcc's year")
    run = survey(first, "release", "0.2.0")
    assert run.exit_code == 0, run.output
    changelog = (first / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 0.2.0 (") < changelog.index("## 0.1.0 (")
    section = changelog[changelog.index("## 0.2.0"):changelog.index("## 0.1.0")]
    assert "46 entries (was 46): 1 changed." in section
    assert "- `attacc-asplos24`:" in section and "  - year: 2024 \u2192 2025" in section
    pdf = pdf_text(first / "build" / "survey.pdf")
    assert pdf.index("0.2.0 (") < pdf.index("0.1.0 (")
    assert survey(first, "diff").output.startswith("Changes from v0.2.0 to the working tree")
    again = survey(first, "release", "0.2.0")
    assert again.exit_code == 1 and "error[release-exists]" in again.output


def test_a_malformed_version_is_refused(repo: Path) -> None:
    run = survey(repo, "release", "--", "-rf")
    assert run.exit_code == 1 and "error[release-version]" in run.output
