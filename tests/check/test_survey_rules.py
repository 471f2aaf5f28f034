"""What a survey needs from entries: one spelling per person, a scope, a primary class among several."""

from __future__ import annotations

import pytest
from conftest import VALID_ENTRY, KnowledgeBaseFolder, line_of

from survey.check.person_names import same_person


@pytest.mark.parametrize(("first", "second"), [
    ("X. Sharon Hu", "Xiaobo Sharon Hu"), ("Sharon Hu", "Xiaobo Sharon Hu"), ("Jung Ho Ahn", "Jung-Ho Ahn"),
    ("Alexander Friz", "Alexander M. Friz"), ("Zoë Müller", "Zoe Muller"),
])
def test_same_person_written_two_ways(first: str, second: str) -> None:
    assert same_person(first, second)


@pytest.mark.parametrize(("first", "second"), [
    ("J. Kim", "Jaehyun Kim"), ("Jaehyun Kim", "Jaewan Kim"), ("Yu Wang", "Yu Zhang"), ("Ada Example", "Bo Example"),
    ("Jin Kim", "Jin-Seong Kim"),
])
def test_different_people_are_not_claimed_to_be_one(first: str, second: str) -> None:
    assert not same_person(first, second)


def test_check_warns_once_at_the_second_spelling_of_a_person(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    other = VALID_ENTRY.replace("  - name: Ada Example", "  - name: Ada B. Example", 1).replace(
        "10.5555/example.2024.001", "10.5555/example.2024.002")
    kb.write_entry("another-example24", other)
    found = [d for d in kb.check().diagnostics if d["code"] == "person-spelling"]
    assert len(found) == 1
    assert found[0]["path"].endswith("another-example24.yaml")
    assert found[0]["line"] == line_of(other, "Ada B. Example")


def test_a_person_said_not_to_be_a_look_alike_is_not_warned_of_in_either_order(kb: KnowledgeBaseFolder) -> None:
    kb.write_entry("ada-example-pim24")
    other = VALID_ENTRY.replace("  - name: Ada Example", "  - name: Ada B. Example", 1).replace(
        "10.5555/example.2024.001", "10.5555/example.2024.002")
    found = kb.check()
    kb.write_entry("another-example24", other)
    assert "person-spelling" in kb.check().codes() and "person-spelling" not in found.codes()
    assert "not_same_as: [Ada Example]" in kb.check().only("person-spelling")["hint"]
    kb.write_entry("another-example24", other.replace("  - name: Ada B. Example",
                                                      "  - name: Ada B. Example\n    not_same_as: [Ada Example]", 1))
    assert "person-spelling" not in kb.check().codes()
    kb.write_entry("another-example24", other)  # said in the earlier entry instead
    kb.write_entry("ada-example-pim24", VALID_ENTRY.replace(
        "  - name: Ada Example", "  - name: Ada Example\n    not_same_as: [ada b. example]", 1))
    assert "person-spelling" not in kb.check().codes()


def test_two_authors_of_one_paper_are_never_one_person(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("  - name: Bo Sample", "  - name: Ada B. Example", 1)
    kb.write_entry("ada-example-pim24", text)
    assert "person-spelling" not in kb.check().codes()


def test_an_entry_without_scope_is_warned_at_its_id_with_the_terms(kb: KnowledgeBaseFolder) -> None:
    text = "\n".join(line for line in VALID_ENTRY.splitlines() if not line.startswith("scope:")) + "\n"
    text = text.replace("type: poster", "type: related-work")
    kb.write_entry("ada-example-pim24", text)
    found = kb.check().only("missing-scope")
    assert found["line"] == line_of(text, "id: ")
    assert "'llm', 'transformer', 'foundation', 'survey'" in found["hint"]


def test_several_architecture_terms_need_a_primary_class(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY
    assert "architecture:" in text
    lines = [("architecture: [near-bank, logic-die]" if line.startswith("architecture:") else line)
             for line in text.splitlines() if not line.startswith("primary_architecture:")]
    kb.write_entry("ada-example-pim24", "\n".join(lines) + "\n")
    assert "missing-primary-class" in kb.check().codes()
    lines.insert(next(i for i, line in enumerate(lines) if line.startswith("architecture:")) + 1,
                 "primary_architecture: near-bank")
    kb.write_entry("ada-example-pim24", "\n".join(lines) + "\n")
    assert "missing-primary-class" not in kb.check().codes()
