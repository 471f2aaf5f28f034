"""Read one YAML file safely into plain data plus the source position of every value.

PyYAML's loaders keep the last of two equal keys, construct arbitrary tags and expand aliases without limit;
its C composer even crashes on deep nesting. So we build the data ourselves from libyaml's event stream (an
iterative parser), which lets us: report duplicate keys, refuse every tag that is not plain data, bound alias
expansion and nesting depth, and remember where each value was written. Nothing in the file ever executes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from survey.files.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from survey.report.diagnostics import Diagnostic, Location, error

MAX_BYTES = MAX_FILE_BYTES  # the limits live in survey.limits, shared with fmt, import-bib and the check

Path = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document was written."""

    path: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    aliased: bool = False  # an alias was used: the data may hold more text than the file

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The location of `path`, or of its nearest written ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            where = table.get(probe) or self.values.get(probe)
            if where is not None:
                return Location(self.path, where[0], where[1])
            if not probe:
                return Location(self.path, 1, 1)
            probe = probe[:-1]


@dataclass
class LoadedYaml:
    data: Any
    source: SourceMap
    diagnostics: list[Diagnostic]

    @property
    def fatal(self) -> bool:
        return self.data is None


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


def _scalar(event: yaml.ScalarEvent, path: str, mark: tuple[int, int]) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag not in _PLAIN_TAGS:
        raise _Abort(_tag_error(event.tag or "", Location(path, *mark)))
    if tag.endswith(":str"):
        return event.value
    node = yaml.ScalarNode(tag, event.value, cast(Any, event.start_mark), cast(Any, event.end_mark), event.style)
    try:
        if tag.endswith(":int"):
            return _constructor.construct_yaml_int(node)
        if tag.endswith(":float"):
            return _constructor.construct_yaml_float(node)
        if tag.endswith(":bool"):
            return _constructor.construct_yaml_bool(node)
        if tag.endswith(":null"):
            return None
        if tag.endswith(":timestamp"):
            return _constructor.construct_yaml_timestamp(node)
    except (ValueError, ArithmeticError, LookupError, AttributeError, TypeError, yaml.YAMLError):
        pass  # PyYAML's constructors fail in many ways on explicitly tagged text: `!!float ''`, `!!timestamp on`
    raise _Abort(error(Location(path, *mark), "yaml-syntax",
                       f"cannot read {event.value!r} as {tag.rsplit(':', 1)[-1]}",
                       "quote the value to keep it as text"))


def _tag_error(tag: str, where: Location) -> Diagnostic:
    return error(where, "unsupported-tag", f"YAML tag '{tag}' is not allowed in the knowledge base",
                 "entries hold plain data only: remove the tag (nothing tagged is ever executed)")


