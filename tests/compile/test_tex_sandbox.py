"""TeX runs sandboxed whatever the user's TeX configuration says: no shell escape, no file access outside the build
folder. These tests compile hostile LaTeX directly (as if escaping had failed) under a hostile configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from survey.compile.latexmk import compile_pdf, tex_environment

needs_tex = pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                               reason="needs latexmk and pdftotext")
SECRET = "SECRETTOKEN7Q"


@pytest.fixture
def hostile_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user whose TeX configuration allows everything: shell escape on, any file readable and writable."""
    home = tmp_path / "home"
    (home / ".config" / "latexmk").mkdir(parents=True)
    rc = "$pdf_mode = 1; $pdflatex = 'pdflatex -shell-escape %O %S';\n"
    (home / ".latexmkrc").write_text(rc)
    (home / ".config" / "latexmk" / "latexmkrc").write_text(rc)
    cnf = tmp_path / "cnf"
    cnf.mkdir()
    (cnf / "texmf.cnf").write_text("shell_escape = t\nopenin_any = a\nopenout_any = a\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TEXMFCNF", f"{cnf}:")
    monkeypatch.setenv("shell_escape", "t")
    monkeypatch.setenv("openin_any", "a")
    monkeypatch.setenv("openout_any", "a")
    monkeypatch.setenv("TEXMFOUTPUT", str(tmp_path))
    monkeypatch.setenv("TEXINPUTS", f"{tmp_path}//:")
    (tmp_path / "secret.tex").write_text(SECRET + "\n")
    return tmp_path


def _document(body: str) -> str:
    return "\\documentclass{article}\n\\begin{document}\nStart.\n" + body + "\nEnd.\n\\end{document}\n"


