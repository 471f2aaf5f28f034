"""CITATION.cff: written from the co-author list, valid YAML with the keys CFF 1.2.0 requires, deterministic."""

from __future__ import annotations

from pathlib import Path

import yaml

from survey.check.authors import build_author_list
from survey.load.knowledge_base import load_knowledge_base
from survey.load.metadata import load_metadata
from survey.render.citation import citation_text, write_citation

REPO = Path(__file__).resolve().parents[2]

METADATA = """\
title: A Fictional Survey
workshop: {name: Example Workshop, url: https://example.org/workshop}
chairs:
  - name: Ada Example
    affiliations: [Example University]
    email: ada@example.org
    orcid: 0000-0002-1825-0097
people:
  - {name: Anna van der Berg, consent: confirmed}
keywords: [fiction]
citation: {title: Fictional knowledge base}
"""

ENTRY = """\
id: talk-fiction
type: invited-talk
title: A Fictional Talk
people:
  - {name: Anna van der Berg, name_native: 安娜, affiliations: [Sample Lab, Example University], role: speaker}
  - {name: Ivy Invite, role: speaker}
"""


def make_kb(kb) -> Path:  # type: ignore[no-untyped-def]
    (kb.root / "paper").mkdir()
    (kb.root / "paper" / "metadata.yaml").write_text(METADATA, encoding="utf-8")
    kb.write("talk-fiction.yaml", ENTRY)
    return kb.root


def test_citation_cff_is_yaml_with_required_keys_and_only_listed_authors(kb):
    root = make_kb(kb)
    path, _ = write_citation(root)
    assert path == root / "CITATION.cff"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    assert data["type"] == "dataset"
    assert data["title"] == "Fictional knowledge base"
    assert isinstance(data["message"], str) and data["message"]
    assert data["url"] == "https://example.org/workshop"
    assert data["authors"] == [
        {"family-names": "Example", "given-names": "Ada", "affiliation": "Example University",
         "email": "ada@example.org", "orcid": "https://orcid.org/0000-0002-1825-0097"},
        {"family-names": "Berg", "given-names": "Anna", "name-particle": "van der", "alias": "安娜",
         "affiliation": "Sample Lab; Example University"},
    ]


def test_citation_cff_is_byte_identical_and_untouched_when_nothing_changed(kb):
    root = make_kb(kb)
    path, _ = write_citation(root)
    assert path is not None
    first, stamp = path.read_bytes(), path.stat().st_mtime_ns
    write_citation(root)
    assert path.read_bytes() == first and path.stat().st_mtime_ns == stamp


def test_citation_cff_is_not_written_when_metadata_has_errors(kb):
    root = make_kb(kb)
    (root / "paper" / "metadata.yaml").write_text(METADATA.replace("title: A", "titel: A"), encoding="utf-8")
    path, problems = write_citation(root)
    assert path is None and any(p.is_error for p in problems)
    assert not (root / "CITATION.cff").exists()


def test_survey_authors_cff_writes_the_file(kb):
    root = make_kb(kb)
    run = kb.run("authors", "--cff")
    assert run.exit_code == 0 and "wrote" in run.output
    assert (root / "CITATION.cff").is_file()


def test_survey_authors_cff_check_reports_a_stale_file_and_writes_nothing(kb):
    root = make_kb(kb)
    (root / "CITATION.cff").write_text("cff-version: 1.2.0\n", encoding="utf-8")
    run = kb.run("authors", "--cff", "--check")
    assert run.exit_code == 1
    assert "CITATION.cff:1:1: error[stale-citation] CITATION.cff does not match" in run.output
    assert "survey authors --cff" in run.output
    assert (root / "CITATION.cff").read_text(encoding="utf-8") == "cff-version: 1.2.0\n"
    assert kb.run("authors", "--cff").exit_code == 0
    again = kb.run("authors", "--cff", "--check")
    assert again.exit_code == 0 and "up to date" in again.output


def test_repository_citation_cff_is_up_to_date():
    metadata, _ = load_metadata(REPO)
    expected = citation_text(metadata, build_author_list(load_knowledge_base(REPO), metadata))
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == expected, "run `survey authors --cff`"
