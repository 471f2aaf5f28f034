"""`survey bundle`: the submission zip compiles in an empty folder with plain pdflatex, without survey; it holds
only sources, and the same inputs give the same bytes."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_survey
from test_build import HAVE_TEX, pdf_text

from survey.bundle import flatten, read_inputs

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="TeX is needed")
EXPECTED = {
    "todaes": {"survey.tex", "survey.bbl", "refs.bib", "acmart.cls", "ACM-Reference-Format.bst"},
    "tcad": {"survey.tex", "survey.bbl", "refs.bib", "IEEEtran.cls", "IEEEtran.bst"},
}


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundle") / "kb"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("ada-example-poster24.yaml", "README.md"))
    return root


def make_bundle(root: Path, venue: str) -> Path:
    run = run_survey("--root", str(root), "bundle", "--venue", venue, "--quiet")
    assert run.exit_code == 0, run.output
    path = root / "build" / f"{venue}-bundle.zip"
    assert run.output.strip().endswith(str(path))
    return path


@needs_tex
@pytest.mark.parametrize("venue", ["todaes", "tcad"])
def test_the_bundle_compiles_alone_with_plain_pdflatex(examples: Path, venue: str, tmp_path: Path) -> None:
    path = make_bundle(examples, venue)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        figures = {n for n in names if n.startswith("figures/")}
        assert names - figures == EXPECTED[venue]  # no log, aux, pdf, provenance or build state
        assert figures and all(n.endswith(".pdf") for n in figures)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr >> 16 == 0o100644
                   for i in archive.infolist())
        assert archive.namelist() == sorted(archive.namelist())
        archive.extractall(tmp_path)
    for _ in range(2):  # arXiv's way: the .bbl is there, BibTeX is not run
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                               "survey.tex"], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout[-3000:]
    log = (tmp_path / "survey.log").read_text(encoding="utf-8", errors="replace")
    assert "undefined references" not in log and "Citation" not in log.replace("Citation style", "")
    text = pdf_text(tmp_path / "survey.pdf")
    assert "Large Language Model Acceleration with" in text
    assert "AttAcc" in text  # an entry, from the tables
    assert "Unleashing the Power of PIM for Batched Transformer-based Generative Model Inference" in text  # its reference
    assert "[?]" not in text and "??" not in text  # every citation and reference resolved from the .bbl and .aux


@needs_tex
def test_the_bundle_is_byte_identical_after_a_fresh_build(examples: Path) -> None:
    first = make_bundle(examples, "todaes").read_bytes()
    shutil.rmtree(examples / "build")
    assert make_bundle(examples, "todaes").read_bytes() == first


def test_flatten_inlines_local_inputs_and_keeps_tex_live_files() -> None:
    local = {"survey.tex": "", "part.tex": "P \\input{sub}\n", "sub.tex": "S\n", "chapter.tex": "C\n"}
    text, inlined = flatten("\\input{glyphtounicode}\nA \\input{part} B\n\\include{chapter}\n", local)
    assert text == "\\input{glyphtounicode}\nA P S\n B\n\\clearpage\nC\n\\clearpage\n\n"
    assert inlined == {"part.tex", "sub.tex", "chapter.tex"}


def test_only_files_tex_read_inside_its_folder_are_bundled(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    for name in ("survey.tex", "survey.bbl", "survey.aux", "figures/a.pdf"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    fls = "\n".join(["PWD /x", "INPUT /usr/share/texlive/texmf-dist/tex/latex/acmart/acmart.cls",
                     "INPUT ./survey.tex", "INPUT survey.aux", "OUTPUT survey.aux", "INPUT ./survey.bbl",
                     "INPUT ./figures/a.pdf", "INPUT figures/a.pdf", "INPUT ../outside.tex", "INPUT missing.tex"])
    assert read_inputs(fls, tmp_path) == ["figures/a.pdf", "survey.bbl", "survey.tex"]


def test_the_bundle_is_not_written_through_a_link_out_of_the_repository(examples: Path, tmp_path: Path) -> None:
    outside = tmp_path / "theirs.zip"
    outside.write_text("theirs", encoding="utf-8")
    (examples / "build").mkdir(exist_ok=True)
    link = examples / "build" / "tcad-bundle.zip"
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    try:
        run = run_survey("--root", str(examples), "bundle", "--venue", "tcad", "--quiet")
    finally:
        link.unlink()
    assert run.exit_code == 1 and "error[outside-repository]" in run.output
    assert outside.read_text(encoding="utf-8") == "theirs"
