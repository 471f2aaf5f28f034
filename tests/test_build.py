"""`survey build` end to end: real PDFs for both venues from the shipped corpus, checked with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.build import WORK_DIR, build
from survey.cli.main import main
from survey.compile.latexmk import STAGING_DIR, compile_pdf
from survey.check.authors import build_author_list
from survey.load.knowledge_base import load_knowledge_base
from survey.load.metadata import load_metadata

ROOT = Path(__file__).resolve().parent.parent
HAVE_TEX = all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftotext"))
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="latexmk, pdflatex and pdftotext are needed")


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return normalise(text)


def normalise(text: str) -> str:
    """One space for any whitespace; a hyphen at a line break joined; NFKC (pdftotext splits ligatures)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"-\s+", "-", text)
    return " ".join(text.split())


PROGRESS: dict[str, list[str]] = {}  # what each venue's build of the shipped corpus reported as it went


@pytest.fixture(scope="module", params=["todaes", "tcad"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not HAVE_TEX:
        pytest.skip("TeX is not installed")
    out = tmp_path_factory.mktemp(request.param)
    PROGRESS[request.param] = []
    result = build(ROOT, request.param, out, progress=PROGRESS[request.param].append)
    assert result.ok, "\n".join(d.as_text() for d in result.diagnostics)
    return request.param, out, result


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [normalise(page) for page in text.split("\f")]


@needs_tex
def test_the_shipped_corpus_compiles_in_one_tex_run(built) -> None:  # type: ignore[no-untyped-def]
    venue = built[0]
    assert len([m for m in PROGRESS[venue] if m.startswith("running latexmk")]) == 1, PROGRESS[venue]
    assert not [m for m in PROGRESS[venue] if "too tall" in m]  # no table chunk had to be split again


@needs_tex
def test_no_table_or_figure_is_placed_among_the_references(built) -> None:  # type: ignore[no-untyped-def]
    venue, _, result = built
    pages = pdf_pages(result.pdf)
    heading = "R EFERENCES" if venue == "tcad" else "REFERENCES"
    first = next(i for i, page in enumerate(pages) if heading in page)
    caption = re.compile(r"\b(TABLE [IVXLC]+|Table \d+\.|Fig\. \d+\.)")
    assert all(not caption.search(page) for page in pages[first + 1:])
    assert not caption.search(pages[first].split(heading, 1)[1])  # nor after the heading on their first page


@needs_tex
def test_the_comparisons_figures_are_placed_before_the_next_section_begins(built) -> None:  # type: ignore[no-untyped-def]
    # acmart's long tables break across pages in the text, and no float goes on their pages: figures queued
    # before them used to wait behind every table page, into the Discussion.
    _, out, _ = built
    aux = (out / WORK_DIR / STAGING_DIR / "survey.aux").read_text(encoding="utf-8", errors="replace")
    page = {label: int(number) for label, number in re.findall(r"\\newlabel\{([^}]+)\}\{\{[^}]*\}\{(\d+)\}", aux)}
    figures = [label for label in page if label.startswith("fig:") and label != "fig:taxonomy"]
    assert len(figures) >= 5
    assert all(page["sec:comparison"] <= page[label] <= page["sec:discussion"] for label in figures), page


@needs_tex
def test_pdf_names_every_listed_coauthor_and_affiliation(built) -> None:  # type: ignore[no-untyped-def]
    _, out, result = built
    text = pdf_text(result.pdf)
    kb = load_knowledge_base(ROOT)
    metadata, _ = load_metadata(ROOT)
    listed = build_author_list(kb, metadata).listed()
    assert listed.authors
    for author in listed.authors:
        assert author.name in text
        for affiliation in author.affiliations:
            assert normalise(affiliation.name) in text
            assert affiliation.country and affiliation.country in text


@needs_tex
def test_pdf_tables_hold_every_entry_title(built) -> None:  # type: ignore[no-untyped-def]
    _, _, result = built
    text = pdf_text(result.pdf)
    missing = [e.id for e in load_knowledge_base(ROOT).entries if normalise(e.title) not in text]
    assert not missing


@needs_tex
def test_pdf_resolves_every_citation_and_reference(built) -> None:  # type: ignore[no-untyped-def]
    venue, out, result = built
    text = pdf_text(result.pdf)
    assert "??" not in text and "[?]" not in text
    bbl = (out / WORK_DIR / STAGING_DIR / "survey.bbl").read_text(encoding="utf-8")
    assert len(re.findall(r"\\bibitem", bbl)) == len(load_knowledge_base(ROOT).entries)


@needs_tex
def test_pdf_figures_are_in_the_venue_body_font_embedded_as_truetype(built) -> None:  # type: ignore[no-untyped-def]
    venue, out, result = built
    listed = subprocess.run(["pdffonts", str(out / "survey.pdf")], capture_output=True, text=True, check=True)
    assert listed.stderr == "", listed.stderr
    rows = listed.stdout.splitlines()[2:]
    assert rows and not any("Type 3" in row for row in rows), listed.stdout
    figure_fonts = {row.split()[0].split("+")[-1] for row in rows if "TrueType" in row}
    # the figures' text: Libertinus (Linux Libertine's fork) beside acmart's Libertine, Times beside IEEEtran's
    assert figure_fonts == {"todaes": {"LibertinusSerif-Regular"}, "tcad": {"TeXGyreTermesX-Regular"}}[venue]
    assert all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows if "TrueType" in row), listed.stdout
    assert not [d for d in result.diagnostics if d.code == "figure-font-missing"]


def test_cli_build_warns_when_the_body_font_for_the_figures_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "texmf").mkdir()
    monkeypatch.setenv("TEXMF", str(tmp_path / "texmf"))  # an empty TeX tree for kpsewhich
    run = CliRunner().invoke(main, ["--root", str(ROOT), "build", "--venue", "tcad", "--out", str(tmp_path / "out"),
                                    "--no-pdf"])
    assert run.exit_code == 0, run.output
    assert "warning[figure-font-missing] the body font TeXGyreTermesX-Regular.otf is not in the TeX installation" \
        in run.output
    assert "Traceback" not in run.output


