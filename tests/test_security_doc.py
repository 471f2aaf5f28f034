"""SECURITY.md names a test for each guarantee: those tests must exist, and the CI workflow must stay as it says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"`(tests/(?:[a-z]+/)?test_[a-z0-9_]+\.py)::(test_[a-z0-9_]+)`")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_security_md_names_exists() -> None:
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) >= 30
    missing = [f"{file}::{name}" for file, name in references
               if not (REPO / file).is_file() or name not in _test_names(REPO / file)]
    assert not missing


def test_every_guarantee_table_row_names_a_test() -> None:
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| Guarantee", "|---"))]
    assert rows
    assert [row for row in rows if not REFERENCE.search(row)] == []


def test_the_pull_request_workflow_runs_with_a_read_only_token_and_no_secrets() -> None:
    for workflow in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        text = workflow.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
        assert "pull_request_target" not in (triggers or {}), workflow
        assert data.get("permissions") in ({}, {"contents": "read"}), workflow
        for job in data["jobs"].values():  # a job asks for what it uses, and reading is all any job may do ...
            allowed: list[object] = [{}, {"contents": "read"}]
            if "pull_request" not in (triggers or {}) and [s.get("uses", "").split("@")[0] for s in job["steps"]] \
                    == ["actions/deploy-pages"]:
                allowed.append({"pages": "write", "id-token": "write"})  # ... but deploy merged code to Pages
            assert job.get("permissions", data.get("permissions")) in allowed, workflow
        assert "secrets." not in text, workflow