def _compile(tmp: Path, body: str) -> tuple[bool, str]:
    """Compile `body` in tmp/build with survey's compile step; (ok, the PDF's text or '')."""
    build = tmp / "build"
    build.mkdir(exist_ok=True)
    (build / "main.tex").write_text(_document(body))
    result = compile_pdf(build, "main.tex", ["main.tex"], force=True)
    if not result.ok:
        return False, ""
    text = subprocess.run(["pdftotext", str(build / "survey.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    return True, text


@needs_tex
def test_hostile_configuration_would_enable_shell_escape_without_the_sandbox(hostile_config: Path) -> None:
    # The control: the same configuration really does let plain pdflatex run commands, so the tests below
    # would fail if survey's compile step did not override it.
    folder = hostile_config / "control"
    folder.mkdir()
    marker = hostile_config / "control-ran"
    (folder / "main.tex").write_text(_document(f"\\immediate\\write18{{touch {marker}}}"))
    subprocess.run(["latexmk", "-interaction=nonstopmode", "main.tex"], cwd=folder, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=120, check=False)
    assert marker.exists()


@needs_tex
def test_write18_runs_no_command_even_when_the_user_configuration_enables_shell_escape(hostile_config: Path) -> None:
    marker = hostile_config / "ran"
    _compile(hostile_config, f"\\immediate\\write18{{touch {marker}}}\\input|\"touch {marker}\" ")
    assert not marker.exists()


@needs_tex
def test_tex_cannot_read_a_file_outside_the_build_folder_whatever_the_configuration(hostile_config: Path) -> None:
    body = ("\\newread\\r \\openin\\r=" + str(hostile_config / "secret.tex")
            + " \\ifeof\\r NOTREAD\\else\\read\\r to\\x READ:\\x\\fi\\closein\\r"
            + " \\openin\\r=../../secret.tex \\ifeof\\r NOTREADREL\\else\\read\\r to\\y READ:\\y\\fi")
    ok, text = _compile(hostile_config, body)
    assert ok
    assert SECRET not in text
    assert "NOTREAD" in text and "NOTREADREL" in text
    for found in (hostile_config / "build").rglob("*"):
        if found.is_file():
            assert SECRET.encode() not in found.read_bytes(), found


@needs_tex
def test_input_of_a_file_outside_the_build_folder_fails_instead_of_reading_it(hostile_config: Path) -> None:
    for body in (f"\\input{{{hostile_config / 'secret'}}}", "\\input{../../secret}", "\\input{secret}"):
        _, text = _compile(hostile_config, body)
        assert SECRET not in text, body


@needs_tex
def test_tex_cannot_write_a_file_outside_the_build_folder_whatever_the_configuration(hostile_config: Path) -> None:
    for target in (str(hostile_config / "written.txt"), "../../written.txt", "../written.txt"):
        _compile(hostile_config, f"\\immediate\\openout5={target} \\immediate\\write5{{x}}\\immediate\\closeout5")
        assert not (hostile_config / "written.txt").exists(), target
        assert not (hostile_config / "build" / "written.txt").exists(), target


def test_the_tex_environment_overrides_every_permissive_setting() -> None:
    hostile = {"PATH": "/usr/bin", "shell_escape": "t", "openin_any": "a", "openout_any": "a",
               "TEXMFCNF": "/tmp/x:", "TEXINPUTS": "/:", "TEXMFOUTPUT": "/", "BIBINPUTS": "/", "BSTINPUTS": "/",
               "shell_escape_commands": "sh,bash"}
    env = tex_environment(hostile)
    assert (env["shell_escape"], env["openin_any"], env["openout_any"]) == ("f", "p", "p")
    for name in ("TEXMFCNF", "TEXINPUTS", "TEXMFOUTPUT", "BIBINPUTS", "BSTINPUTS", "shell_escape_commands"):
        assert name not in env
    assert env["PATH"] == "/usr/bin"


@needs_tex
def test_a_missing_latex_package_is_named_with_the_command_that_installs_it(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    (build / "main.tex").write_text("\\documentclass{article}\n\\usepackage{surveynosuchpackage}\n"
                                    "\\begin{document}x\\end{document}\n")
    result = compile_pdf(build, "main.tex", ["main.tex"])
    assert not result.ok
    found = [d for d in result.diagnostics if d.code == "missing-latex-package"]
    assert found, [d.as_text() for d in result.diagnostics]
    assert "surveynosuchpackage.sty" in found[0].message
    assert "scripts/setup" in (found[0].hint or "") and "tlmgr install" in (found[0].hint or "")


def test_a_missing_document_class_names_its_debian_package(tmp_path: Path) -> None:
    # A class cannot be made missing without uninstalling TeX Live: read the log line TeX writes for one.
    from survey.compile.latexmk import read_log

    log = "./main.tex:1: LaTeX Error: File `acmart.cls' not found.\n"
    found = read_log(log, "main.tex", ["\\documentclass{acmart}"], lambda entry_id: None, tmp_path)
    assert [d.code for d in found] == ["missing-latex-package"]
    assert "apt-get install texlive-publishers" in (found[0].hint or "")


@needs_tex
def test_a_page_that_holds_more_than_fits_is_a_warning_not_silence(tmp_path: Path) -> None:
    # acmart sets page one as one box and cuts what overflows; TeX's only sign is an overfull \vbox in \output.
    build = tmp_path / "build"
    build.mkdir()
    (build / "main.tex").write_text(_document("\\noindent\\rule{1pt}{1.3\\textheight}"))
    result = compile_pdf(build, "main.tex", ["main.tex"])
    assert result.ok
    found = [d for d in result.diagnostics if d.code == "page-overflow"]
    assert len(found) == 1 and not found[0].is_error
    assert "1 page(s)" in found[0].message


@needs_tex
def test_tex_that_loops_is_stopped_with_its_children_and_the_previous_pdf_kept(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    (build / "main.tex").write_text(_document("Fine."))
    assert compile_pdf(build, "main.tex", ["main.tex"]).ok
    previous = (build / "survey.pdf").read_bytes()
    (build / "main.tex").write_text(_document("\\def\\loop{\\loop}\\loop"))  # TeX would run for ever
    started = time.monotonic()
    result = compile_pdf(build, "main.tex", ["main.tex"], timeout=3)
    assert time.monotonic() - started < 30
    assert not result.ok and [d.code for d in result.diagnostics] == ["tex-timeout"]
    assert "SURVEY_TEX_TIMEOUT" in (result.diagnostics[0].hint or "")
    assert (build / "survey.pdf").read_bytes() == previous
    assert not _running_in(build), "latexmk or pdflatex still running"


def _running_in(folder: Path) -> list[str]:
    """Processes whose working folder is in `folder` (latexmk and pdflatex run in its staging folder)."""
    found = []
    for name in (n for n in os.listdir("/proc") if n.isdigit()):
        try:
            cwd = os.readlink(f"/proc/{name}/cwd")
        except OSError:
            continue
        if cwd.startswith(str(folder)):
            found.append(name)
    return found


@needs_tex
def test_the_preamble_format_is_built_in_the_same_sandbox(hostile_config: Path) -> None:
    from survey.compile.preamble_format import MARK, FormatJob

    marker, outside = hostile_config / "format-ran", hostile_config / "format-wrote.tex"
    hazards = {  # one a head, since TeX stops at the first refusal: the line, and what the log says of it
        "command": (f"\\immediate\\write18{{touch {marker}}}", "runsystem(touch"),
        "write": (f"\\newwrite\\out\\immediate\\openout\\out={outside} \\immediate\\write\\out{{x}}"
                  "\\immediate\\closeout\\out", ""),
        "read": (f"\\input{{{hostile_config / 'secret.tex'}}}", "not found"),
    }
    for name, (line, refused) in hazards.items():
        folder = hostile_config / f"format-{name}"
        FormatJob(f"\\documentclass{{article}}\n{line}\n{MARK}\n", folder, 120, tex_environment()).result()
        log = (folder / "survey-preamble.log").read_text(encoding="utf-8", errors="replace")
        assert refused in log and SECRET not in log, log[-2000:]
    assert not marker.exists() and not outside.exists()
