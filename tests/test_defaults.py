"""The package's own files: default templates a knowledge base falls back on, and `survey init`'s starter."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from click.testing import CliRunner
from conftest import REPO

from survey.build import template_files, template_folders
from survey.cli.main import main
from survey.files.defaults import default_templates, starter_files
from survey.render.latex import make_environment
from survey.render.latex_escape import Escaper, fallback_charset


def test_default_templates_are_the_repositorys_templates() -> None:
    shipped = sorted(p.relative_to(default_templates()) for p in default_templates().rglob("*") if p.is_file())
    own = sorted(p.relative_to(REPO / "templates") for p in (REPO / "templates").rglob("*") if p.is_file())
    assert shipped == own and Path("todaes.tex.j2") in shipped
    for name in shipped:
        assert (default_templates() / name).read_bytes() == (REPO / "templates" / name).read_bytes()


def test_starter_taxonomy_is_the_repositorys_taxonomy() -> None:
    starter = dict(starter_files())
    assert starter[PurePosixPath("taxonomy.yaml")] == (REPO / "taxonomy.yaml").read_bytes()


def test_init_writes_a_knowledge_base_that_checks_clean(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(tmp_path / "kb")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "kb"
    for name in ("taxonomy.yaml", "paper/metadata.yaml", "paper/sections/introduction.tex", "paper/scope.yaml",
                 "entries/example-poster24.yaml", "schema/entry.schema.json"):
        assert (root / name).is_file(), name
    assert "6 files written, 0 kept" in result.output
    checked = runner.invoke(main, ["--root", str(root), "check"])
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.output


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "metadata.yaml").write_text("mine\n", encoding="utf-8")
    (tmp_path / "taxonomy.yaml").write_text("also mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "paper" / "metadata.yaml").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "taxonomy.yaml").read_text(encoding="utf-8") == "also mine\n"
    assert "paper/metadata.yaml (already there)" in result.output
    assert (tmp_path / "entries" / "example-poster24.yaml").is_file()
    again = CliRunner().invoke(main, ["--root", str(tmp_path), "init"])
    assert "0 files written, 6 kept" in again.output


def test_a_knowledge_bases_own_template_wins_and_the_others_fall_back(tmp_path: Path) -> None:
    (tmp_path / "templates" / "partials").mkdir(parents=True)
    own = tmp_path / "templates" / "partials" / "body.tex.j2"
    own.write_text("% my body\n", encoding="utf-8")
    folders = template_folders(tmp_path)
    assert folders == [tmp_path / "templates", default_templates()]
    read = template_files(folders)
    assert own in read and default_templates() / "partials" / "body.tex.j2" not in read
    assert default_templates() / "todaes.tex.j2" in read
    environment = make_environment(folders, Escaper(fallback_charset()))
    assert environment.get_template("partials/body.tex.j2").render() == "% my body\n"
    assert environment.get_template("todaes.tex.j2").filename == str(default_templates() / "todaes.tex.j2")


def test_a_knowledge_base_without_templates_uses_the_packages(tmp_path: Path) -> None:
    assert template_folders(tmp_path) == [default_templates()]
