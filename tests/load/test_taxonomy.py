"""The taxonomy: lookups through ids, aliases and hierarchies, and its self-checks (reported by `survey check`)."""

from __future__ import annotations

import pytest
from conftest import REPO, KnowledgeBaseFolder, line_of

from survey.load.taxonomy import REQUIRED_VOCABULARIES, Taxonomy, load_taxonomy, normalise


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    loaded, problems = load_taxonomy(str(REPO / "taxonomy.yaml"), "taxonomy.yaml")
    assert problems == []
    assert loaded is not None
    return loaded


def test_shipped_taxonomy_has_every_vocabulary_the_model_needs(taxonomy: Taxonomy) -> None:
    assert set(REQUIRED_VOCABULARIES) <= set(taxonomy.vocabularies)


def test_shipped_taxonomy_has_the_four_challenges_and_five_topics(taxonomy: Taxonomy) -> None:
    assert sorted(taxonomy["challenge"].roots()) == ["analog-noise", "capacity-compression", "data-communication",
                                                      "precision"]
    assert len(taxonomy["topic"].terms) == 5


def test_resolve_accepts_id_alias_and_label_in_any_case(taxonomy: Taxonomy) -> None:
    memory = taxonomy["memory"]
    assert memory.resolve("reram").id == "reram"  # type: ignore[union-attr]
    assert memory.resolve("RRAM").id == "reram"  # type: ignore[union-attr]
    assert memory.resolve("Memristor").id == "reram"  # type: ignore[union-attr]
    assert memory.resolve("NAND Flash").id == "nand-flash"  # type: ignore[union-attr]
    assert memory.resolve("unobtainium") is None


def test_normalise_folds_case_spaces_and_underscores() -> None:
    assert normalise("  NAND_Flash ") == normalise("nand-flash") == "nand-flash"


def test_memory_hierarchy_knows_hbm3_is_a_dram_and_reram_a_non_volatile_memory(taxonomy: Taxonomy) -> None:
    memory = taxonomy["memory"]
    assert memory.ancestors("hbm3") == ["hbm", "dram", "volatile"]
    assert memory.ancestors("reram") == ["nvm"]
    assert memory.root("stt-mram") == "nvm"
    assert {"hbm3", "hbm3e", "ddr5"} <= set(memory.descendants("dram"))
    assert "reram" not in memory.descendants("dram")


def test_suggest_finds_the_closest_term(taxonomy: Taxonomy) -> None:
    assert taxonomy["memory"].suggest("RRam-x") == "reram"
    assert taxonomy["architecture"].suggest("near-bnak") == "near-bank"


def test_metric_kinds_carry_dimension_unit_and_plausible_range(taxonomy: Taxonomy) -> None:
    efficiency = taxonomy["metric"].resolve("energy-efficiency")
    assert efficiency is not None
    assert efficiency.canonical_unit == "TOPS/W" and efficiency.plausible is not None
    assert taxonomy["metric"].resolve("speedup").relative  # type: ignore[union-attr]


def test_label_falls_back_to_the_id(taxonomy: Taxonomy) -> None:
    assert taxonomy.label("memory", "reram") == "ReRAM"
    assert taxonomy.label("memory", "no-such-term") == "no-such-term"


# --- self-checks, through `survey check` on a temporary taxonomy ---------------------------------------------

HBM3 = '{id: hbm3, parent: hbm, label: HBM3, description: "HBM3."}'


def taxonomy_problem(kb: KnowledgeBaseFolder, code: str) -> dict[str, object]:
    run = kb.check()
    assert run.exit_code == 1
    found = run.only(code)
    assert found["path"] == "taxonomy.yaml"
    return found


