"""Hostile names and links in a knowledge base: refused with a located error, or accepted where harmless."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder

from survey.build import build
from survey.check.rules import check

SECRET = "SECRETTOKEN-7Q"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A YAML file outside the knowledge base (the kb fixture's root is tmp_path/kb here)."""
    path = tmp_path / "outside.yaml"
    path.write_text(VALID_ENTRY.replace("Ada Example", SECRET), encoding="utf-8")
    return path


@pytest.fixture
def inner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBaseFolder:
    root = tmp_path / "kb"
    root.mkdir()
    monkeypatch.chdir(root)
    return KnowledgeBaseFolder(root)


def test_an_entry_that_links_out_of_the_repository_is_refused_unread(inner: KnowledgeBaseFolder,
                                                                       secret: Path) -> None:
    (inner.root / "entries" / "ada-example-pim24.yaml").symlink_to(secret)
    run = inner.check()
    found = run.only("outside-repository")
    assert found["path"] == "entries/ada-example-pim24.yaml" and found["line"] == 1
    assert str(secret) in found["message"]
    assert SECRET not in run.output
    assert run.exit_code == 1


def test_a_link_inside_the_repository_is_followed(inner: KnowledgeBaseFolder) -> None:
    (inner.root / "drafts").mkdir()
    (inner.root / "drafts" / "ada-example-pim24.yaml").write_text(VALID_ENTRY, encoding="utf-8")
    (inner.root / "entries" / "ada-example-pim24.yaml").symlink_to(Path("..") / "drafts" / "ada-example-pim24.yaml")
    run = inner.check()
    assert run.exit_code == 0, run.output


