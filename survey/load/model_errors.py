"""Turn pydantic's validation errors into located diagnostics people can act on."""

from __future__ import annotations

import copy
import datetime
import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from survey.load.model import Entry, _nested_model
from survey.load.yamlsource import Path, SourceMap
from survey.report.diagnostics import Diagnostic, error, one_line

_TYPE_HINTS = {
    "int_type": "write a whole number such as 2024", "int_from_float": "write a whole number such as 2024",
    "int_parsing": "write the number without quotes",
    "float_type": "write the number without quotes or units (the unit goes in `unit:`)",
    "float_parsing": "write the number without quotes or units (the unit goes in `unit:`)",
    "string_type": "quote the value to make it text", "list_type": "write a list as [a, b] or one '- item' a line",
    "dict_type": "write a mapping of `key: value` lines", "model_type": "write a mapping of `key: value` lines",
}
_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_from_float": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "bool_type": "true or false",
    "number_as_text": "a number", "whole_number_as_text": "a whole number", "bool_as_number": "a number or text", "finite_number": "a finite number",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date",
}


def _data_path(loc: tuple[Any, ...], data: Any) -> Path:
    """The part of pydantic's error location that names real data (it adds union branch names)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        found = _child(current, part)
        if found is not _ABSENT:
            path.append(part)
            current = found
        elif isinstance(current, dict) and isinstance(part, str) and not path_is_branch(part):
            path.append(part)  # a missing or extra key: keep it, it is the field the message is about
            break
    return tuple(path)


_ABSENT = object()


def _child(data: Any, part: Any) -> Any:
    """data[part] when `part` names a key of the mapping or an index of the list `data`, else _ABSENT."""
    if isinstance(data, dict) and isinstance(part, str) and part in data:
        return data[part]
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return _ABSENT


def path_is_branch(part: str) -> bool:
    return part in {"int", "float", "str", "list[int]", "list[str]", "bool", "none"} or "[" in part \
        or part.startswith(("function-", "constrained-", "lax-", "json-"))


def _model_at(path: Path, root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class that holds the fields at `path` (list indices and mapping keys pass through)."""
    annotation: Any = root
    for part in path:
        model = _nested_model(annotation)
        if model is not None and isinstance(part, str) and part in model.model_fields:
            annotation = model.model_fields[part].annotation
        else:
            args = typing.get_args(annotation)  # the item of list[X], the value of dict[K, X]
            annotation = args[-1] if args else annotation
    return _nested_model(annotation)


