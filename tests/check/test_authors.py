"""The co-author list: order, identity, names from many cultures, affiliations, consent, and `survey authors`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from click.testing import CliRunner

from survey.cli.main import main
from survey.check.authors import AuthorList, build_author_list, fold, split_name
from survey.load.knowledge_base import load_knowledge_base
from survey.load.metadata import load_metadata

# Clearly fictional chairs and policy; tests add people and affiliations as they need them.
METADATA: dict[str, Any] = {
    "title": "A Fictional Survey",
    "workshop": {"name": "Example Workshop", "date": "2024-01-01"},
    "chairs": [
        {"name": "Zara Zulu", "position": "chair", "affiliations": ["Example University"],
         "email": "zara@example.org"},
        {"name": "Abel Alpha", "position": "co-chair", "affiliations": ["Sample Institute"]},
    ],
    "coauthors": {"roles": ["chair", "speaker", "presenter"], "listed": ["confirmed"],
                  "default_consent": {"speaker": "invited", "presenter": "invited"}},
    "affiliations": {"Example University": {"city": "Exampleton", "country": "Exampland"}},
}


def person(name: str, role: str = "speaker", **fields: Any) -> dict[str, Any]:
    return {"name": name, "role": role, **fields}


def write_entry(root: Path, entry_id: str, *people: dict[str, Any], kind: str = "invited-talk") -> None:
    data = {"id": entry_id, "type": kind, "title": f"Fictional work {entry_id}", "people": list(people)}
    (root / "entries" / f"{entry_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def write_metadata(root: Path, **changes: Any) -> None:
    data = {**METADATA, **changes}
    (root / "paper").mkdir(exist_ok=True)
    (root / "paper" / "metadata.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                  encoding="utf-8")


def authors_of(root: Path) -> AuthorList:
    metadata, problems = load_metadata(root)
    assert metadata is not None, problems
    return build_author_list(load_knowledge_base(root), metadata)


def stdout_of(*args: str) -> str:
    """What `survey ARGS` prints on standard output (warnings go to standard error)."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def names(authors: AuthorList) -> list[str]:
    return [a.name for a in authors.authors]


# --- names --------------------------------------------------------------------------------------------------------

def test_split_name_takes_the_last_word_as_family_name():
    parts = split_name("Ada Beth Example")
    assert (parts.given, parts.particle, parts.family) == ("Ada Beth", "", "Example")


def test_split_name_makes_lower_case_particles_a_name_particle():
    assert split_name("Anna van der Berg").family_with_particle == "van der Berg"
    parts = split_name("María de la Cruz")
    assert (parts.given, parts.particle, parts.family) == ("María", "de la", "Cruz")


def test_split_name_keeps_capitalised_particles_in_the_family_name():
    parts = split_name("Martin Van Buren")
    assert (parts.given, parts.particle, parts.family) == ("Martin", "", "Van Buren")


def test_split_name_keeps_a_hyphenated_family_name_whole():
    assert split_name("Juan Gómez-Luna").family == "Gómez-Luna"


def test_split_name_reads_comma_form_and_suffix_and_override():
    assert split_name("Example, Ada").family == "Example"
    assert split_name("Ada B. Example Jr.").suffix == "Jr."
    parts = split_name("Carla Ortega Sample", family_name="Ortega Sample")
    assert (parts.given, parts.family) == ("Carla", "Ortega Sample")


def test_split_name_reads_a_name_in_chinese_characters_family_name_first():
    parts = split_name("样兰")
    assert (parts.family, parts.given) == ("样", "兰")


def test_fold_ignores_accents_case_and_letters_unicode_does_not_decompose():
    assert fold("Müller") == fold("MULLER") == "muller"
    assert fold("Łukasz") == "lukasz"
    assert fold("Gómez-Luna") == "gomez luna"
    assert fold("Strauß") == "strauss"


@given(st.lists(st.text(alphabet=st.characters(categories=["L", "M"]), min_size=1), min_size=1, max_size=5))
def test_split_name_of_any_name_keeps_every_word_and_finds_a_family_name(words):
    name = " ".join(words)
    parts = split_name(name)
    assert parts.family
    if "," not in name and len(words) > 1:
        rebuilt = " ".join(p for p in (parts.given, parts.particle, parts.family, parts.suffix) if p)
        assert rebuilt == name


# --- order --------------------------------------------------------------------------------------------------------

