"""paper/metadata.yaml: the shipped editorial data loads clean, and mistakes get located diagnostics."""

from __future__ import annotations

from pathlib import Path

from survey.load.metadata import load_metadata

REPO = Path(__file__).resolve().parents[2]

MINIMAL = """\
title: A Fictional Survey
workshop:
  name: Example Workshop
  date: 2024-01-01
chairs:
  - name: Ada Example
    position: chair
    affiliations: [Example University]
    email: ada@example.org
coauthors:
  roles: [chair, speaker, presenter]
  listed: [confirmed]
affiliations:
  Example University: {city: Exampleton, country: Exampland}
"""


def write(root: Path, text: str) -> Path:
    (root / "paper").mkdir(exist_ok=True)
    path = root / "paper" / "metadata.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_with(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_shipped_metadata_loads_without_problems():
    metadata, problems = load_metadata(REPO)
    assert problems == []
    assert metadata is not None
    assert [(c.name, c.position, c.email) for c in metadata.chairs] == [
        ("Yu Wang", "chair", "yu-wang@tsinghua.edu.cn"),
        ("Zhenhua Zhu", "co-chair", "zhuzhenhua@mail.tsinghua.edu.cn")]
    assert metadata.workshop.date is not None and metadata.workshop.date.isoformat() == "2024-10-04"
    assert metadata.affiliations["Tsinghua University"].country == "China"
    assert metadata.coauthors.roles == ["chair", "speaker", "presenter"]
    assert all("~" in c.concept for c in metadata.ccs)
    assert metadata.abstract is not None and "PLACEHOLDER" in metadata.abstract


def test_minimal_metadata_loads_and_locates_values(kb):
    write(kb.root, MINIMAL)
    metadata, problems = load_metadata(kb.root)
    assert problems == [] and metadata is not None
    assert metadata.locate("chairs", 0, "email").line == line_with(MINIMAL, "email:")


def test_missing_metadata_is_a_warning(kb):
    metadata, problems = load_metadata(kb.root)
    assert metadata is None
    assert [(p.code, p.severity.value) for p in problems] == [("missing-metadata", "warning")]


def test_unknown_field_is_located_with_did_you_mean(kb):
    text = MINIMAL.replace("    email: ada@example.org", "    emial: ada@example.org")
    write(kb.root, text)
    metadata, problems = load_metadata(kb.root)
    assert metadata is None
    problem = next(p for p in problems if p.code == "unknown-field")
    assert problem.location.line == line_with(text, "emial")
    assert problem.hint == "did you mean 'email'?"


def test_unknown_field_inside_an_affiliation_place_gets_did_you_mean(kb):
    text = MINIMAL.replace("country: Exampland", "contry: Exampland")
    write(kb.root, text)
    _, problems = load_metadata(kb.root)
    problem = next(p for p in problems if p.code == "unknown-field")
    assert problem.location.line == line_with(text, "contry")
    assert problem.hint == "did you mean 'country'?"


def test_missing_title_is_reported(kb):
    write(kb.root, MINIMAL.replace("title: A Fictional Survey\n", ""))
    _, problems = load_metadata(kb.root)
    assert any(p.code == "missing-field" and "'title'" in p.message for p in problems)


def test_wrong_type_is_located(kb):
    text = MINIMAL.replace("  listed: [confirmed]", "  listed: [maybe]")
    write(kb.root, text)
    _, problems = load_metadata(kb.root)
    problem = next(p for p in problems if p.code == "wrong-type")
    assert problem.location.line == line_with(text, "maybe")


def test_unknown_role_gets_did_you_mean_from_the_taxonomy(kb):
    text = MINIMAL.replace("roles: [chair, speaker, presenter]", "roles: [chair, speakr]")
    write(kb.root, text)
    _, problems = load_metadata(kb.root)
    problem = next(p for p in problems if p.code == "unknown-term")
    assert problem.location.line == line_with(text, "speakr")
    assert problem.hint == "did you mean 'speaker'?"


def test_malformed_email_and_listing_declined_are_errors(kb):
    text = MINIMAL.replace("ada@example.org", "ada-at-example").replace("listed: [confirmed]",
                                                                        "listed: [confirmed, declined]")
    write(kb.root, text)
    _, problems = load_metadata(kb.root)
    assert {p.code for p in problems} == {"invalid-email", "listed-declined"}


def test_yaml_syntax_error_is_located(kb):
    write(kb.root, MINIMAL + "chairs: [unclosed\n")
    metadata, problems = load_metadata(kb.root)
    assert metadata is None and problems and problems[0].is_error


def test_survey_authors_reports_broken_metadata_without_traceback(kb):
    write(kb.root, MINIMAL.replace("    email:", "    emial:"))
    run = kb.run("authors")
    assert run.exit_code == 1
    assert "paper/metadata.yaml:" in run.output and "error[unknown-field]" in run.output
    assert "Traceback" not in run.output
