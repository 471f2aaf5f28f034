"""Turn pydantic's validation errors into located diagnostics people can act on."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from survey.diagnostics import Diagnostic, error
from survey.model import Entry, _nested_model
from survey.yamlsource import Path, SourceMap

_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "bool_type": "true or false",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date",
}


def _data_path(loc: tuple[Any, ...], data: Any) -> Path:
    """The part of pydantic's error location that names real data (it adds union branch names)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not path_is_branch(part):
            path.append(part)  # a missing or extra key: keep it, it is the field the message is about
            break
    return tuple(path)


def path_is_branch(part: str) -> bool:
    return part in {"int", "float", "str", "list[int]", "list[str]", "bool", "none"} or "[" in part \
        or part.startswith(("function-", "constrained-", "lax-", "json-"))


def _model_at(path: Path) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Entry
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        model = _nested_model(info.annotation)
    return model


def _field_name(path: Path) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[") or "entry"


def diagnostics_from_validation(exc: ValidationError, data: Any, source: SourceMap) -> list[Diagnostic]:
    found: dict[tuple[Path, str], Diagnostic] = {}
    for problem in exc.errors():
        kind = problem["type"]
        path = _data_path(problem["loc"], data)
        name = _field_name(path)
        if kind == "missing":
            parent = path[:-1]
            found[(path, kind)] = error(source.locate(parent, key=bool(parent)), "missing-field",
                                        f"required field '{path[-1]}' is missing"
                                        + (f" in {_field_name(parent)}" if parent else ""),
                                        _missing_hint(str(path[-1])))
        elif kind == "extra_forbidden":
            owner = _model_at(path[:-1])
            known = list(owner.model_fields) if owner else []
            guess = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else (
                f"known fields here: {', '.join(known)}" if known else None)
            found[(path, kind)] = error(source.locate(path, key=True), "unknown-field",
                                        f"unknown field '{path[-1]}'"
                                        + (f" in {_field_name(path[:-1])}" if len(path) > 1 else ""), hint)
        elif (path, "wrong-type") not in found:
            expected = _TYPE_WORDS.get(kind)
            got = problem.get("input")
            shown = repr(got) if not isinstance(got, (dict, list)) else ("a mapping" if isinstance(got, dict)
                                                                           else "a list")
            if expected:
                message = f"field '{name}' must be {expected}, not {shown}"
            elif kind == "too_short":
                message = f"field '{name}' needs at least {problem.get('ctx', {}).get('min_length', 1)} item(s)"
            else:
                detail = problem["msg"].rstrip(".")
                message = f"field '{name}': {detail[0].lower()}{detail[1:]}" + (
                    f" (got {shown})" if not isinstance(got, (dict, list)) else "")
            code = "invalid-id" if path == ("id",) and kind == "string_pattern_mismatch" else "wrong-type"
            hint = ("ids are lower-case words joined by hyphens, e.g. attacc-asplos24" if code == "invalid-id"
                    else "quote text values; write lists as [a, b] or one '- item' per line" if expected else None)
            found[(path, "wrong-type")] = error(source.locate(path), code, message, hint)
    return list(found.values())


def _missing_hint(name: str) -> str | None:
    return {
        "id": "add `id:` with the file name without .yaml",
        "type": "add `type:` keynote, invited-talk, poster or related-work",
        "title": "add `title:` with the title of the work",
        "people": "add `people:` with at least one person (name and role)",
        "role": "add `role:` speaker, presenter, author or chair",
        "unit": "add `unit:`, e.g. x, TOPS/W or ms",
        "locator": "say where in the paper: Abstract, Table 3, Fig. 9, ...",
        "quote": "add a short verbatim quote that contains the number",
    }.get(name)