def test_chairs_come_first_in_metadata_order_then_speakers_then_presenters_by_family_name(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-one", person("Yuri Young"))
    write_entry(kb.root, "talk-two", person("Bea Brown"))
    write_entry(kb.root, "poster-one", person("Aaron Aardvark", "presenter"), kind="poster")
    assert names(authors_of(kb.root)) == ["Zara Zulu", "Abel Alpha", "Bea Brown", "Yuri Young", "Aaron Aardvark"]


def test_speakers_sort_by_family_name_ignoring_accents_and_lower_case_particles(kb):
    write_metadata(kb.root)
    speakers = ["Hans Mund", "Jürgen Müller", "Lena Lenz", "Łukasz Łata", "Anna van der Berg", "Juan Gómez-Luna",
                "Martin Van Buren", "Cleo Cole"]
    write_entry(kb.root, "talk-many", *[person(n) for n in speakers])
    order = names(authors_of(kb.root))[2:]
    assert order == ["Anna van der Berg", "Cleo Cole", "Juan Gómez-Luna", "Łukasz Łata", "Lena Lenz",
                     "Jürgen Müller", "Hans Mund", "Martin Van Buren"]


def test_romanised_name_decides_the_order_when_a_native_name_is_given(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-cjk", person("Lan Sample", name_native="样兰"), person("Rui Example"))
    authors = authors_of(kb.root)
    assert names(authors)[2:] == ["Rui Example", "Lan Sample"]
    assert authors.authors[3].name_native == "样兰"


# --- identity -----------------------------------------------------------------------------------------------------

def test_person_on_several_entries_appears_once_with_all_affiliations(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Ada Example", affiliations=["Example University"]))
    write_entry(kb.root, "talk-b", person("Ada  Exámple", affiliations=["Sample Lab"]))
    authors = authors_of(kb.root)
    ada = [a for a in authors.authors if a.role == "speaker"]
    assert len(ada) == 1
    assert [a.name for a in ada[0].affiliations] == ["Example University", "Sample Lab"]
    assert ada[0].entries == ("talk-a", "talk-b")


def test_same_orcid_is_one_person_even_when_spelled_differently(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Ada Example", orcid="0000-0002-1825-0097"))
    write_entry(kb.root, "talk-b", person("A. B. Example", orcid="0000-0002-1825-0097"))
    assert names(authors_of(kb.root))[2:] == ["Ada Example"]


def test_same_name_with_different_orcids_is_two_people(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Ada Example", orcid="0000-0002-1825-0097"))
    write_entry(kb.root, "talk-b", person("Ada Example", orcid="0000-0001-5109-3700"))
    assert names(authors_of(kb.root))[2:] == ["Ada Example", "Ada Example"]


def test_same_email_is_one_person_and_different_emails_are_two_when_there_is_no_orcid(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Ada Example", email="ada@example.org"))
    write_entry(kb.root, "talk-b", person("Ada B. Example", email="ADA@example.org"))
    write_entry(kb.root, "talk-c", person("Ada Example", email="other@example.org"))
    speakers = authors_of(kb.root).authors[2:]
    assert sorted(a.entries for a in speakers) == [("talk-a", "talk-b"), ("talk-c",)]


def test_chair_who_also_speaks_appears_once_among_the_chairs(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Zara Zulu", affiliations=["Sample Lab"]))
    authors = authors_of(kb.root)
    assert names(authors) == ["Zara Zulu", "Abel Alpha"]
    assert [a.name for a in authors.authors[0].affiliations] == ["Example University", "Sample Lab"]


def test_people_with_other_roles_are_not_co_authors(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "work-a", person("Otto Other", "author"), kind="related-work")
    assert names(authors_of(kb.root)) == ["Zara Zulu", "Abel Alpha"]


# --- affiliations -------------------------------------------------------------------------------------------------

def test_affiliations_are_numbered_by_first_appearance_and_shared(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Bea Brown", affiliations=["Sample Lab", "Example University"]))
    authors = authors_of(kb.root)
    assert [a.name for a in authors.affiliations] == ["Example University", "Sample Institute", "Sample Lab"]
    assert [authors.affiliation_numbers(a) for a in authors.authors] == [[1], [2], [3, 1]]


def test_affiliation_place_comes_from_metadata_and_unknown_country_is_none_with_a_warning(kb):
    write_metadata(kb.root, affiliations={"Example University": {"city": "Exampleton", "country": "Exampland"},
                                          "EU": {"name": "Example University", "country": "Exampland"}})
    write_entry(kb.root, "talk-a", person("Bea Brown", affiliations=["EU"]))
    authors = authors_of(kb.root)
    assert authors.affiliations[0].country == "Exampland"
    assert authors.affiliation_numbers(authors.authors[2]) == [1]  # the abbreviation is the same institution
    sample = next(a for a in authors.affiliations if a.name == "Sample Institute")
    assert sample.country is None
    warning = next(d for d in authors.diagnostics if d.code == "affiliation-without-country")
    assert "Sample Institute" in warning.message and warning.location.path.endswith("metadata.yaml")


# --- consent ------------------------------------------------------------------------------------------------------

def test_invited_speakers_are_pending_and_not_listed(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Bea Brown"))
    authors = authors_of(kb.root)
    assert names(authors.listed()) == ["Zara Zulu", "Abel Alpha"]
    assert [a.name for a in authors.pending()] == ["Bea Brown"]


def test_consent_in_metadata_overrides_the_entry_and_a_refusal_is_never_listed(kb):
    write_metadata(kb.root, people=[{"name": "Bea Brown", "consent": "confirmed"}],
                   coauthors={**METADATA["coauthors"], "listed": ["confirmed", "invited"]})
    write_entry(kb.root, "talk-a", person("Bea Brown"), person("Dan Decline", consent="declined"),
                person("Ivy Invite"))
    authors = authors_of(kb.root)
    assert names(authors.listed()) == ["Zara Zulu", "Abel Alpha", "Bea Brown", "Ivy Invite"]
    assert [a.name for a in authors.declined()] == ["Dan Decline"]


def test_listed_affiliations_are_renumbered(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Bea Brown", affiliations=["Sample Lab"], consent="confirmed"))
    listed = authors_of(kb.root).listed()
    assert listed.affiliation_numbers(listed.authors[2]) == [3]


def test_consent_note_for_nobody_warns_at_its_line(kb):
    write_metadata(kb.root, people=[{"name": "Nobody Known", "consent": "confirmed"}])
    diagnostics = authors_of(kb.root).diagnostics
    unknown = next(d for d in diagnostics if d.code == "unknown-person")
    text = (kb.root / "paper" / "metadata.yaml").read_text(encoding="utf-8").splitlines()
    assert "Nobody Known" in text[unknown.location.line - 1]


# --- survey authors -----------------------------------------------------------------------------------------------

def test_survey_authors_prints_listed_names_and_numbered_affiliations(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Lan Sample", name_native="样兰", affiliations=["Example University"]))
    run = kb.run("authors")
    assert run.exit_code == 0
    assert "1. Zara Zulu [1]  chair" in run.output
    assert "Lan Sample" not in run.output
    assert "2 listed, 1 pending, 0 declined" in run.output
    assert "[1] Example University, Exampleton, Exampland" in run.output
    assert "[2] Sample Institute (country unknown)" in run.output


def test_survey_authors_all_shows_pending_people_with_their_state(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Lan Sample", name_native="样兰", affiliations=["Example University"]))
    run = kb.run("authors", "--all")
    assert "3. Lan Sample (样兰) [1]  speaker  invited (pending)" in run.output


def test_survey_authors_csv_has_one_row_per_author(kb):
    write_metadata(kb.root)
    write_entry(kb.root, "talk-a", person("Anna van der Berg", affiliations=["Sample Lab"]))
    rows = list(csv.DictReader(io.StringIO(stdout_of("authors", "--format", "csv", "--all"))))
    assert [r["name"] for r in rows] == ["Zara Zulu", "Abel Alpha", "Anna van der Berg"]
    assert rows[2]["name_particle"] == "van der" and rows[2]["family_names"] == "Berg"
    assert rows[2]["listed"] == "no" and rows[2]["affiliation_names"] == "Sample Lab"


def test_survey_authors_json_holds_authors_and_affiliations(kb):
    write_metadata(kb.root)
    data = json.loads(stdout_of("authors", "--format", "json"))
    assert [a["name"] for a in data["authors"]] == ["Zara Zulu", "Abel Alpha"]
    assert data["affiliations"][0] == {"number": 1, "name": "Example University", "city": "Exampleton",
                                       "country": "Exampland"}


def test_survey_authors_without_metadata_warns_and_lists_nobody_but_confirmed(kb):
    write_entry(kb.root, "talk-a", person("Bea Brown", consent="confirmed"))
    run = kb.run("authors")
    assert run.exit_code == 0
    assert "1. Bea Brown" in run.output