@needs_tex
def test_second_build_of_unchanged_inputs_does_not_run_tex(built) -> None:  # type: ignore[no-untyped-def]
    venue, out, first = built
    before = first.pdf.read_bytes()
    again = build(ROOT, venue, out)
    assert again.ok and not again.ran_tex
    assert again.pdf.read_bytes() == before


@needs_tex
def test_failed_build_leaves_every_previous_output_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    for part in ("entries", "paper", "templates"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    out = tmp_path / "out"
    assert build(root, "tcad", out).ok
    before = {name: (out / name).read_bytes() for name in ("survey.pdf", "survey.tex", "refs.bib")}
    template = root / "templates" / "tcad.tex.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(r"\begin{document}",
                                                                     "\\begin{document}\n\\undefinedmacro"))
    failed = build(root, "tcad", out)
    assert not failed.ok and failed.ran_tex
    assert {name: (out / name).read_bytes() for name in before} == before


@needs_tex
def test_failed_build_keeps_the_previous_pdf_and_names_the_entry(tmp_path: Path) -> None:
    good = "\\documentclass{article}\n\\begin{document}\nHello.\n\\end{document}\n"
    (tmp_path / "survey.tex").write_text(good)
    assert compile_pdf(tmp_path, "survey.tex", ["survey.tex"]).ok
    previous = (tmp_path / "survey.pdf").read_bytes()
    (tmp_path / "survey.tex").write_text(good.replace("Hello.", "Row \\undefinedmacro \\\\ % entry: demo-work"))
    failed = compile_pdf(tmp_path, "survey.tex", ["survey.tex"])
    assert not failed.ok and failed.ran_tex
    assert (tmp_path / "survey.pdf").read_bytes() == previous
    assert any("demo-work" in d.message for d in failed.diagnostics)


