"""The package layout shows the pipeline: imports point one way (docs/architecture.md's stage order), no circles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORDER_LINE = re.compile(r"^Stage order, lowest first: `([a-z_ <]+)`$", re.MULTILINE)
TOP_MODULES = {"__init__", "__main__", "api", "build", "release", "bundle"}  # the package's face, its entry points, the orchestration


def stage_order(architecture: str) -> list[str]:
    """The stages, lowest first, from the one line of docs/architecture.md that states them."""
    found = ORDER_LINE.findall(architecture)
    assert len(found) == 1, "docs/architecture.md must state the stage order on exactly one line"
    return [name.strip() for name in found[0].split("<")]


def module_name(package: Path, path: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(package: Path, path: Path) -> set[str]:
    """Every survey module `path` imports, at any depth of the file (type-checking imports included)."""
    root = package.name
    here = module_name(package, path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == root)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module or ""
            if base.split(".")[0] != root:
                continue
            for alias in node.names:  # `from survey.load import units` imports the module survey.load.units
                candidate = f"{base}.{alias.name}"
                module_file = package.parent.joinpath(*candidate.split("."))
                found.add(candidate if module_file.with_suffix(".py").is_file() or module_file.is_dir() else base)
    return found


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "face"
    if len(parts) == 2 and parts[1] in TOP_MODULES:
        return "cli" if parts[1] == "__main__" else parts[0]
    return parts[1]


def layout_problems(package: Path, order: list[str]) -> list[str]:
    """Imports that run against `order`, circles of imports, and modules outside the stage packages."""
    rank = {stage: number for number, stage in enumerate(order)}
    graph: dict[str, set[str]] = {}
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        module = module_name(package, path)
        graph[module] = imported_modules(package, path)
        stage = stage_of(module)
        if stage != "face" and stage not in rank:
            problems.append(f"{module}: in no stage of the order {order}")
    for module, targets in sorted(graph.items()):
        stage = stage_of(module)
        for target in sorted(targets):
            target_stage = stage_of(target)
            if stage == "face":
                problems.append(f"{module} imports {target}: the package's face imports nothing")
            elif target_stage != "face" and stage in rank and target_stage in rank \
                    and rank[target_stage] > rank[stage]:
                problems.append(f"{module} ({stage}) imports {target} ({target_stage}), a later stage")
    problems.extend(f"circle of imports: {' -> '.join(circle)}" for circle in circles(graph))
    return problems


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each group of modules that import each other (depth-first search)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                found.append(path[path.index(target):] + [target])
            elif target in graph and target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_imports_point_down_the_pipeline_and_never_round_a_circle() -> None:
    order = stage_order((REPO / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert order[:3] == ["report", "files", "load"], order
    assert layout_problems(REPO / "survey", order) == []


def test_the_top_of_the_package_holds_only_its_face_and_the_build_orchestration() -> None:
    order = stage_order((REPO / "docs" / "architecture.md").read_text(encoding="utf-8"))
    top = {p.stem for p in (REPO / "survey").glob("*.py")}
    assert top <= TOP_MODULES, top - TOP_MODULES
    folders = {p.name for p in (REPO / "survey").iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == set(order) - {"survey"}


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "survey" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "survey"


def test_the_layout_check_finds_a_backward_import_a_circle_and_a_stray_module(tmp_path: Path) -> None:
    package = write_package(tmp_path, {
        "__init__.py": '__version__ = "0"\n',
        "load/__init__.py": "", "load/model.py": "from survey.check.rules import check\n",
        "check/__init__.py": "", "check/rules.py": "from survey import __version__\n",
        "derive/__init__.py": "",
        "derive/views.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from survey.derive.quality import Q\n",
        "derive/quality.py": "def f():\n    from survey.derive import views\n",
        "derive/plain.py": "from . import views\nfrom .quality import f\n",
        "utils.py": "from survey.load import model\n",
    })
    problems = layout_problems(package, ["load", "check", "derive", "survey"])
    assert "survey.load.model (load) imports survey.check.rules (check), a later stage" in problems
    assert "circle of imports: survey.derive.quality -> survey.derive.views -> survey.derive.quality" in problems
    assert "survey.utils: in no stage of the order ['load', 'check', 'derive', 'survey']" in problems
    assert imported_modules(package, package / "derive" / "plain.py") == {"survey.derive.views",
                                                                            "survey.derive.quality"}
    assert len(problems) == 3, problems  # the face may be imported by any stage (check/rules.py)
