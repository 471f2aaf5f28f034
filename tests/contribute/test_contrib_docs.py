"""CONTRIBUTING.md and the pull-request kit stay true: a test follows the document's own commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CONTRIBUTING = REPO / "CONTRIBUTING.md"
# Lines that need GitHub or install software; the test stands in for them (a fresh repository, the installed tool).
NEEDS_NETWORK = ("git clone ", "cd llm-pim-survey", "bash scripts/setup", "git push ")
GIT_ENV = {"GIT_AUTHOR_NAME": "Ada Example", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada Example", "GIT_COMMITTER_EMAIL": "ada@example.org"}


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, **GIT_ENV}
    if shutil.which("survey") is None:  # the console script of `pip install -e .` is not on PATH: stand in for it
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "survey"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m survey "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return env


def test_a_newcomer_following_contributing_md_gets_an_entry_that_passes_the_check(tmp_path: Path) -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    fork = tmp_path / "llm-pim-survey"
    (fork / "entries").mkdir(parents=True)
    shutil.copy(REPO / "taxonomy.yaml", fork / "taxonomy.yaml")
    shutil.copy(REPO / "tests" / "fixtures" / "valid_entry.yaml", fork / "entries" / "ada-example-pim24.yaml")
    env = _environment(tmp_path)
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "the survey"]):
        subprocess.run(["git", *command], cwd=fork, env=env, check=True, capture_output=True)
    metrics = next(block for block in fenced(text, "yaml") if block.startswith("metrics:"))
    edited = False
    outputs = []
    for block in fenced(text, "sh"):
        if "survey check" in block and not edited:  # step 3: the reader pastes the metrics into the new file
            entry = next(fork.glob("entries/tinypim-*.yaml"))
            entry.write_text(entry.read_text(encoding="utf-8").replace("metrics: []\n", metrics), encoding="utf-8")
            edited = True
        script = "\n".join(line for line in block.splitlines() if not line.startswith(NEEDS_NETWORK))
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=fork, env=env, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, f"{script}\n---\n{done.stdout}{done.stderr}"
        outputs.append(done.stdout)
    assert edited
    entry = fork / "entries" / "tinypim-example24.yaml"
    data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    assert data["type"] == "poster" and data["people"][0] == {
        "name": "Ada Example", "affiliations": ["Example University"], "role": "presenter"}
    assert [m["kind"] for m in data["metrics"]] == ["speedup", "energy-efficiency"]
    assert any("0 errors, 0 warnings" in out for out in outputs)
    final = subprocess.run(["survey", "check"], cwd=fork, env=env, capture_output=True, text=True,
                           check=False)
    assert final.returncode == 0, final.stdout
    log = subprocess.run(["git", "log", "--oneline", "-1", "--", "entries/tinypim-example24.yaml"], cwd=fork,
                         env=env, capture_output=True, text=True, check=True)
    assert "Add TinyPIM poster" in log.stdout


def test_contributing_md_marks_its_worked_example_as_fictional() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert "The worked example below is fictional." in text
    assert "Ada Example" in text and "Example University" in text


def test_pre_commit_check_hook_runs_on_every_commit_over_the_whole_knowledge_base() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "survey-check")
    assert hook["entry"] == "survey check" and hook["language"] == "python"
    # a commit that only deletes a file stages nothing a `files:` pattern could match: run always, on everything
    assert hook["always_run"] is True and hook["pass_filenames"] is False


def test_pre_commit_fmt_hook_formats_staged_entries_only() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "survey-fmt")
    assert hook["entry"] == "survey fmt" and hook.get("pass_filenames", True)
    pattern = re.compile(hook["files"])
    assert pattern.search("entries/attacc-asplos24.yaml") and pattern.search("entries/x.yml")
    assert not pattern.search("taxonomy.yaml") and not pattern.search("docs/examples/entries/x.yaml")


def test_documented_pre_commit_rev_is_the_release_tag_of_this_version() -> None:
    import survey

    config = next(block for block in fenced(CONTRIBUTING.read_text(encoding="utf-8"), "yaml")
                  if block.startswith("repos:"))
    (repo,) = yaml.safe_load(config)["repos"]
    assert repo["rev"] == f"v{survey.__version__}"
    assert {h["id"] for h in repo["hooks"]} == {"survey-check", "survey-fmt"}


def test_pull_request_workflow_checks_formats_and_builds_the_pdf() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    commands = "\n".join(step.get("run", "") for step in steps)
    for needed in ("pip install -e .", "survey check --format github", "survey fmt --check", "bash scripts/setup",
                   "survey build", "survey authors --cff --check", "python -m pytest"):
        assert needed in commands, needed
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"] == "build/survey.pdf"
    assert (REPO / ".github" / "pull_request_template.md").is_file()
