"""What each journal expects of a submission: CCSXML and no placeholder DOI (TODAES); the drop cap, the
manuscript-history note and PDF metadata (TCAD); references a reader can find; the build's quality gate."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from survey.build import build

REPO = Path(__file__).resolve().parents[2]
HAVE_TEX = all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftotext", "pdfinfo"))
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="latexmk, pdflatex, pdftotext and pdfinfo are needed")


def knowledge_base(root: Path, **metadata_changes: object) -> Path:
    root.mkdir()
    for part in ("taxonomy.yaml", "entries", "paper"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    path = root / "paper" / "metadata.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(metadata_changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def pdf_text(pdf: Path, *pages: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


CCS = [{"concept": "Hardware~Emerging architectures", "significance": 500, "id": "10010583.10010786"},
       {"concept": "Computing methodologies~Natural language processing", "significance": 100}]


@needs_tex
def test_todaes_submission_has_ccsxml_for_concepts_with_ids_and_no_placeholder_doi(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path / "kb", ccs=CCS, history={"received": "1 March 2026"})
    result = build(root, "todaes", tmp_path / "out")
    assert result.ok, [d.as_text() for d in result.diagnostics if d.is_error]
    tex = (tmp_path / "out" / "survey.tex").read_text(encoding="utf-8")
    block = re.search(r"\\begin\{CCSXML\}(.*?)\\end\{CCSXML\}", tex, re.S)
    assert block is not None
    assert "<concept_id>10010583.10010786</concept_id>" in block.group(1)
    assert "Natural language processing" not in block.group(1)  # no id: not in the block, still a \ccsdesc
    assert "\\ccsdesc[100]{Computing methodologies~Natural language processing}" in tex
    text = pdf_text(tmp_path / "out" / "survey.pdf")
    assert "nnnnnnn" not in text and "ACM Reference Format" not in text
    first_page = pdf_text(tmp_path / "out" / "survey.pdf", "-f", "1", "-l", "1")
    assert "doi.org" not in first_page  # no DOI yet, so no bare DOI link in the footer
    assert "Received 1 March 2026" in text


@needs_tex
def test_tcad_has_a_drop_cap_the_history_note_and_pdf_metadata(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path / "kb", history={"received": "1 March 2026"},
                          funding="This work was supported in part by a test grant.")
    result = build(root, "tcad", tmp_path / "out")
    assert result.ok, [d.as_text() for d in result.diagnostics if d.is_error]
    intro = (tmp_path / "out" / "sections" / "introduction.tex").read_text(encoding="utf-8")
    assert "\\IEEEPARstart{L}{arge} language models" in intro
    text = " ".join(pdf_text(tmp_path / "out" / "survey.pdf").split())
    assert "Manuscript received 1 March 2026. This work was supported in part by a test grant." in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "out" / "survey.pdf")], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Title:\s+Large Language Model Acceleration", info, re.M)
    assert re.search(r"^Author:\s+Yu Wang, Zhenhua Zhu", info, re.M)


def test_an_arxiv_only_reference_keeps_a_locator_in_refs_bib(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path / "kb")
    entry = next(p for p in sorted((root / "entries").glob("*.yaml"))
                 if "arxiv:" in p.read_text(encoding="utf-8") and "\ndoi:" not in p.read_text(encoding="utf-8"))
    data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    data.pop("url", None)
    data.pop("bibtex", None)
    entry.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = build(root, "tcad", tmp_path / "out", pdf=False)
    assert result.ok
    bib = (tmp_path / "out" / "refs.bib").read_text(encoding="utf-8")
    record = bib.split(f"{{{data['id']},")[1].split("\n}")[0]
    assert f"url = {{https://arxiv.org/abs/{data['arxiv']}}}" in record


def test_final_build_refuses_a_reference_without_a_locator(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path / "kb")
    entry = root / "entries" / "attacc-asplos24.yaml"
    data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    for key in ("doi", "url", "arxiv", "bibtex"):
        data.pop(key, None)
    for version in data.get("versions", []):
        version.pop("url", None)
    entry.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    draft = build(root, "todaes", tmp_path / "draft", pdf=False)
    mine = [d for d in draft.diagnostics if d.code == "reference-without-locator"
            and d.location.path.endswith("attacc-asplos24.yaml")]
    assert [d.is_error for d in mine] == [False]
    final = build(root, "todaes", tmp_path / "final", pdf=False, final=True)
    assert not final.ok
    found = [d for d in final.diagnostics if d.code == "reference-without-locator"
             and d.location.path.endswith("attacc-asplos24.yaml")]
    assert len(found) == 1 and found[0].is_error
    assert found[0].location.path.endswith("entries/attacc-asplos24.yaml") and found[0].location.line == 1  # at `id:`
