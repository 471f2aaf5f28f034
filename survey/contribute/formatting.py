"""`survey fmt`: entries in the canonical key order (the entry model's field order) and style, comments kept.

Two passes. The first moves whole blocks of lines: each key of a block mapping together with its value and the
comment lines written just above it, so a comment travels with the field it describes (a YAML library attaches it
to the field before instead). The second is a ruamel.yaml round trip that orders the keys of flow mappings
(`{model: ..., phase: ...}`) and writes the canonical style: two-space indentation, list dashes indented by two.
The data is compared before and after; formatting never changes what an entry says.
"""

from __future__ import annotations

import io
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from survey.files.limits import MAX_FILE_BYTES


class FormatError(Exception):
    """The file is not YAML that can be formatted; `line` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool
    error: FormatError | None = None


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long strings
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _entry_model() -> type[BaseModel]:
    from survey.load.model import Entry

    return Entry


def _child_model(model: type[BaseModel] | None, key: Any) -> type[BaseModel] | None:
    """The model of the value at `key` (of each item, for a list field), or None."""
    if model is None or not isinstance(key, str) or key not in model.model_fields:
        return None
    return _model_in(model.model_fields[key].annotation)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _canonical_keys(keys: list[Any], model: type[BaseModel] | None) -> list[Any]:
    """The model's fields in its order, then unknown keys as written."""
    if model is None:
        return list(keys)
    order = {name: index for index, name in enumerate(model.model_fields)}
    return sorted(keys, key=lambda k: (0, order[k]) if isinstance(k, str) and k in order else (1, 0))


# What the loader refuses for its limits (survey.limits): ruamel.yaml and PyYAML would expand the aliases, recurse
# into the nesting or read the whole file, for minutes or until they crash.
_LIMIT_CODES = ("file-too-large", "alias-expansion", "too-deep")


def format_text(text: str) -> str:
    """The canonical form of one entry's YAML text; FormatError for text beyond the loader's limits."""
    from survey.load.yamlsource import parse_yaml

    beyond = [d for d in parse_yaml(text.encode("utf-8"), "").diagnostics if d.code in _LIMIT_CODES]
    if beyond:
        raise FormatError(f"{beyond[0].message}; {beyond[0].hint}" if beyond[0].hint else beyond[0].message,
                          beyond[0].location.line, beyond[0].location.column)
    yaml = _yaml()
    model = _entry_model()
    original = _load(yaml, text)
    # Without the final newline, the last field's block does not carry an empty line to wherever it moves.
    lines = text.removesuffix("\n").split("\n")
    if _is_block_map(original):
        lines = _render_map(lines, original, model, 0, len(lines))
    reordered = _load(yaml, "\n".join(lines) + "\n")
    _order_flow_maps(reordered, model)
    out = io.StringIO()
    yaml.dump(reordered, out)
    result = out.getvalue() if reordered is not None else text
    if _plain(result) != _plain(text):
        raise FormatError("formatting would change the data; the file is left as it is (please report this)")
    return result


def format_file(path: Path, check_only: bool, root: Path) -> FormatResult:
    """Format one file of the knowledge base at `root` in place (or only tell whether it would change)."""
    from survey.files.atomic_write import write_atomically
    from survey.files.repository_paths import escaping_target

    target = escaping_target(path, root)
    if target is not None:
        return FormatResult(path, False, FormatError(f"it is a symbolic link to {target}, outside the repository"))
    if not path.is_file():
        return FormatResult(path, False, FormatError("it is not a regular file"))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FormatResult(path, False, FormatError(
                f"file is {size / (1 << 20):.1f} MiB, larger than the {MAX_FILE_BYTES >> 20} MiB limit; an entry is a "
                "short YAML file", 1, 1))
        text = path.read_text(encoding="utf-8")
        formatted = format_text(text)
    except FormatError as exc:
        return FormatResult(path, False, exc)
    except (OSError, UnicodeDecodeError) as exc:
        return FormatResult(path, False, FormatError(f"cannot read the file: {exc}"))
    changed = formatted != text
    if changed and not check_only:
        write_atomically(path.resolve(), formatted)  # through an in-repository link, to the file it names
    return FormatResult(path, changed)


def _load(yaml: Any, text: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise FormatError(message, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0) from exc
    except YAMLError as exc:
        raise FormatError(" ".join(str(exc).split())) from exc
    except (ValueError, TypeError, ArithmeticError, LookupError, AttributeError) as exc:
        # ruamel.yaml's constructors fail in many ways on explicitly tagged text (`!!int text`, `!!float ''`)
        raise FormatError(f"cannot read the file as plain YAML data ({' '.join(str(exc).split())[:200]}); run "
                          "`survey check` on it for the place") from exc


def _plain(text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, TypeError, ArithmeticError, LookupError, AttributeError) as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())[:200]
        raise FormatError(f"cannot read the file as plain YAML data: {problem}", mark.line + 1 if mark else 0,
                          mark.column + 1 if mark else 0) from exc