@needs_tex
def test_tex_cannot_read_files_outside_the_build_folder(tmp_path: Path) -> None:
    (tmp_path / "survey.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\input{/etc/hostname}\n"
                                         "\\end{document}\n")
    assert not compile_pdf(tmp_path, "survey.tex", ["survey.tex"]).ok


def test_generated_sources_are_byte_identical_across_builds(tmp_path: Path) -> None:
    for venue in ("todaes", "tcad"):
        first = build(ROOT, venue, tmp_path / f"{venue}-a", pdf=False)
        second = build(ROOT, venue, tmp_path / f"{venue}-b", pdf=False)
        assert first.ok and first.sources == second.sources
        for name in first.sources:
            assert (first.out / name).read_bytes() == (second.out / name).read_bytes(), name


def test_build_refuses_a_knowledge_base_with_errors(tmp_path: Path) -> None:
    for part in ("taxonomy.yaml", "entries", "paper"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    (tmp_path / "entries" / "broken-example.yaml").write_text(
        "id: broken-example\ntype: poster\ntitle: Broken\npeople: [{name: Ada Example, role: presenter}]\n"
        "memory: [RRam-x]\n")
    result = build(tmp_path, "todaes", tmp_path / "out", pdf=False)
    assert not result.ok and not result.sources
    assert any("broken-example.yaml" in d.location.path and d.is_error for d in result.diagnostics)


@needs_tex
def test_errors_the_rules_find_while_tex_runs_stop_it_and_publish_nothing(tmp_path: Path) -> None:
    for part in ("taxonomy.yaml", "entries", "paper", "templates"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    entry = tmp_path / "entries" / "attacc-asplos24.yaml"  # loads, but names a memory the taxonomy lacks
    entry.write_text(entry.read_text(encoding="utf-8").replace("memory: [", "memory: [RRam-x, ", 1), encoding="utf-8")
    messages: list[str] = []
    result = build(tmp_path, "tcad", tmp_path / "out", progress=messages.append)
    assert not result.ok and not result.sources and result.pdf is None
    assert [d.code for d in result.diagnostics if d.is_error] == ["unknown-term"]
    assert result.diagnostics[0].location.path.endswith("attacc-asplos24.yaml")
    assert "TeX stopped: the build is refused" in messages  # the rules ran beside TeX, which did not finish
    assert not (tmp_path / "out" / "survey.pdf").exists() and not (tmp_path / "out" / "survey.tex").exists()


def test_cli_build_no_pdf_writes_sources_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    tracked = (ROOT / "CITATION.cff").stat().st_mtime_ns
    run = CliRunner().invoke(main, ["--root", str(ROOT), "build", "--venue", "tcad", "--out", str(out), "--no-pdf"])
    assert run.exit_code == 0, run.output
    assert (out / "survey.tex").is_file() and (out / "refs.bib").is_file()
    assert not (out / "survey.pdf").exists()
    # CITATION.cff goes beside the outputs; the tracked one is `survey authors --cff`'s alone to write
    assert (out / "CITATION.cff").read_text(encoding="utf-8").startswith("# Generated by `survey authors --cff`")
    assert (ROOT / "CITATION.cff").stat().st_mtime_ns == tracked


@needs_tex
def test_a_sources_only_build_leaves_no_claim_that_the_pdf_matches_its_sources(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    for part in ("taxonomy.yaml", "entries", "paper"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    out = tmp_path / "out"
    assert build(root, "tcad", out).ok
    entry = next((root / "entries").glob("*.yaml"))
    original = entry.read_text(encoding="utf-8")
    quoted = '\ntitle: "' in original
    entry.write_text(original.replace('\ntitle: "' if quoted else "\ntitle: ",
                                      '\ntitle: "Changed ' if quoted else "\ntitle: Changed ", 1), encoding="utf-8")
    assert build(root, "tcad", out, pdf=False).ok
    entry.write_text(original, encoding="utf-8")  # back to the inputs of the PDF in `out`
    assert build(root, "tcad", out).ok
    assert "Changed" not in (out / "survey.tex").read_text(encoding="utf-8")  # the sources match the PDF again
