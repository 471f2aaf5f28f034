"""The sdist and the wheel carry everything a build needs.

The wheel (built from the sdist, as `python -m build` does) is installed alone into a fresh virtual environment
outside the checkout; there `survey init` writes a knowledge base and `survey build` makes a real PDF with
latexmk. The heavy dependencies come from this interpreter's site-packages (a path entry in the new environment,
whose .pth files, such as an editable install of this checkout, are not run); survey itself comes only from the
wheel, and the test proves it.
"""

from __future__ import annotations

import email.parser
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

import survey

HAVE_TEX = all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftotext"))
HAVE_BUILD = importlib.util.find_spec("build") is not None
needs_build = pytest.mark.skipif(not HAVE_BUILD, reason="the `build` package (test extra) is needed")

# What a build or `survey init` reads from the package, relative to survey/.
PACKAGE_DATA = ["data/templates/todaes.tex.j2", "data/templates/tcad.tex.j2", "data/templates/partials/body.tex.j2",
                "data/starter/taxonomy.yaml", "data/starter/paper/metadata.yaml",
                "data/starter/paper/sections/introduction.tex", "data/starter/paper/scope.yaml", "data/starter/entries/example-poster24.yaml",
                "data/templates/site/index.html.j2", "data/templates/site/site.js", "data/templates/site/site.css"]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
                          check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "SetuptoolsDeprecationWarning" not in done.stdout + done.stderr, "license metadata in a deprecated form"
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@needs_build
def test_sdist_carries_package_data_and_license_as_real_files(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as archive:
        members = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if "/" in m.name}
    for name in ["LICENSE", "pyproject.toml", *(f"survey/{p}" for p in PACKAGE_DATA)]:
        assert name in members, name
        assert members[name].isfile(), f"{name} is not a regular file in the sdist (a symbolic link?)"


@needs_build
def test_wheel_carries_package_data_license_and_version(dists: dict[str, Path]) -> None:
    assert dists["wheel"].name == f"survey-{survey.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(dists["wheel"]) as archive:
        names = set(archive.namelist())
        for name in PACKAGE_DATA:
            assert f"survey/{name}" in names, name
        assert archive.read("survey/data/starter/taxonomy.yaml") == (REPO / "taxonomy.yaml").read_bytes()
        info = f"survey-{survey.__version__}.dist-info"
        metadata = email.parser.Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
        assert f"{info}/licenses/LICENSE" in names
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    assert metadata["Version"] == survey.__version__


def _site_packages() -> list[str]:
    """This interpreter's site-packages folders (where the dependencies are installed)."""
    return [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]


@needs_build
@pytest.mark.skipif(not HAVE_TEX, reason="latexmk, pdflatex and pdftotext are needed")
def test_wheel_installed_alone_outside_the_checkout_builds_a_pdf(dists: dict[str, Path], tmp_path: Path) -> None:
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    own_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                   capture_output=True, text=True, check=True).stdout.strip())
    (own_site / "dependencies.pth").write_text("\n".join(_site_packages()) + "\n", encoding="utf-8")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "--disable-pip-version-check", str(dists["wheel"])],
                               check=False, capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    kb = tmp_path / "kb"
    kb.mkdir()
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    clean["PATH"] = f"{env / 'bin'}{os.pathsep}{clean.get('PATH', '')}"

    def run(*words: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(words), cwd=kb, env=clean, capture_output=True, text=True, timeout=900,
                              check=False)

    where = run(str(python), "-c", "import survey; print(survey.__file__)").stdout.strip()
    assert Path(where).is_relative_to(env), f"survey was imported from {where}, not from the wheel"
    assert not Path(where).is_relative_to(REPO)
    survey_command = str(env / "bin" / "survey")
    assert run(survey_command, "--version").stdout.strip().endswith(survey.__version__)
    init = run(survey_command, "init")
    assert init.returncode == 0, init.stdout + init.stderr
    check = run(survey_command, "check")
    assert check.returncode == 0 and "0 errors" in check.stdout, check.stdout + check.stderr
    built = run(survey_command, "build")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(kb / "build" / "survey.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for expected in ("[Working title of the survey]", "Ada Example", "Chris Editor",
                     "A Fictional Near-Bank PIM for Tiny Transformers"):
        assert expected.lower() in flat.lower(), expected
