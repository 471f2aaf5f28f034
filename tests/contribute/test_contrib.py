"""Contributor workflow end to end in a temporary git repository: new, import-bib, fmt, check --changed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, VALID_ENTRY, KnowledgeBaseFolder

from survey.cli.main import main
from survey.load.knowledge_base import load_entry_file

GIT_ENV = {"GIT_AUTHOR_NAME": "Ada Example", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada Example", "GIT_COMMITTER_EMAIL": "ada@example.org"}

# Shaped like real exports (string macros, @comment, junk between records, LaTeX accents, braces, a broken
# record, a duplicate key, a record without authors); every work and person in it is fictional.
REAL_WORLD_BIB = r"""% Exported by an example reference manager. All records are fictional examples.
@string{esweek = "Proceedings of the Example Week on Embedded Systems"}
@comment{ jabref-meta: {groups} }

@inproceedings{Muller2024pim,
  title = {{PIM}-Based {A}cceleration of {LLM} Decoding: An {\"U}ber Study},
  author = {M{\"u}ller, J{\"o}rg and {\L}ukasz Nowak and Garc\'{i}a, Jos\'e and {Example Consortium}},
  booktitle = esweek # " 2024",
  year = 2024,
  month = oct,
  doi = {https://doi.org/10.5555/example.2024.101},
}
text between records is ignored
@article{broken2023,
  title = {Unbalanced {brace,
  year = 2023
}
@misc{sample2025kv, title = {A Fictional {KV}-Cache Study}, author = {Sample, Bo}, eprint = {2501.00002v2},
  archivePrefix = {arXiv}, year = {2025}}
@article{nobody2022, title = {A Fictional Work Without Authors}, journal = {Example Letters}, year = 2022}
@article{undefined2022, title = {Macro Missing}, author = {Example, Ada}, journal = nosuchmacro, year = 2022}
@article{sample2025kv, title = {Another Fictional Record With A Reused Key}, author = {Sample, Bo}, year = 2025}
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV})
    return done.stdout


@pytest.fixture
def repo(kb: KnowledgeBaseFolder) -> KnowledgeBaseFolder:
    """The fictional knowledge base, committed in a fresh git repository."""
    git(kb.root, "init", "-q", "-b", "main")
    kb.write_entry("ada-example-pim24")
    git(kb.root, "add", "-A")
    git(kb.root, "commit", "-q", "-m", "knowledge base")
    return kb


def entry_files(kb: KnowledgeBaseFolder) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((kb.root / "entries").glob("*.yaml"))}


# --- survey new -------------------------------------------------------------------------------------------------

NEW_POSTER = ("new", "--type", "poster", "--id", "tinypim-example24", "--title", "TinyPIM: A Fictional Accelerator",
              "--person", "Ada Example; presenter; Example University", "--person", "Bo Sample", "--year", "2024",
              "--term", "memory=HBM3", "--term", "architecture=near-bank")


def test_new_writes_every_field_commented_and_the_entry_passes_check(repo: KnowledgeBaseFolder) -> None:
    run = repo.run(*NEW_POSTER)
    assert run.exit_code == 0, run.output
    text = (repo.root / "entries" / "tinypim-example24.yaml").read_text(encoding="utf-8")
    from survey.load.model import Entry

    lines = text.splitlines()
    for field in Entry.model_fields:
        number = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
        assert lines[number - 1].startswith("# "), f"{field} has no comment above it"
    assert "memory: [hbm3]" in text  # the alias was resolved to the term id
    assert "One or more of: volatile, sram" in text  # the taxonomy's terms are offered
    assert "role: presenter" in text and "role: author" in text
    check = repo.check("entries/tinypim-example24.yaml")
    assert check.exit_code == 0, check.output


def test_new_never_overwrites_an_existing_entry(repo: KnowledgeBaseFolder) -> None:
    before = (repo.root / "entries" / "ada-example-pim24.yaml").read_text(encoding="utf-8")
    run = repo.run("new", "--id", "ada-example-pim24", "--title", "Something Else")
    assert run.exit_code == 1
    assert "already exists" in run.output
    assert (repo.root / "entries" / "ada-example-pim24.yaml").read_text(encoding="utf-8") == before


def test_new_rejects_an_unknown_term_with_a_did_you_mean(repo: KnowledgeBaseFolder) -> None:
    run = repo.run("new", "--title", "X", "--term", "memory=RRam-x")
    assert run.exit_code == 2
    assert "did you mean 'reram'?" in run.output
    assert not (repo.root / "entries" / "x.yaml").exists()


def test_new_prompts_for_missing_fields_with_the_taxonomy_terms(repo: KnowledgeBaseFolder) -> None:
    answers = "\n".join([
        "poster", "Prompted Fictional Poster", "Ada Example", "presenter", "Example University", "",
        "", "2024", "", "", "",  # venue, year, doi, arxiv, url
        "",  # scope
        "near-bank", "", "",  # architecture, primary_architecture, operators
        "", "RRam-x", "sram", "", "", "", "", "",  # level, memory (one wrong answer, asked again), the rest
        "prompted-poster24",
    ]) + "\n" * 10
    result = CliRunner().invoke(main, ["new", "--interactive"], input=answers)
    assert result.exit_code == 0, result.output
    assert "did you mean 'reram'?" in result.output
    assert "poster, related-work" in result.output  # the choices come from the taxonomy
    text = (repo.root / "entries" / "prompted-poster24.yaml").read_text(encoding="utf-8")
    assert "memory: [sram]" in text and "architecture: [near-bank]" in text
    assert repo.check("entries/prompted-poster24.yaml").exit_code == 0


def test_new_from_bibtex_on_stdin_fills_title_people_venue_and_record(repo: KnowledgeBaseFolder) -> None:
    record = REAL_WORLD_BIB.split("text between records")[0]
    result = CliRunner().invoke(main, ["new", "--from-bibtex", "-", "--type", "poster"], input=record)
    assert result.exit_code == 0, result.output
    path = repo.root / "entries" / "pim-muller24.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'title: "PIM-Based Acceleration of LLM Decoding: An Über Study"' in text
    assert "name: Jörg Müller" in text and "name: Łukasz Nowak" in text and "name: José García" in text
    assert "venue: Proceedings of the Example Week on Embedded Systems 2024" in text
    assert 'doi: "10.5555/example.2024.101"' in text
    assert "@inproceedings{Muller2024pim," in text
    assert repo.check("entries/pim-muller24.yaml").codes() == ["missing-role"]  # nobody presents it yet


# --- survey import-bib -------------------------------------------------------------------------------------------

def test_import_bib_twice_creates_no_duplicates_and_overwrites_nothing(repo: KnowledgeBaseFolder) -> None:
    (repo.root / "refs.bib").write_text(REAL_WORLD_BIB, encoding="utf-8")
    first = repo.run("import-bib", "refs.bib")
    assert first.exit_code == 1  # some records could not be read: reported, the rest imported
    created = entry_files(repo)
    assert sorted(created) == ["ada-example-pim24.yaml", "fictional-22.yaml", "fictional-sample25.yaml",
                               "pim-muller24.yaml"]
    assert "refs.bib:14: error: [broken2023] record does not parse" in first.output
    assert "error: [undefined2022] field 'journal' uses the undefined string macro 'nosuchmacro'" \
        in first.output
    assert "record key 'sample2025kv' is used twice" in first.output
    assert "(no author: add `people`)" in first.output
    assert "3 created, 0 skipped as already present, 3 failed, of 6 records" in first.output
    for name in created:
        (repo.root / "entries" / name).write_text(created[name] + "# edited by hand\n", encoding="utf-8")
    edited = entry_files(repo)
    second = repo.run("import-bib", "refs.bib")
    assert entry_files(repo) == edited
    assert "0 created, 3 skipped as already present, 3 failed" in second.output
    assert "skipped: [Muller2024pim] already in entries/pim-muller24.yaml (same DOI 10.5555/example.2024.101)" \
        in second.output
    assert "(same arXiv id 2501.00002)" in second.output


def test_import_bib_skips_a_work_already_present_under_another_title_case(repo: KnowledgeBaseFolder) -> None:
    bib = "@article{x, title = {A {F}ictional near-bank {PIM} for tiny transformers}, author = {Example, Ada}}"
    (repo.root / "one.bib").write_text(bib, encoding="utf-8")
    run = repo.run("import-bib", "one.bib")
    assert run.exit_code == 0
    assert "already in entries/ada-example-pim24.yaml (same title" in run.output
    assert sorted(entry_files(repo)) == ["ada-example-pim24.yaml"]


def test_import_bib_dry_run_writes_nothing(repo: KnowledgeBaseFolder) -> None:
    (repo.root / "refs.bib").write_text(REAL_WORLD_BIB, encoding="utf-8")
    run = repo.run("import-bib", "--dry-run", "refs.bib")
    assert "would create entries/pim-muller24.yaml" in run.output
    assert sorted(entry_files(repo)) == ["ada-example-pim24.yaml"]


def test_latex_accents_become_unicode() -> None:
    from survey.contribute.bibimport import latex_to_unicode, split_authors

    assert latex_to_unicode(r'{\"u}ber {\L}ukasz \'{e}t\'e {PIM}') == "über Łukasz été PIM"
    assert split_authors(r"M{\"u}ller, J{\"o}rg and {Example Consortium} and others") == \
        ["Jörg Müller", "Example Consortium"]


@pytest.mark.parametrize(("authors", "names", "warned"), [
    ("Smith, John and and Doe, Jane", ["John Smith", "Jane Doe"], "empty name between two separators"),
    ("and Smith, John", ["John Smith"], "empty name"),
    ("Zhang, Wei, and Doe, Jane", ["Wei Zhang", "Jane Doe"], "stray comma"),
    (", John Smith", ["John Smith"], "stray comma"),
    ("Wei Wang 0001 and Li, Ming", ["Wei Wang", "Ming Li"], "the number '0001'"),
    ("Wang 0002, Wei", ["Wei Wang"], "the number '0002'"),
    ("Smith, John and Doe, Jane and others", ["John Smith", "Jane Doe"], "ends with 'and others': only 2 authors"),
    ("A, B, C, D", ["A B C D"], "3 commas, more than BibTeX allows"),
    ("Doe, Jane and et al.", ["Jane Doe"], "ends with 'and et al.': only 1 author is named"),
])
def test_bibtex_names_read_as_databases_write_them_with_a_warning_for_each_oddity(
        authors: str, names: list[str], warned: str) -> None:
    from survey.contribute.bibimport import read_names

    found, warnings = read_names(authors)
    assert found == names
    assert any(warned in w for w in warnings), warnings


@pytest.mark.parametrize("authors", ["von Neumann, Jr, John", "Smith, , John", "Anderson, Andy AND Doe, Jane",
                                     "Smith, John and {Barnes and Noble}", "Müller, Jörg"])
def test_bibtex_names_that_follow_the_rules_give_no_warning(authors: str) -> None:
    from survey.contribute.bibimport import read_names

    assert read_names(authors)[1] == []


def test_import_bib_reports_odd_author_names_naming_the_record(repo: KnowledgeBaseFolder) -> None:
    (repo.root / "odd.bib").write_text("@article{odd2024,\n  title = {A Fictional Odd Record},\n"
                                       "  author = {Wei Wang 0001 and and Doe, Jane and others},\n"
                                       "  journal = {Example Letters}, year = {2024}\n}\n", encoding="utf-8")
    run = repo.run("import-bib", "odd.bib")
    assert run.exit_code == 0, run.output
    warnings = [line for line in run.output.splitlines() if "warning[bib-name]" in line]
    assert len(warnings) == 3 and all(line.startswith("odd.bib:1: warning[bib-name] record 'odd2024':")
                                      for line in warnings)
    text = next(t for name, t in entry_files(repo).items() if "odd" in t)
    assert "name: Wei Wang\n" in text and "name: Jane Doe" in text and "0001" not in text.split("bibtex")[0]


@pytest.mark.parametrize(("name", "what"), [("Wei Wang 0001", "database's number"), ("Smith, John", "comma"),
                                            ("John Smith and Jane Doe", "'and'"), ("J{\\\"o}rg M", "LaTeX"),
                                            ("others", "'others'")])
def test_check_warns_about_names_that_look_like_import_accidents(repo: KnowledgeBaseFolder, name: str,
                                                                 what: str) -> None:
    repo.write_entry("ada-example-pim24", VALID_ENTRY.replace("name: Bo Sample", f"name: '{name}'"))
    found = repo.check().only("suspicious-name")
    assert found["severity"] == "warning" and what in found["message"]


# --- survey fmt --------------------------------------------------------------------------------------------------

SCRAMBLED = """# yaml-language-server: $schema=../schema/entry.schema.json
# A fictional entry, fields out of order.
title: "A Fictional Near-Bank PIM for Tiny Transformers"   # as printed
type: poster
# the id must equal the file name
id: ada-example-pim24
metrics:
  - unit: x
    # read from the first table
    value: 2.5
    kind: speedup
    source: {quote: "2.5x faster than the Example GPU", locator: Table 1}
    baseline: Example GPU
people:
  - role: presenter
    name: Ada Example
year: 2024
"""


def test_fmt_puts_keys_in_model_order_and_keeps_every_comment(repo: KnowledgeBaseFolder) -> None:
    path = repo.write("ada-example-pim24.yaml", SCRAMBLED)
    check = repo.run("fmt", "--check")
    assert check.exit_code == 1
    assert "would reformat entries/ada-example-pim24.yaml" in check.output
    assert path.read_text(encoding="utf-8") == SCRAMBLED
    assert repo.run("fmt").exit_code == 0
    text = path.read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == ["id", "type", "title", "people", "year", "metrics"]
    for comment in [line for line in SCRAMBLED.splitlines() if "#" in line and "quote" not in line]:
        assert comment.strip() in text.replace(": ", ": ")
    assert text.index("# the id must equal the file name") < text.index("id: ada-example-pim24")
    assert "  - kind: speedup\n    # read from the first table\n    value: 2.5\n    unit: x\n" in text
    assert "source: {locator: Table 1, quote:" in text
    assert "  - name: Ada Example\n    role: presenter" in text
    assert repo.run("fmt", "--check").exit_code == 0  # idempotent


def test_fmt_leaves_the_data_of_every_real_entry_unchanged() -> None:
    import yaml

    from survey.contribute.formatting import format_text

    for path in sorted((Path(__file__).parents[2] / "entries").glob("*.yaml")) + [FIXTURES / "valid_entry.yaml"]:
        text = path.read_text(encoding="utf-8")
        formatted = format_text(text)
        assert yaml.safe_load(formatted) == yaml.safe_load(text), path
        assert format_text(formatted) == formatted, path
        assert sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#")) == \
            sorted(line.strip() for line in formatted.splitlines() if line.strip().startswith("#")), path


def test_fmt_reports_a_file_it_cannot_read_and_leaves_it(repo: KnowledgeBaseFolder) -> None:
    path = repo.write("broken.yaml", "id: broken\ntitle: [unclosed\n")
    run = repo.run("fmt")
    assert run.exit_code == 1
    assert "entries/broken.yaml:3:1: error[fmt]" in run.output
    assert path.read_text(encoding="utf-8") == "id: broken\ntitle: [unclosed\n"


# --- survey check --changed --------------------------------------------------------------------------------------

def test_check_changed_reports_only_the_changed_entry(repo: KnowledgeBaseFolder) -> None:
    repo.write_entry("bo-sample-pim24", (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8")
                     .replace("10.5555/example.2024.001", "10.5555/example.2024.002")
                     .replace("memory: [hbm3]", "memory: [RRam-x]"))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "second entry")
    (repo.root / "entries" / "ada-example-pim24.yaml").write_text(
        (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8").replace("unit: x", "unit: ms"), encoding="utf-8")
    run = repo.check("--changed")
    assert run.exit_code == 1
    assert {d["path"] for d in run.diagnostics} == {"entries/ada-example-pim24.yaml"}
    assert run.codes() == ["unit-dimension"]  # bo-sample's unknown term is not in the change


def test_check_changed_still_applies_the_rules_across_entries(repo: KnowledgeBaseFolder) -> None:
    clash = (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8").replace(
        "orcid: 0000-0002-1825-0097", "orcid: 0000-0001-5109-3700").replace("draws_on", "x")
    clash = clash.replace("summary:", "draws_on: [no-such-entry]\nsummary:")
    repo.write_entry("ada-example-copy24", clash)
    run = repo.check("--changed")
    assert sorted(run.codes()) == ["duplicate-doi", "orcid-conflict", "unknown-entry"]
    assert run.diagnostics == repo.check("entries/ada-example-copy24.yaml").diagnostics  # same as a full check


def test_check_changed_reads_not_same_as_from_an_unchanged_entry(repo: KnowledgeBaseFolder) -> None:
    committed = (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8")
    repo.write_entry("ada-example-pim24", committed.replace(
        "  - name: Ada Example", "  - name: Ada Example\n    not_same_as: [Ada B. Example]", 1))
    git(repo.root, "commit", "-q", "-am", "two people")
    repo.check("--changed")  # fills the cache of the unchanged entries' facts
    look_alike = committed.replace("  - name: Ada Example", "  - name: Ada B. Example", 1).replace(
        "    orcid: 0000-0002-1825-0097\n", "", 1).replace("10.5555/example.2024.001", "10.5555/example.2024.002")
    repo.write_entry("another-example24", look_alike)
    run = repo.check("--changed")
    assert "person-spelling" not in run.codes()
    assert run.diagnostics == repo.check("entries/another-example24.yaml").diagnostics  # as a full check says
    repo.write_entry("another-example24", look_alike.replace("Ada B. Example", "Ada C. Example", 1))
    assert "person-spelling" in repo.check("--changed").codes()  # another look-alike is still warned of


def test_check_changed_reports_an_entry_left_drawing_on_a_deleted_one(repo: KnowledgeBaseFolder) -> None:
    talk = (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8").replace(
        "doi: 10.5555/example.2024.001", "doi: 10.5555/example.2024.009").replace(
        "summary:", "draws_on: [ada-example-pim24]\nsummary:").replace("example2024pim", "talk2024")
    repo.write_entry("talk-example24", talk.replace("doi = {10.5555/example.2024.001}", "doi = {10.5555/x.1}"))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "talk")
    (repo.root / "entries" / "ada-example-pim24.yaml").unlink()
    run = repo.check("--changed")
    assert run.codes() == ["unknown-entry"]
    assert run.diagnostics[0]["path"] == "entries/talk-example24.yaml"


def test_check_changed_compares_with_the_given_base_and_defaults_to_origin_main(repo: KnowledgeBaseFolder) -> None:
    first = git(repo.root, "rev-parse", "HEAD").strip()
    repo.write_entry("bo-sample-pim24", (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8")
                     .replace("10.5555/example.2024.001", "10.5555/example.2024.002").replace("unit: x", "unit: ms"))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "second entry")
    assert repo.check("--changed").exit_code == 0  # against HEAD: nothing changed
    assert repo.check("--changed", "--base", first).codes() == ["unit-dimension"]
    git(repo.root, "update-ref", "refs/remotes/origin/main", first)
    assert repo.check("--changed").codes() == ["unit-dimension"]  # origin/main is the default when it exists
    run = repo.run("check", "--changed", "--base", "no-such-ref")
    assert run.exit_code == 2 and "unknown git ref 'no-such-ref'" in run.output


def test_check_changed_outside_a_git_repository_is_a_usage_error(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    run = kb.run("check", "--changed")
    assert run.exit_code == 2
    assert "--changed needs a git repository" in run.output


def test_check_changed_reuses_the_result_of_an_identical_run_and_notices_an_edit(repo: KnowledgeBaseFolder) -> None:
    path = repo.root / "entries" / "ada-example-pim24.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit: x", "unit: ms"), encoding="utf-8")
    first = repo.check("--changed")
    assert (repo.root / ".survey-cache" / "check-changed.json").is_file()
    assert repo.check("--changed").output == first.output
    path.write_text(path.read_text(encoding="utf-8").replace("unit: ms", "unit: x"), encoding="utf-8")
    assert repo.check("--changed").exit_code == 0


def _copy_of_ada(entry_id: str, doi: str) -> str:
    """The valid entry with another DOI (in its BibTeX record too) and BibTeX key."""
    return (FIXTURES / "valid_entry.yaml").read_text(encoding="utf-8").replace(
        "10.5555/example.2024.001", doi).replace("example2024pim", entry_id.replace("-", ""))


def test_check_changed_reads_unchanged_entries_as_the_full_check_does(repo: KnowledgeBaseFolder) -> None:
    # Written in YAML a line scanner would not read: an anchor and alias, a quoted key, a flow mapping.
    repo.write_entry("anchored-example24", _copy_of_ada("anchored-example24", "10.5555/x.7").replace(
        "doi: 10.5555/x.7", "\"doi\": &work 10.5555/x.7\nurl_note: *work").replace("url_note: *work\n", "") .replace(
        "precision: {weights: [int8], activations: [int8]}", "precision: {weights: [int8], activations: [int8], }"))
    # An entry that does not fit the model takes no part in the rules across entries, in either check.
    repo.write_entry("invalid-example24", _copy_of_ada("invalid-example24", "10.5555/x.8").replace(
        "year: 2024", "year: twenty"))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "two more entries")
    versions = "versions:\n  - {kind: preprint, doi: 10.5555/x.8}\n  - kind: journal\n    doi: 10.5555/example.2024.001\n"
    repo.write_entry("clash-example24", _copy_of_ada("clash-example24", "10.5555/x.7").replace(
        "summary:", versions + "summary:"))
    run = repo.check("--changed")
    assert run.diagnostics == repo.check("entries/clash-example24.yaml").diagnostics
    assert run.codes() == ["duplicate-doi", "duplicate-doi"]  # anchored's and ada's; not invalid's
    assert sorted(d["message"].split(" used by ")[1] for d in run.diagnostics) == [
        "entries/ada-example-pim24.yaml", "entries/anchored-example24.yaml"]


def test_check_changed_notices_an_unchanged_file_edited_since_the_last_run(repo: KnowledgeBaseFolder) -> None:
    other = repo.write_entry("bo-sample-pim24", _copy_of_ada("bo-sample-pim24", "10.5555/x.1"))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "second entry")
    repo.write_entry("clash-example24", _copy_of_ada("clash-example24", "10.5555/x.1"))
    assert repo.check("--changed").codes() == ["duplicate-doi"]
    assert (repo.root / ".survey-cache" / "entry-facts.json").is_file()
    # The same size and modification time, other bytes: the file's stat (ctime) and hash still tell.
    before = other.stat()
    other.write_text(other.read_text(encoding="utf-8").replace("10.5555/x.1", "10.5555/x.2"), encoding="utf-8")
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    git(repo.root, "commit", "-q", "-am", "other DOI")
    assert repo.check("--changed").codes() == []
    assert repo.check("--changed", "--base", "HEAD~1").codes() == []  # bo-sample is in the change now: clean


def test_check_changed_gives_the_same_result_after_a_touch_or_with_a_damaged_cache(repo: KnowledgeBaseFolder) -> None:
    repo.write_entry("bo-sample-pim24", _copy_of_ada("bo-sample-pim24", "10.5555/x.1"))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "second entry")
    repo.write_entry("clash-example24", _copy_of_ada("clash-example24", "10.5555/x.1"))
    first = repo.check("--changed")
    assert first.codes() == ["duplicate-doi"]
    facts = repo.root / ".survey-cache" / "entry-facts.json"
    for path in (repo.root / "entries").glob("*.yaml"):
        os.utime(path)  # a checkout: new times, the same bytes
    assert repo.check("--changed").diagnostics == first.diagnostics
    text = facts.read_text(encoding="utf-8")
    for damaged in (text.replace('"places"', '"placez"'), text.replace('"format": 1', '"format": "1"'), "{not json",
                    text.replace('"id": "bo-sample-pim24"', '"id": 7')):
        facts.write_text(damaged, encoding="utf-8")
        (repo.root / ".survey-cache" / "check-changed.json").unlink(missing_ok=True)
        for path in (repo.root / "entries").glob("*.yaml"):
            os.utime(path)
        assert repo.check("--changed").diagnostics == first.diagnostics, damaged[:40]


def test_new_escapes_characters_yaml_cannot_hold_so_the_entry_reads_back(repo: KnowledgeBaseFolder) -> None:
    title = "Control\u0084and\u007fnon-characters\ufffe"
    run = repo.run("new", "--no-interactive", "--type", "poster", "--id", "ctl-example24", "--title", title,
                   "--person", "Ada Example; presenter")
    assert run.exit_code == 0, run.output
    check = repo.check("entries/ctl-example24.yaml")
    assert not any(d["code"] == "yaml-syntax" for d in check.diagnostics), check.output
    assert load_entry_file(repo.root / "entries" / "ctl-example24.yaml", repo.root).loaded.data["title"] == title