def _is_block_map(node: Any) -> bool:
    from ruamel.yaml.comments import CommentedMap

    return isinstance(node, CommentedMap) and not node.fa.flow_style() and len(node) > 0


def _is_block_seq(node: Any) -> bool:
    from ruamel.yaml.comments import CommentedSeq

    return isinstance(node, CommentedSeq) and not node.fa.flow_style() and len(node) > 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _region_start(lines: list[str], line: int, column: int, floor: int) -> int:
    """The first of the comment lines just above `line` that describe it (not indented past `column`)."""
    start = line
    probe = line - 1
    while probe >= floor and (not lines[probe].strip() or (_is_comment(lines[probe]) and
                                                           _indent(lines[probe]) <= column)):
        if lines[probe].strip():
            start = probe
        probe -= 1
    return start


def _render_map(lines: list[str], node: Any, model: type[BaseModel] | None, start: int, end: int) -> list[str]:
    """Lines start..end-1 with the keys of block mapping `node` (written there) in canonical order."""
    keys = list(node.keys())
    positions = [node.lc.key(k) for k in keys]
    starts = [positions[0][0]]  # what precedes the first key (a file's header comments) stays in place
    for index in range(1, len(keys)):
        starts.append(_region_start(lines, positions[index][0], positions[index][1], positions[index - 1][0] + 1))
    head = lines[start:starts[0]]
    blocks: dict[Any, list[str]] = {}
    for index, key in enumerate(keys):
        block_end = starts[index + 1] if index + 1 < len(keys) else end
        blocks[key] = _render_value(lines, node[key], _child_model(model, key), positions[index][0],
                                    starts[index], block_end)
    out = list(head)
    for key in _canonical_keys(keys, model):
        out.extend(blocks[key])
    return out


def _render_value(lines: list[str], value: Any, model: type[BaseModel] | None, key_line: int, start: int,
                  end: int) -> list[str]:
    """The block of one key (start..end-1), with a nested block mapping or list of mappings reordered too."""
    if _is_block_map(value) and value.lc.line > key_line:
        return lines[start:key_line + 1] + _render_map(lines, value, model, key_line + 1, end)
    if _is_block_seq(value) and value.lc.line >= key_line:
        return lines[start:key_line + 1] + _render_items(lines, value, model, key_line + 1, end)
    return lines[start:end]


def _render_items(lines: list[str], seq: Any, model: type[BaseModel] | None, start: int, end: int) -> list[str]:
    item_lines = [seq.lc.item(i)[0] for i in range(len(seq))]
    item_starts = [item_lines[0]]
    for index in range(1, len(seq)):
        dash = lines[item_lines[index]].find("-")
        item_starts.append(_region_start(lines, item_lines[index], dash, item_lines[index - 1] + 1))
    out = lines[start:item_starts[0]]
    for index, item in enumerate(seq):
        item_end = item_starts[index + 1] if index + 1 < len(seq) else end
        first = item_lines[index]
        if _is_block_map(item) and item.lc.line == first and lines[first].lstrip().startswith("- "):
            out.extend(lines[item_starts[index]:first])
            out.extend(_render_item_map(lines, item, model, first, item_end))
        else:
            out.extend(lines[item_starts[index]:item_end])
    return out


def _render_item_map(lines: list[str], item: Any, model: type[BaseModel] | None, first: int, end: int) -> list[str]:
    """A mapping that starts on its dash line (`- kind: speedup`): reorder it as a plain mapping, dash restored."""
    dash = lines[first].index("-")
    working = list(lines)
    working[first] = lines[first][:dash] + " " + lines[first][dash + 1:]
    rendered = _render_map(working, item, model, first, end)
    key_column = item.lc.key(next(iter(item)))[1]
    for index, line in enumerate(rendered):
        if line.strip() and not _is_comment(line) and _indent(line) == key_column:
            rendered[index] = line[:dash] + "-" + line[dash + 1:]
            break
    return rendered


def _order_flow_maps(node: Any, model: type[BaseModel] | None) -> None:
    """Put the keys of flow mappings (without comments) in canonical order, everywhere in the tree."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        for key in list(node.keys()):
            _order_flow_maps(node[key], _child_model(model, key))
        if node.fa.flow_style() and not node.ca.items:
            keys = list(node.keys())
            wanted = _canonical_keys(keys, model)
            if wanted != keys:
                values = {k: node[k] for k in keys}
                for key in keys:
                    del node[key]
                for key in wanted:
                    node[key] = values[key]
    elif isinstance(node, CommentedSeq):
        for item in node:
            _order_flow_maps(item, model)
