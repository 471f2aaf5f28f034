"""`survey diff`: what changed between a git revision of a knowledge base and its working tree (or another
revision), read from git without a checkout; real git repositories in temporary folders."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import VALID_ENTRY, KnowledgeBaseFolder


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str = "state") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(kb: KnowledgeBaseFolder) -> KnowledgeBaseFolder:
    """The fixture knowledge base with two entries, committed and tagged v0.1.0."""
    git(kb.root, "init", "-q")
    git(kb.root, "config", "user.name", "Test Editor")
    git(kb.root, "config", "user.email", "editor@example.org")
    kb.write_entry("ada-example-pim24")
    kb.write_entry("bo-sample-pim24", VALID_ENTRY.replace("10.5555/example.2024.001", "10.5555/example.2024.002")
                   .replace('"2401.00001"', '"2401.00002"').replace("Tiny Transformers", "Small Transformers"))
    commit_all(kb.root, "first")
    git(kb.root, "tag", "-a", "v0.1.0", "-m", "first release")
    return kb


def edit(kb: KnowledgeBaseFolder, entry_id: str, old: str, new: str) -> None:
    path = kb.root / "entries" / f"{entry_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff_json(kb: KnowledgeBaseFolder, *args: str) -> dict:  # type: ignore[type-arg]
    run = kb.run("diff", "--format", "json", *args)
    assert run.exit_code == 0, run.output
    return json.loads(run.output)  # type: ignore[no-any-return]


def test_diff_against_the_last_release_names_changed_fields_and_metrics_with_units(repo: KnowledgeBaseFolder) -> None:
    edit(repo, "ada-example-pim24", "year: 2024", "year: 2025")
    edit(repo, "ada-example-pim24", "value: 2.5", "value: 3.1")
    edit(repo, "ada-example-pim24", "baseline: Example GPU", "baseline: Example CPU")
    found = diff_json(repo)
    assert found["base"] == "v0.1.0" and found["head"] == "the working tree"
    [change] = found["changed"]
    assert change["id"] == "ada-example-pim24"
    assert change["fields"] == [{"field": "year", "old": "2024", "new": "2025"}]
    [metric] = change["metrics"]
    assert (metric["kind"], metric["old"], metric["new"]) == ("speedup", "2.5 x", "3.1 x")
    assert "phase decode" in metric["conditions"] and "model Tiny-LM 1B" in metric["conditions"]
    assert metric["details"] == [{"field": "baseline", "old": "Example GPU", "new": "Example CPU"}]
    assert found["added"] == found["removed"] == found["renamed"] == found["terms"] == []


def test_a_metric_under_new_conditions_is_one_removed_and_one_added(repo: KnowledgeBaseFolder) -> None:
    edit(repo, "ada-example-pim24", "phase: decode, level: system", "phase: prefill, level: system")
    [change] = diff_json(repo)["changed"]
    shown = [(m["kind"], m["old"], m["new"]) for m in change["metrics"]]
    assert shown == [("speedup", "2.5 x", None), ("speedup", None, "2.5 x")]


def test_diff_finds_added_removed_and_renamed_entries(repo: KnowledgeBaseFolder) -> None:
    (repo.root / "entries" / "bo-sample-pim24.yaml").unlink()
    git(repo.root, "mv", "entries/ada-example-pim24.yaml", "entries/ada-renamed-pim24.yaml")
    edit(repo, "ada-renamed-pim24", "id: ada-example-pim24", "id: ada-renamed-pim24")
    repo.write_entry("cy-new-pim25", VALID_ENTRY.replace("10.5555/example.2024.001", "10.5555/example.2025.003")
                     .replace('"2401.00001"', '"2501.00003"').replace("Tiny Transformers", "Huge Transformers"))
    found = diff_json(repo)
    assert found["renamed"] == [{"old": "ada-example-pim24", "new": "ada-renamed-pim24"}]
    assert [e["id"] for e in found["added"]] == ["cy-new-pim25"]
    assert [e["id"] for e in found["removed"]] == ["bo-sample-pim24"]
    assert found["changed"] == []  # the renamed entry's content is the same
    assert (found["entries_before"], found["entries_after"]) == (2, 2)


def test_diff_reports_taxonomy_terms_added_deprecated_and_renamed(repo: KnowledgeBaseFolder) -> None:
    repo.edit_taxonomy('- {id: hbm3e, parent: hbm, label: HBM3E, description: "HBM3E."}',
                       '- {id: hbm3e, parent: hbm, label: HBM3E, description: "HBM3E.", deprecated: true, '
                       'replaced_by: hbm3}\n      - {id: hbm4, parent: hbm, label: HBM4, description: "HBM4."}')
    repo.edit_taxonomy('- {id: hbm3, parent: hbm, label: HBM3, description: "HBM3."}',
                       '- {id: hbm-3, parent: hbm, label: HBM3, description: "HBM3.", aliases: [hbm3]}')
    terms = {(t["vocabulary"], t["term"], t["change"], t["new"]) for t in diff_json(repo)["terms"]}
    assert ("memory", "hbm4", "added", "HBM4") in terms
    assert ("memory", "hbm3e", "deprecated", "hbm3") in terms
    assert ("memory", "hbm3", "renamed", "hbm-3") in terms
    assert not any(t[1] == "hbm-3" for t in terms)  # reported once, as the rename


def test_diff_between_two_revisions_reads_neither_the_work_tree_nor_writes_it(repo: KnowledgeBaseFolder) -> None:
    edit(repo, "ada-example-pim24", "year: 2024", "year: 2023")
    commit_all(repo.root, "second")
    edit(repo, "ada-example-pim24", "year: 2023", "year: 2030")  # uncommitted: not part of v0.1.0..HEAD
    status = git(repo.root, "status", "--porcelain")
    [change] = diff_json(repo, "v0.1.0", "HEAD")["changed"]
    assert change["fields"] == [{"field": "year", "old": "2024", "new": "2023"}]
    assert git(repo.root, "status", "--porcelain") == status


def test_markdown_escapes_what_contributors_wrote(repo: KnowledgeBaseFolder) -> None:
    edit(repo, "ada-example-pim24", 'title: "A Fictional Near-Bank PIM for Tiny Transformers"',
         'title: "A *bold* <script>x</script> [link](http://x)"')
    run = repo.run("diff", "--format", "markdown")
    assert run.exit_code == 0, run.output
    assert "### Changed (1)" in run.output
    assert "<script>" not in run.output and "\\<script\\>" in run.output
    assert "\\*bold\\*" in run.output and "\\[link\\]" in run.output
    assert "\u2192" in run.output  # old -> new


def test_text_form_lists_each_change_on_its_own_line(repo: KnowledgeBaseFolder) -> None:
    edit(repo, "ada-example-pim24", "year: 2024", "year: 2025")
    run = repo.run("diff")
    assert run.exit_code == 0
    assert run.output.splitlines()[0].startswith("Changes from v0.1.0 to the working tree: 2 entries (was 2)")
    assert "    year: 2024 -> 2025" in run.output.splitlines()


def test_an_entry_that_does_not_load_is_named_not_counted_as_removed(repo: KnowledgeBaseFolder) -> None:
    edit(repo, "bo-sample-pim24", "year: 2024", "year: [")
    found = diff_json(repo)
    assert found["removed"] == []
    [problem] = found["not_compared"]
    assert problem["path"].endswith("bo-sample-pim24.yaml") and problem["code"] == "not-compared"


def test_diff_is_quiet_without_git_or_without_a_release(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    run = kb.run("diff")
    assert run.exit_code == 0 and "not in a git repository" in run.output
    git(kb.root, "init", "-q")
    git(kb.root, "config", "user.name", "T")
    git(kb.root, "config", "user.email", "t@example.org")
    commit_all(kb.root)
    run = kb.run("diff")
    assert run.exit_code == 0 and "no release yet" in run.output
    assert "Traceback" not in run.output


@pytest.mark.parametrize("revision", ["--output=/tmp/x", "no-such-tag", "HEAD..v0.1.0", "-p"])
def test_a_bad_revision_is_a_located_error_not_an_option(repo: KnowledgeBaseFolder, revision: str) -> None:
    run = repo.run("diff", "--", revision)
    assert run.exit_code == 1
    assert "error[git-revision]" in run.output and revision in run.output
    assert not Path("/tmp/x").exists() or revision != "--output=/tmp/x"