def parse_yaml(raw: bytes, path: str) -> LoadedYaml:
    """Parse one YAML document from bytes; never raises for bad input, reports diagnostics instead."""
    source = SourceMap(path)
    first = Location(path, 1, 1)
    if len(raw) > MAX_BYTES:
        return LoadedYaml(None, source, [_too_large(first, f"{len(raw) / (1 << 20):.1f} MiB")])
    if b"\x00" in raw[:8192] or raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return LoadedYaml(None, source, [error(first, "binary-file", "file is binary, not YAML text",
                                               "entries are UTF-8 YAML text files")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return LoadedYaml(None, source, [error(Location(path, line, column), "not-utf8",
                                               f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                               "save the file as UTF-8")])
    text = text.removeprefix("\ufeff")
    diagnostics: list[Diagnostic] = []
    try:
        data = _build(text, source, diagnostics)
    except _Abort as abort:
        return LoadedYaml(None, source, diagnostics + [abort.diagnostic])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else first
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        if "maximum nesting depth" in message:  # PyYAML 6.0.4's scanner has a depth limit of its own
            return LoadedYaml(None, source, diagnostics + [_too_deep(where)])
        at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
        return LoadedYaml(None, source, diagnostics + [error(where, "yaml-syntax", message or "invalid YAML",
                                                             _syntax_hint(message, at))])
    except yaml.reader.ReaderError as exc:
        return LoadedYaml(None, source, diagnostics + [_reader_error(exc, text, path)])
    except yaml.YAMLError as exc:
        return LoadedYaml(None, source, diagnostics + [error(first, "yaml-syntax", " ".join(str(exc).split()))])
    if data is _EMPTY:
        return LoadedYaml(None, source, [error(first, "empty-file", "file holds no YAML document",
                                               "start from an existing entry or run `survey schema`")])
    if data is None:  # a document such as `~` or `null`: no data, and nothing later would say so
        return LoadedYaml(None, source, diagnostics + [error(source.locate(()), "empty-file",
                                                             "file holds only a null value, no data",
                                                             "start from an existing entry or run `survey schema`")])
    if "\t" in text:
        diagnostics.extend(tab_problems(text, path))
    return LoadedYaml(data, source, diagnostics)


def _too_deep(where: Location) -> Diagnostic:
    return error(where, "too-deep", f"values are nested more than {MAX_DEPTH} levels deep",
                 "an entry needs at most a few levels of nesting")


def tab_problems(text: str, path: str) -> list[Diagnostic]:
    """A tab that separates or sits in plain (unquoted) text: libyaml reads it, ruamel (`survey fmt`) does not.

    Tabs inside quoted or block text and in comments are content both read alike, and are left alone.
    """
    allowed: list[tuple[tuple[int, int], tuple[int, int]]] = []  # (line, column) spans of quoted and block text
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"', "|", ">"):
                allowed.append(((token.start_mark.line, token.start_mark.column),
                                (token.end_mark.line, token.end_mark.column)))
    except yaml.YAMLError:
        return []  # the parse that succeeded a moment ago makes this unreachable; nothing more to say
    found: list[Diagnostic] = []
    for line_index, line in enumerate(_LINE_BREAK.split(text)):
        if "\t" not in line:
            continue
        for column, char in enumerate(line):
            here = (line_index, column)
            if any(start <= here < end for start, end in allowed):
                continue
            if char == "#" and (column == 0 or line[column - 1] in " \t"):
                break  # a comment: the rest of the line is free text
            if char == "\t":
                found.append(error(Location(path, line_index + 1, column + 1), "tab-character",
                                   "a tab outside quoted text; YAML tools disagree on it and `survey fmt` cannot "
                                   "read the file", "replace the tab with spaces (in text, write \\t inside "
                                   "double quotes)"))
                break  # one report a line is enough
    return found


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as a new line


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: str) -> Diagnostic:
    """A character YAML does not allow (a control character, U+FFFE), located where it is."""
    # libyaml's position is a byte offset into its UTF-8 copy, PyYAML's a character index: find the character.
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1] or "\0"
    index = max(text.find(char), 0)
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    column = index - (breaks[-1].end() if breaks else 0) + 1
    code = ord(char)
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return error(Location(path, len(breaks) + 1, column), "yaml-syntax",
                 f"character U+{code:04X} is not allowed in YAML", f'delete it, or write "{escape}" in double quotes')


def _too_large(where: Location, size: str) -> Diagnostic:
    return error(where, "file-too-large", f"file is {size}, larger than the {MAX_BYTES >> 20} MiB limit",
                 "an entry is a short YAML file; keep long material outside the knowledge base")


def _syntax_hint(message: str, at: str = "") -> str | None:
    """What usually causes this libyaml message; `at` is the character where it stopped."""
    if "mapping values are not allowed" in message:
        return "quote a value that contains ': '"
    if "found character '\\t'" in message or at == "\t":
        return "indent with spaces, not tabs"
    if "expected <block end>" in message or "did not find expected" in message:
        return "check the indentation and closing brackets around this line"
    return None


_EMPTY = object()


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "path", "seen", "size", "start")

    def __init__(self, container: Any, path: Path, anchor: str | None, start: tuple[int, int]) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY
        self.key_mark: tuple[int, int] = (0, 0)
        self.seen: dict[str, tuple[int, int]] = {}
        self.anchor = anchor
        self.size = 1
        self.start = start


_NO_KEY = object()