def test_taxonomy_check_reports_a_duplicate_id(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy(HBM3, HBM3 + '\n      - {id: hbm3, label: HBM3 again, description: "Twice."}')
    found = taxonomy_problem(kb, "taxonomy-duplicate-id")
    text = (kb.root / "taxonomy.yaml").read_text()
    assert found["line"] == line_of(text, "HBM3 again")
    assert "'hbm3'" in str(found["message"]) and "'memory'" in str(found["message"])


def test_taxonomy_check_reports_a_colliding_alias(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy(HBM3, '{id: hbm3, parent: hbm, label: HBM3, description: "HBM3.", aliases: [rram]}')
    found = taxonomy_problem(kb, "taxonomy-alias-collision")
    text = (kb.root / "taxonomy.yaml").read_text()
    # hbm3 comes first in the file and claims 'rram'; reram's own alias is the one that collides.
    assert found["line"] == line_of(text, "{id: reram,")
    assert found["column"] == text.splitlines()[found["line"] - 1].index("rram,") + 1
    assert "'rram'" in str(found["message"]) and "'hbm3'" in str(found["message"])


def test_taxonomy_check_reports_an_unknown_parent_with_did_you_mean(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy(HBM3, '{id: hbm3, parent: hbn, label: HBM3, description: "HBM3."}')
    found = taxonomy_problem(kb, "taxonomy-unknown-parent")
    text = (kb.root / "taxonomy.yaml").read_text()
    assert found["line"] == line_of(text, "parent: hbn")
    assert found["hint"] == "did you mean 'hbm'?"


def test_taxonomy_check_reports_a_cycle_of_parents(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy('{id: volatile, label: Volatile, description: "Volatile memories."}',
                     '{id: volatile, parent: hbm3, label: Volatile, description: "Volatile memories."}')
    found = taxonomy_problem(kb, "taxonomy-cycle")
    text = (kb.root / "taxonomy.yaml").read_text()
    assert found["line"] in {line_of(text, f"{{id: {term},") for term in ("volatile", "dram", "hbm", "hbm3")}
    assert "volatile" in str(found["message"]) and "hbm3" in str(found["message"])


def test_taxonomy_check_reports_a_metric_unit_pint_does_not_know(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy("dimension: GB/s, canonical_unit: GB/s", "dimension: GB/s, canonical_unit: GB/fortnightish")
    found = taxonomy_problem(kb, "taxonomy-unit")
    assert "GB/fortnightish" in str(found["message"])


def test_taxonomy_check_reports_a_missing_vocabulary(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy("  simulator:\n", "  simulators:\n")
    run = kb.check()
    assert any(d["code"] == "taxonomy-structure" and "'simulator'" in d["message"] for d in run.diagnostics)
    assert run.exit_code == 1


def test_a_broken_taxonomy_is_reported_not_raised(kb: KnowledgeBaseFolder) -> None:
    (kb.root / "taxonomy.yaml").write_text("vocabularies: [\n", encoding="utf-8")
    kb.write_entry("ada-example-pim24")
    run = kb.check()
    assert run.only("yaml-syntax")["path"] == "taxonomy.yaml"
    assert run.exit_code == 1


def test_taxonomy_check_refuses_a_ranking_direction_other_than_higher_or_lower(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy("{id: speedup, better: higher,", "{id: speedup, better: sideways,")
    found = taxonomy_problem(kb, "taxonomy-structure")
    assert found["line"] == line_of((kb.root / "taxonomy.yaml").read_text(), "{id: speedup,")
    assert "sideways" in str(found["message"])


def test_taxonomy_check_reports_a_contribution_type_naming_an_unknown_role(kb: KnowledgeBaseFolder) -> None:
    kb.edit_taxonomy("{id: poster, label: Poster, role: presenter,", "{id: poster, label: Poster, role: presentr,")
    found = taxonomy_problem(kb, "taxonomy-unknown-term")
    assert "presenter" in str(found["hint"])


def test_metric_directions_and_measured_methods_come_from_the_taxonomy(taxonomy: Taxonomy) -> None:
    from survey.derive.evidence import MEASURED, SIMULATED, evidence_class

    assert taxonomy["metric"].terms["speedup"].better == "higher"
    assert taxonomy["metric"].terms["energy-per-token"].better == "lower"
    assert taxonomy["metric"].terms["technology-node"].better is None  # shown, never ranked
    assert evidence_class(taxonomy, "silicon") == MEASURED
    assert evidence_class(taxonomy, "cycle-simulation") == SIMULATED


@pytest.mark.parametrize("bad_id", ["pre cision", "Precision", "x\\\\input{y}", "a--b"])
def test_taxonomy_check_refuses_a_term_id_that_cannot_be_a_label(kb: KnowledgeBaseFolder, bad_id: str) -> None:
    # Term ids become LaTeX labels (\label{sec:challenge-ID}) and query values: a build crashed on such an id.
    kb.edit_taxonomy("      - id: precision", f'      - id: "{bad_id}"')
    found = taxonomy_problem(kb, "taxonomy-structure")
    assert found["line"] == line_of((kb.root / "taxonomy.yaml").read_text(), f'id: "{bad_id}"')
    assert "lower-case ASCII words" in str(found["message"])