def test_taxonomy_and_metadata_that_link_out_of_the_repository_are_refused(inner: KnowledgeBaseFolder,
                                                                             tmp_path: Path) -> None:
    shutil.move(inner.root / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    (inner.root / "taxonomy.yaml").symlink_to(tmp_path / "taxonomy.yaml")
    (inner.root / "paper").mkdir()
    shutil.copy(REPO / "paper" / "metadata.yaml", tmp_path / "metadata.yaml")
    (inner.root / "paper" / "metadata.yaml").symlink_to(tmp_path / "metadata.yaml")
    result = check(inner.root)
    refused = sorted(d.location.path for d in result.diagnostics if d.code == "outside-repository")
    assert refused == ["paper/metadata.yaml", "taxonomy.yaml"]


def test_a_build_refuses_prose_and_templates_that_link_out_of_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    for part in ("taxonomy.yaml", "entries", "paper", "templates"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    (tmp_path / "secret.tex").write_text(SECRET)
    (root / "paper" / "sections" / "introduction.tex").unlink()
    (root / "paper" / "sections" / "introduction.tex").symlink_to(tmp_path / "secret.tex")
    (root / "paper" / "scope.yaml").unlink()
    (root / "paper" / "scope.yaml").symlink_to(tmp_path / "secret.tex")
    (root / "templates" / "partials" / "body.tex.j2").unlink()
    (root / "templates" / "partials" / "body.tex.j2").symlink_to(tmp_path / "secret.tex")
    out = tmp_path / "out"
    result = build(root, "todaes", out, pdf=False)
    assert not result.ok
    refused = sorted(Path(d.location.path).name for d in result.diagnostics if d.code == "outside-repository")
    assert refused == ["body.tex.j2", "introduction.tex", "scope.yaml"]
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not any(SECRET.encode() in p.read_bytes() for p in written)


def test_an_outline_linking_out_of_the_repository_is_refused_unread(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    for part in ("taxonomy.yaml", "entries", "paper"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    (tmp_path / "secret.yaml").write_text("sections: [{title: " + SECRET + ", text: x.tex}]\n")
    (root / "paper" / "outline.yaml").unlink()
    (root / "paper" / "outline.yaml").symlink_to(tmp_path / "secret.yaml")
    result = build(root, "todaes", tmp_path / "out", pdf=False)
    assert not result.ok
    assert [d.code for d in result.diagnostics if d.is_error] == ["outside-repository"]
    assert not any(SECRET in d.message for d in result.diagnostics)


def test_a_loop_of_links_is_refused(inner: KnowledgeBaseFolder) -> None:
    entries = inner.root / "entries"
    (entries / "loop-a.yaml").symlink_to("loop-b.yaml")
    (entries / "loop-b.yaml").symlink_to("loop-a.yaml")
    run = inner.check()
    assert {d["path"] for d in run.diagnostics} == {"entries/loop-a.yaml", "entries/loop-b.yaml"}
    assert run.exit_code == 1


def test_a_pipe_or_folder_named_like_an_entry_is_reported_without_blocking(inner: KnowledgeBaseFolder) -> None:
    os.mkfifo(inner.root / "entries" / "a-pipe.yaml")
    (inner.root / "entries" / "a-folder.yaml").mkdir()
    (inner.root / "entries" / "dangling.yaml").symlink_to("nowhere.yaml")
    outcome: dict[str, object] = {}
    worker = threading.Thread(target=lambda: outcome.update(run=inner.check()), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "survey check blocked on a pipe"
    run = outcome["run"]
    assert {(d["path"], d["code"]) for d in run.diagnostics} >= {  # type: ignore[attr-defined]
        ("entries/a-pipe.yaml", "not-a-file"), ("entries/a-folder.yaml", "not-a-file"),
        ("entries/dangling.yaml", "not-a-file")}


@pytest.mark.parametrize("name", ["my entry.yaml", "a..b.yaml", "..hidden.yaml", "Upper-Case.yaml"])
def test_a_file_name_that_cannot_be_an_id_is_reported_with_a_rename_hint(kb: KnowledgeBaseFolder, name: str) -> None:
    kb.write(name, VALID_ENTRY)
    found = kb.check().only("bad-file-name")
    assert found["path"] == f"entries/{name}"
    assert "rename the file to ada-example-pim24.yaml" in found["hint"]
    assert not any(d["code"] == "id-mismatch" for d in kb.check().diagnostics)


def test_a_look_alike_letter_in_an_id_is_named(kb: KnowledgeBaseFolder) -> None:
    cyrillic = "\u0430da-example-pim24"  # Cyrillic a, which looks like the Latin one
    kb.write(f"{cyrillic}.yaml", VALID_ENTRY.replace("id: ada-example-pim24", f"id: {cyrillic}"))
    run = kb.check()
    invalid, bad_name = run.only("invalid-id"), run.only("bad-file-name")
    for found in (invalid, bad_name):
        assert "U+0430 CYRILLIC SMALL LETTER A" in found["hint"] and "position 1" in found["hint"]
    assert invalid["line"] == VALID_ENTRY.splitlines().index("id: ada-example-pim24") + 1


def test_crlf_line_ends_and_a_byte_order_mark_are_accepted_with_the_same_locations(kb: KnowledgeBaseFolder) -> None:
    broken = VALID_ENTRY.replace("memory: [", "memory: [hbm9, ", 1)
    kb.write_entry("ada-example-pim24", broken)
    plain = kb.check().diagnostics
    kb.write("ada-example-pim24.yaml", b"\xef\xbb\xbf" + broken.replace("\n", "\r\n").encode("utf-8"))
    windows = kb.check().diagnostics
    assert plain and windows == plain


def test_a_tab_in_indentation_is_located_with_the_spaces_hint(kb: KnowledgeBaseFolder) -> None:
    lines = VALID_ENTRY.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("  "))
    lines[index] = "\t" + lines[index][2:]
    kb.write("ada-example-pim24.yaml", "\n".join(lines) + "\n")
    found = kb.check().only("yaml-syntax")
    assert (found["line"], found["column"]) == (index + 1, 1)
    assert "spaces, not tabs" in found["hint"]


def test_fmt_never_writes_through_a_link_out_of_the_repository(inner: KnowledgeBaseFolder, secret: Path) -> None:
    messy = VALID_ENTRY.replace("title:", "title:   ", 1)
    secret.write_text(messy, encoding="utf-8")
    (inner.root / "entries" / "ada-example-pim24.yaml").symlink_to(secret)
    run = inner.run("fmt")
    assert run.exit_code == 1
    assert "outside the repository" in run.output
    assert secret.read_text(encoding="utf-8") == messy


@pytest.mark.parametrize("entry_id", ["../../escape", "entries/x", "/tmp/x", "\u0430da"])
def test_new_refuses_an_id_that_would_write_outside_entries(kb: KnowledgeBaseFolder, entry_id: str) -> None:
    run = kb.run("new", "--id", entry_id, "--type", "poster", "--title", "T", "--person", "Ada Example")
    assert run.exit_code == 2
    assert list((kb.root / "entries").iterdir()) == []
    assert not (kb.root.parent / "escape.yaml").exists()


def test_a_huge_value_is_refused_at_its_line_before_it_can_reach_tex(kb: KnowledgeBaseFolder) -> None:
    huge = "\\\\" * 10_000  # in YAML quotes: 10,000 backslashes, each escaped into 16 characters for TeX
    text = VALID_ENTRY.replace("title: ", f'title: "{huge}" # was: ', 1)
    kb.write_entry("ada-example-pim24", text)
    found = kb.check().only("text-too-long")
    assert found["line"] == next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("title:"))
    assert "10,000 characters" in found["message"]