def _build(text: str, source: SourceMap, diagnostics: list[Diagnostic]) -> Any:
    """Turn the event stream into data, iteratively (no recursion, so depth is only a counted limit).

    This loop runs once per YAML node of every entry, so it is written for speed: events are told apart by
    their exact class, and a Location is only made when something is reported.
    """
    path = source.path
    values, keys = source.values, source.keys
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    result: Any = _EMPTY
    documents = 0
    total = 0
    loader = _Loader(text)
    check_event, get_event = loader.check_event, loader.get_event
    try:
        while check_event():
            event = get_event()
            kind = type(event)
            start = event.start_mark
            mark = (start.line + 1, start.column + 1) if start else (1, 1)
            if kind is _ScalarEvent or kind is _MappingStartEvent or kind is _SequenceStartEvent \
                    or kind is _AliasEvent:
                pass
            elif kind is _MappingEndEvent or kind is _SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.size)
                if stack:
                    stack[-1].size += frame.size
                else:
                    result = frame.container
                continue
            elif kind is _DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Abort(error(Location(path, *mark), "yaml-syntax",
                                       "file holds more than one YAML document",
                                       "one entry per file: remove the '---' separator"))
                continue
            else:  # stream start and end, document end
                continue

            parent = stack[-1] if stack else None
            if parent is not None and parent.key is _NO_KEY and type(parent.container) is dict:
                # This event is a mapping key.
                if kind is not _ScalarEvent:
                    raise _Abort(error(Location(path, *mark), "yaml-syntax", "a mapping key must be plain text",
                                       "write keys as simple words such as `title:`"))
                if event.tag not in (None, "!") and event.tag not in _PLAIN_TAGS:
                    raise _Abort(_tag_error(event.tag, Location(path, *mark)))
                key = event.value
                if key == "<<":
                    raise _Abort(error(Location(path, *mark), "yaml-syntax",
                                       "YAML merge keys (<<) are not supported", "write the fields out in full"))
                seen = parent.seen
                if key in seen:
                    first_line = seen[key][0]
                    diagnostics.append(error(
                        Location(path, *mark), "duplicate-key", f"key '{key}' appears twice in this mapping",
                        f"first written on line {first_line}; YAML would silently keep only the last one",
                        related=[Location(path, *seen[key])]))
                else:
                    seen[key] = mark
                parent.key = key
                parent.key_mark = mark
                continue

            if parent is None:
                child_path: Path = ()
            elif type(parent.container) is dict:
                child_path = parent.path + (parent.key,)
                keys[child_path] = parent.key_mark
            else:
                child_path = parent.path + (len(parent.container),)

            if kind is _AliasEvent:
                if event.anchor not in anchors:
                    raise _Abort(error(Location(path, *mark), "yaml-syntax",
                                       f"alias '*{event.anchor}' refers to no finished anchor"))
                value, size = anchors[event.anchor]
                source.aliased = True
                total += size
                if total > MAX_NODES:
                    raise _Abort(_expansion_error(Location(path, *mark)))
                values[child_path] = mark
                _attach(parent, value, size)
                if parent is None:
                    result = value
                continue

            total += 1
            if total > MAX_NODES:
                raise _Abort(_expansion_error(Location(path, *mark)))
            values[child_path] = mark
            if kind is _ScalarEvent:
                tag = event.tag
                if (tag is None or tag == "!") and not event.implicit[0]:
                    value = event.value  # quoted or block text: a string whatever it looks like
                else:
                    value = _scalar(event, path, mark)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                if parent is None:
                    result = value
                else:
                    _attach(parent, value, 1)
                continue

            tag = event.tag
            if tag not in (None, "!") and tag not in _PLAIN_TAGS:
                raise _Abort(_tag_error(tag, Location(path, *mark)))
            if len(stack) >= MAX_DEPTH:
                raise _Abort(_too_deep(Location(path, *mark)))
            container: Any = {} if kind is _MappingStartEvent else []
            if parent is not None:
                _attach(parent, container, 0)
            stack.append(_Frame(container, child_path, event.anchor, mark))
    finally:
        loader.dispose()
    return result


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStartEvent, _MappingEndEvent = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStartEvent, _SequenceEndEvent = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DocumentStartEvent = yaml.DocumentStartEvent


def _attach(parent: _Frame | None, value: Any, size: int) -> None:
    if parent is None:
        return
    if isinstance(parent.container, dict):
        parent.container[parent.key] = value
        parent.key = _NO_KEY
    else:
        parent.container.append(value)
    parent.size += size


def _expansion_error(where: Location) -> Diagnostic:
    return error(where, "alias-expansion", f"aliases expand to more than {MAX_NODES:,} values",
                 "write the values out instead of nesting anchors and aliases")


def read_yaml_file(file_path: str, display_path: str | None = None) -> LoadedYaml:
    """Read and parse a file; I/O errors become diagnostics too."""
    shown = display_path or file_path
    try:
        if os.path.exists(file_path) and not os.path.isfile(file_path):  # a folder, pipe or device: may block
            return LoadedYaml(None, SourceMap(shown), [error(Location(shown), "not-a-file",
                                                             f"{shown} is not a regular file",
                                                             "entries are plain YAML files")])
        if os.path.getsize(file_path) > MAX_BYTES:
            size = f"{os.path.getsize(file_path) / (1 << 20):.1f} MiB"
            return LoadedYaml(None, SourceMap(shown), [_too_large(Location(shown), size)])
        with open(file_path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return LoadedYaml(None, SourceMap(shown), [error(Location(shown), "unreadable",
                                                         f"cannot read file: {exc.strerror or exc}")])
    return parse_yaml(raw, shown)