def _field_name(path: Path) -> str:
    """metrics[0].unit; a mapping key with spaces is quoted: affiliations['Example University'].city."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum():
            text += f".{part}" if text else part
        else:
            text += f"['{one_line(part)}']"
    return text


def diagnostics_from_validation(exc: ValidationError, data: Any, source: SourceMap,
                                model: type[BaseModel] = Entry) -> list[Diagnostic]:
    """One located diagnostic per problem pydantic found in `data` (read from `source`) against `model`."""
    found: dict[tuple[Path, str], Diagnostic] = {}
    for problem in exc.errors():
        kind = problem["type"]
        path = _data_path(problem["loc"], data)
        name = _field_name(path) or "file"
        if kind == "missing":
            parent = path[:-1]
            found[(path, kind)] = error(source.locate(parent, key=bool(parent)), "missing-field",
                                        f"required field '{one_line(path[-1])}' is missing"
                                        + (f" in {_field_name(parent)}" if parent else ""),
                                        _missing_hint(str(path[-1])))
        elif kind == "extra_forbidden":
            owner = _model_at(path[:-1], model)
            known = list(owner.model_fields) if owner else []
            guess = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else (
                f"known fields here: {', '.join(known)}" if known else None)
            found[(path, kind)] = error(source.locate(path, key=True), "unknown-field",
                                        f"unknown field '{one_line(path[-1])}'"
                                        + (f" in {_field_name(path[:-1])}" if len(path) > 1 else ""), hint)
        elif (path, "wrong-type") not in found:
            expected = _TYPE_WORDS.get(kind)
            got = problem.get("input")
            shown = describe_value(got)
            if expected:
                message = f"field '{name}' must be {expected}, not {shown}"
            elif kind == "too_short":
                message = f"field '{name}' needs at least {problem.get('ctx', {}).get('min_length', 1)} item(s)"
            else:
                detail = problem["msg"].rstrip(".")
                message = f"field '{name}': {detail[0].lower()}{detail[1:]}" + (
                    f", not {shown}" if not isinstance(got, (dict, list)) else "")
            code = "invalid-id" if path == ("id",) and kind == "string_pattern_mismatch" else "wrong-type"
            hint = _id_hint(got) if code == "invalid-id" else _value_hint(kind, got)
            found[(path, "wrong-type")] = error(source.locate(path), code, message, hint)
    return list(found.values())


def describe_value(value: object) -> str:
    """What a value is, as YAML read it: the text '2.3x', the number 3, the truth value true, a list."""
    if isinstance(value, bool):
        return f"the truth value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text '{one_line(value)}'"
    if value is None:
        return "an empty value"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _value_hint(kind: str, value: object) -> str | None:
    """How to write the value so that it is what the field wants."""
    if isinstance(value, bool):
        return ("YAML reads yes, no, on, off, true and false as truth values: write the word the field wants, "
                "in quotes if it is one of those")
    if kind in ("number_as_text", "whole_number_as_text") and isinstance(value, str):
        try:
            float(value.replace(",", ""))
        except ValueError:
            leading = _LEADING_NUMBER.match(value.strip())
            if leading:
                return f"write the number alone, `{leading.group(0)}`; the unit goes in `unit:`"
            return "write a whole number such as 2024" if kind == "whole_number_as_text" else \
                "write a number such as 2.5"
        return "write the number without quotes"
    return _TYPE_HINTS.get(kind)


_LEADING_NUMBER = re.compile(r"^-?\d+(\.\d+)?(?=\s*[^\d\s.,])")


def _id_hint(value: object) -> str:
    from survey.load.identifiers import ID_RULE, non_ascii_note

    note = non_ascii_note(value) if isinstance(value, str) else None
    return f"{ID_RULE}; {note}" if note else ID_RULE


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


_PLACEHOLDERS: dict[str, Any] = {"title": "?", "type": "related-work", "people": [{"name": "?", "role": "author"}]}


def prune_invalid(data: dict[str, Any], source: SourceMap, file_id: str,
                  rounds: int = 5) -> tuple[dict[str, Any], SourceMap]:
    """Set aside every value pydantic rejects, keeping the source map in step (list items shift)."""
    data = copy.deepcopy(data)
    source = SourceMap(source.path, dict(source.values), dict(source.keys))
    for _ in range(rounds):
        try:
            Entry.model_validate(data)
            break
        except ValidationError as exc:
            paths = sorted({_prune_target(_data_path(p["loc"], data), p["type"], data) for p in exc.errors()},
                           key=lambda p: (len(p), [str(x) for x in p]), reverse=True)
            for path in paths:
                if len(path) == 1 and path[0] in ("id", "title", "type", "people") and \
                        (path[0] not in data or path[0] in _PLACEHOLDERS or path[0] == "id"):
                    data[path[0]] = file_id if path[0] == "id" else copy.deepcopy(_PLACEHOLDERS[path[0]])
                else:
                    _delete(data, source, path)
    return data, source


def _prune_target(path: Path, kind: str, data: Any) -> Path:
    """What to remove for an error: the value itself, or for a missing field the list item holding it."""
    if kind != "missing" or len(path) <= 1:
        return path
    for cut in range(len(path) - 1, 0, -1):
        if isinstance(path[cut - 1], int) or isinstance(path[cut], int):
            return path[:cut + 1] if isinstance(path[cut], int) else path[:cut]
    return path[:-1]


def _delete(data: Any, source: SourceMap, path: Path) -> None:
    parent: Any = data
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1] if path else None
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        del parent[last]
        _shift(source, path[:-1], last)


def _shift(source: SourceMap, list_path: Path, removed: int) -> None:
    """After removing item `removed` of the list at `list_path`, renumber the positions of later items."""
    depth = len(list_path)
    for table in (source.values, source.keys):
        moved: dict[Path, tuple[int, int]] = {}
        for path, where in table.items():
            index = path[depth] if len(path) > depth else None
            if path[:depth] == list_path and isinstance(index, int):
                if index == removed:
                    continue
                if index > removed:
                    moved[path[:depth] + (index - 1,) + path[depth + 1:]] = where
                    continue
            moved.setdefault(path, where)
        table.clear()
        table.update(moved)
