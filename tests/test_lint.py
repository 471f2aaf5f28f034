"""The code and the workflow stay clean: ruff and mypy on survey/, zizmor on the GitHub workflow (the `test` extra
installs all three, at pinned versions), so a new lint or type error, or an unpinned action, fails the suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def _tool(name: str) -> str:
    """The tool installed beside this Python (the `test` extra), else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    assert found, f"{name} is missing: install the test extra (`bash scripts/setup --test`)"
    return found


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, env=env, check=False)


def test_ruff_finds_nothing_in_the_package() -> None:
    run = _run(_tool("ruff"), "check", "--no-cache", "survey")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_finds_nothing_in_the_package() -> None:
    run = _run(_tool("mypy"), "--no-incremental", "--cache-dir", os.devnull, "survey")
    assert run.returncode == 0, run.stdout + run.stderr


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    run = _run(_tool("zizmor"), "--offline", "--persona", "pedantic", *map(str, WORKFLOWS))
    assert run.returncode == 0, run.stdout + run.stderr


PAGES_DEPLOY_PERMISSIONS = {"pages": "write", "id-token": "write"}


def _deploys_pages(job: dict[str, object]) -> bool:
    """A job that only deploys to GitHub Pages: its one step is actions/deploy-pages, in the github-pages environment."""
    steps = job.get("steps")
    environment = job.get("environment")
    name = environment.get("name") if isinstance(environment, dict) else environment
    return (name == "github-pages" and isinstance(steps, list) and len(steps) == 1
            and str(steps[0].get("uses", "")).startswith("actions/deploy-pages@"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_and_no_checkout_keeps_credentials(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow.get("permissions") == {}, "the workflow grants nothing by default; jobs ask for what they use"
    for job in workflow["jobs"].values():
        if _deploys_pages(job):  # a Pages deployment needs these two, and nothing else
            assert job.get("permissions") == PAGES_DEPLOY_PERMISSIONS, job.get("permissions")
        else:
            assert "write" not in str(job.get("permissions", {})), job.get("permissions")
        for step in job["steps"]:
            uses = step.get("uses")
            if uses is None:
                continue
            reference = uses.rsplit("@", 1)[1]
            assert len(reference) == 40 and all(c in "0123456789abcdef" for c in reference), uses
            if uses.startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, step
