"""The resource limits (survey.limits): one set, applied by the loader, the check, `fmt`, `import-bib` and the
unit parser, with numbers that TeX and BibTeX can hold and that SECURITY.md states."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, VALID_ENTRY, KnowledgeBaseFolder, Run, line_of

from survey.files import limits

ALIAS_BOMB = "".join(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9 if i else ['"x"'] * 9)
                     + "]\n" for i in range(8))


def _within(seconds: float, action: Callable[[], Run]) -> Run:
    """`action()`'s result; fails the test when it is still running after `seconds` (a hang, not a speed target)."""
    outcome: dict[str, Run] = {}
    worker = threading.Thread(target=lambda: outcome.update(run=action()), daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome["run"]


@pytest.mark.parametrize("hostile, code, line", [
    (ALIAS_BOMB, "alias-expansion", 6),
    ("id: deep\ntitle: " + "[" * 5000 + "]" * 5000 + "\n", "too-deep", 2),
    ("id: deep\ntitle:\n" + "".join(" " * (2 * i) + f"- k{i}:\n" for i in range(100)), "too-deep", 34),
])
def test_fmt_check_refuses_what_the_loader_refuses_at_its_line_without_hanging(kb: KnowledgeBaseFolder,
                                                                               hostile: str, code: str,
                                                                               line: int) -> None:
    path = kb.write("hostile.yaml", hostile)
    run = _within(60, lambda: kb.run("fmt", "--check"))
    assert run.exit_code == 1
    found = kb.check().only(code)
    assert found["line"] == line
    assert f"entries/hostile.yaml:{line}:{found['column']}: error[fmt] {found['message']}" in run.output
    assert path.read_text(encoding="utf-8") == hostile and "internal error" not in run.output


def test_fmt_refuses_a_40_megabyte_file_before_reading_it(kb: KnowledgeBaseFolder) -> None:
    path = kb.write("huge.yaml", "id: huge\ntitle: " + "x" * (40 << 20) + "\n")
    run = _within(60, lambda: kb.run("fmt", "--check"))
    assert run.exit_code == 1
    assert "entries/huge.yaml:1:1: error[fmt] file is 40.0 MiB, larger than the 1 MiB limit" in run.output
    assert path.stat().st_size > 40 << 20


@pytest.mark.parametrize("unit", ["10^10^10 m", "(((10^99)^99)^99) TOPS/W", "9**9**9**9 x", "m^999999999999",
                                  "(" * 30 + "m" + ")^99" * 30])
def test_a_unit_written_as_an_exponent_tower_is_refused_by_check_and_query_without_hanging(
        kb: KnowledgeBaseFolder, unit: str) -> None:
    text = VALID_ENTRY.replace("unit: x", f'unit: "{unit}"', 1)
    kb.write_entry("ada-example-pim24", text)
    found = _within(60, kb.check).only("unknown-unit")
    assert found["line"] == line_of(text, f'unit: "{unit}"')
    assert "at most 40 characters and 3 powers" in found["hint"]
    query = _within(60, lambda: kb.run("query", f"speedup>1 {unit}"))
    assert query.exit_code in (0, 1, 2) and "internal error" not in query.output


@pytest.mark.parametrize("unit", ["mm^2", "GOPS/mm^2", "J/(mm^2*s^2)", "m ** -2", "token/s", "%", "mm2"])
def test_real_units_are_within_the_limits(unit: str) -> None:
    from survey.load.units import is_unit, simple_enough

    assert simple_enough(unit) and is_unit(unit)


def _people(count: int, name: Callable[[int], str]) -> str:
    return "people:\n" + "".join(f"  - name: \"{name(i)}\"\n    role: {'presenter' if i == 0 else 'author'}\n"
                                 for i in range(count))


def _with_people(block: str) -> str:
    """The valid entry with these people, and without its BibTeX record (so its reference is made from them)."""
    start, end = VALID_ENTRY.index("people:\n"), VALID_ENTRY.index("venue:")
    text = VALID_ENTRY[:start] + block + VALID_ENTRY[end:]
    return text[:text.index("bibtex: |")] + text[text.index("architecture:"):]


def test_check_refuses_more_people_metrics_or_text_than_the_limits_at_their_field(kb: KnowledgeBaseFolder) -> None:
    text = _with_people(_people(limits.MAX_PEOPLE + 1, lambda i: f"Person {i}"))
    kb.write_entry("ada-example-pim24", text)
    found = kb.check().only("too-many-people")
    assert found["line"] == line_of(text, "people:") + 1 and f"at most {limits.MAX_PEOPLE}" in found["message"]
    text = _with_people(_people(100, lambda i: f"Person {i:03d} " + "N" * 80))
    kb.write_entry("ada-example-pim24", text)
    assert kb.check().only("names-too-long")["line"] == line_of(text, "people:") + 1
    metric = VALID_ENTRY[VALID_ENTRY.index("  - kind: speedup"):VALID_ENTRY.index("  - kind: energy-efficiency")]
    text = VALID_ENTRY.replace(metric, metric * (limits.MAX_METRICS + 1), 1)
    kb.write_entry("ada-example-pim24", text)
    assert kb.check().only("too-many-metrics")["line"] == line_of(text, "metrics:") + 1
    notes = "".join(f"  note{i}: \"{'n' * 7000}\"\n" for i in range(10))
    kb.write_entry("ada-example-pim24", VALID_ENTRY.replace("metrics:", "extra:\n" + notes + "metrics:", 1))
    assert kb.check().only("entry-too-long")["line"] == line_of(VALID_ENTRY, "id:")  # the entry as a whole


def test_an_alias_used_many_times_counts_toward_the_entry_text_each_time(kb: KnowledgeBaseFolder) -> None:
    text = VALID_ENTRY.replace("summary:", f"extra: [&long \"{'a' * 7000}\"" + ", *long" * 20 + "]\nsummary:", 1)
    kb.write_entry("ada-example-pim24", text)
    assert "entry-too-long" in kb.check().codes()


@pytest.mark.skipif(shutil.which("bibtex") is None, reason="needs bibtex (texlive-binaries)")
def test_the_largest_author_list_the_check_allows_fits_bibtex_for_both_journals(kb: KnowledgeBaseFolder) -> None:
    """MAX_PEOPLE people whose names fill MAX_NAMES_TEXT with the characters that escape longest: real BibTeX,
    with both journals' styles, reads the generated author list whole (no global-string-size warning)."""
    (kb.root / "paper").mkdir()
    shutil.copy(REPO / "paper" / "metadata.yaml", kb.root / "paper" / "metadata.yaml")
    width = limits.MAX_NAMES_TEXT // limits.MAX_PEOPLE
    text = _with_people(_people(limits.MAX_PEOPLE, lambda i: (f"Z{i:03d} " + "\\\\%&#^~" * width)[:width]))
    kb.write_entry("ada-example-pim24", text)
    assert kb.check().diagnostics == [] or all(d["severity"] == "warning" for d in kb.check().diagnostics)
    run = kb.run("build", "--no-pdf", "--quiet")
    assert run.exit_code == 0, run.output
    out = kb.root / "build"
    for style in ("ACM-Reference-Format", "IEEEtran"):
        (out / "limit.aux").write_text(f"\\citation{{ada-example-pim24}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n")
        done = subprocess.run(["bibtex", "limit"], cwd=out, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "exceeded" not in done.stdout, done.stdout
        if style == "ACM-Reference-Format":  # IEEEtran shortens long lists to "et al." by design
            assert f"Z{limits.MAX_PEOPLE - 1:03d}" in (out / "limit.bbl").read_text(encoding="utf-8")


def test_bibtex_would_drop_authors_beyond_its_string_limit_so_the_limit_is_needed(tmp_path: Path) -> None:
    """The control: BibTeX's global-string-size is real, and thousands of authors exceed it."""
    if shutil.which("bibtex") is None:
        pytest.skip("needs bibtex (texlive-binaries)")
    names = " and ".join(f"Author{i:05d} Surname" for i in range(6000))
    (tmp_path / "r.bib").write_text(f"@article{{k, author = {{{names}}}, title = {{T}}, journal = {{J}}, year = 2024}}\n")
    (tmp_path / "m.aux").write_text("\\citation{k}\n\\bibstyle{ACM-Reference-Format}\n\\bibdata{r}\n")
    done = subprocess.run(["bibtex", "m"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "exceeded" in done.stdout and "Author05999" not in (tmp_path / "m.bbl").read_text(encoding="utf-8")


def test_import_bib_refuses_an_input_larger_than_its_limit(kb: KnowledgeBaseFolder) -> None:
    huge = kb.root / "huge.bib"
    huge.write_text("@misc{a, title = {T}}\n" + "%" * (limits.MAX_BIB_BYTES + 1))
    run = kb.run("import-bib", str(huge))
    assert run.exit_code == 2 and "larger than the 4 MiB limit" in run.output
    assert list((kb.root / "entries").iterdir()) == []


def test_security_md_states_the_limits_the_code_applies() -> None:
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    stated = {
        f"size: {limits.MAX_FILE_BYTES >> 20} MiB per file", f"nesting depth: {limits.MAX_DEPTH}",
        f"alias expansion: {limits.MAX_NODES:,} values", f"text: {limits.MAX_TEXT:,} characters per value",
        f"{limits.MAX_ENTRY_TEXT:,} characters of text per entry", f"{limits.MAX_PEOPLE} people",
        f"{limits.MAX_NAMES_TEXT:,} characters of names", f"{limits.MAX_METRICS} metrics",
        f"{limits.MAX_UNIT_CHARS} characters and {limits.MAX_UNIT_POWERS} powers",
        f"{limits.MAX_BIB_BYTES >> 20} MiB per .bib file"}
    missing = sorted(s for s in stated if s not in text)
    assert not missing, missing
