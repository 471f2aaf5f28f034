"""Reading files at a git revision: bounded, no links followed, no path outside the folder, revisions validated."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from survey.files.git_revision import GitUnavailable, read_files, resolve_commit, valid_revision
from survey.files.limits import MAX_FILE_BYTES


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.name", "T")
    git(tmp_path, "config", "user.email", "t@example.org")
    (tmp_path / "kb" / "entries" / "nested").mkdir(parents=True)
    (tmp_path / "kb" / "entries" / "a.yaml").write_text("id: a\n")
    (tmp_path / "kb" / "entries" / "nested" / "b.yaml").write_text("id: b\n")
    (tmp_path / "kb" / "entries" / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "secret.yaml").write_text("outside the knowledge base\n")
    os.symlink("../../secret.yaml", tmp_path / "kb" / "entries" / "link.yaml")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "state")
    return tmp_path


def test_reads_the_files_of_one_folder_of_a_subfolder_knowledge_base(repo: Path) -> None:
    commit = resolve_commit(repo / "kb", "HEAD")
    blobs = {b.path: b for b in read_files(repo / "kb", commit, "entries", (".yaml",))}
    assert sorted(blobs) == ["entries/a.yaml", "entries/big.yaml"]  # no link, nothing nested
    assert blobs["entries/a.yaml"].data == b"id: a\n"
    assert blobs["entries/big.yaml"].data is None and blobs["entries/big.yaml"].size == MAX_FILE_BYTES + 1


def test_the_work_tree_is_not_read(repo: Path) -> None:
    (repo / "kb" / "entries" / "a.yaml").write_text("id: changed\n")
    commit = resolve_commit(repo / "kb", "HEAD")
    [blob] = [b for b in read_files(repo / "kb", commit, "entries", (".yaml",)) if b.path == "entries/a.yaml"]
    assert blob.data == b"id: a\n"


@pytest.mark.parametrize("revision", ["-p", "--output=x", "a..b", "HEAD;rm", "v1 v2", "", "x/"])
def test_a_revision_that_git_could_read_as_an_option_or_range_is_refused(repo: Path, revision: str) -> None:
    assert not valid_revision(revision)
    with pytest.raises(GitUnavailable):
        resolve_commit(repo, revision)


@pytest.mark.parametrize("revision", ["HEAD", "HEAD~0", "main", "v0.1.0", "release/2026-12", "abc1234"])
def test_ordinary_revisions_are_accepted(revision: str) -> None:
    assert valid_revision(revision)
