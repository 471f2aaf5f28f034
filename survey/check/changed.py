"""`survey check --changed`: check fully only the entries changed against a git ref, fast.

Every entry rule runs on the changed files. The rules across entries (unique ids and DOIs, one ORCID per person,
known `draws_on` references) still see the whole knowledge base, but the unchanged files are only scanned: the
few top-level fields those rules read (id, doi, versions, people, draws_on) are cut out of each file and parsed
with libyaml alone, without the entry model. The rules themselves are `survey.check.rules.check_cross_entry`'s own.
"""

from __future__ import annotations

import re
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.report.diagnostics import Diagnostic, Location

DEFAULT_BASE = "origin/main"
ENTRIES_DIR = "entries"  # as in survey.load.knowledge_base
TAXONOMY_FILE = "taxonomy.yaml"
# The top-level fields the rules across entries read.
_SCANNED_FIELDS = frozenset({"id", "doi", "versions", "people", "draws_on"})
_TOP_LEVEL_KEY = re.compile(r"""^["']?([A-Za-z_][\w-]*)["']?\s*:(\s|$)""")


class GitError(Exception):
    """git is missing, the folder is not in a repository, or the ref does not exist."""


@dataclass(frozen=True)
class ChangedFiles:
    base: str | None  # the commit compared against; None when the repository has no commit yet
    changed: list[Path]  # entry files added or modified (existing files), sorted
    deleted: list[Path]  # entry files that no longer exist
    taxonomy_changed: bool


@dataclass
class ChangedCheck:
    diagnostics: list[Diagnostic]
    files_checked: int
    changes: ChangedFiles

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout


def _commit_exists(root: Path, ref: str) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        return False
    return True


def resolve_base(root: Path, base: str | None) -> str | None:
    """The commit to compare against: `base`, else origin/main when it exists, else HEAD (None: no commit yet).

    When the ref and HEAD share history, their merge base is used, as a pull request's diff does.
    """
    _git(root, "rev-parse", "--git-dir")  # raises when `root` is not inside a repository
    if base is not None:
        if not _commit_exists(root, base):
            raise GitError(f"unknown git ref '{base}'")
        chosen = base
    elif _commit_exists(root, DEFAULT_BASE):
        chosen = DEFAULT_BASE
    elif _commit_exists(root, "HEAD"):
        chosen = "HEAD"
    else:
        return None
    if _commit_exists(root, "HEAD"):
        try:
            return _git(root, "merge-base", chosen, "HEAD").strip()
        except GitError:
            pass
    return _git(root, "rev-parse", chosen).strip()


def _entry_paths(root: Path) -> list[Path]:
    # The same files as survey.load.knowledge_base.entry_paths, without importing the entry model (kept off the
    # cached path, where it would be most of the run time).
    folder = root / ENTRIES_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")), key=str)


def changed_files(root: Path, base: str | None) -> ChangedFiles:
    """Entry files changed in the working tree (staged or not, or untracked) against `base` (see resolve_base)."""
    commit = resolve_base(root, base)
    if commit is None:
        return ChangedFiles(None, _entry_paths(root), [], True)
    listed = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--",
                  ENTRIES_DIR, TAXONOMY_FILE).split("\0")
    listed += _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ENTRIES_DIR).split("\0")
    names = sorted({name for name in listed if name})
    # Only the files `survey check` reads: YAML files directly in entries/.
    entries = [root / name for name in names
               if Path(name).parent == Path(ENTRIES_DIR) and Path(name).suffix in (".yaml", ".yml")]
    return ChangedFiles(commit, [p for p in entries if p.is_file()], [p for p in entries if not p.exists()],
                        TAXONOMY_FILE in names)


def check_changed(root: Path, base: str | None = None, cache_folder: Path | None = None) -> ChangedCheck:
    """Check the entries changed against `base`, plus every rule across entries.

    With `cache_folder`, a run whose inputs (every entry file, the taxonomy, the changes and survey's own code)
    are unchanged since the last run returns that run's result without checking again.
    """
    changes = changed_files(root, base)
    key = _run_key(root, changes) if cache_folder is not None else ""
    if cache_folder is not None:
        cached = _read_cached(cache_folder, key)
        if cached is not None:
            return ChangedCheck(cached[0], cached[1], changes)
    scans = _read_scans(cache_folder) if cache_folder is not None else {}
    remembered = dict(scans)
    result = _check_changes(root, changes, scans)
    if cache_folder is not None:
        _write_cached(cache_folder, key, result)
        if scans != remembered:
            _write_scans(cache_folder, scans)
    return result


_SCANS_FILE = "scanned-entries.json"


def _read_scans(folder: Path) -> dict[str, Any]:
    """The scans of unchanged entries from earlier runs: path -> [size, mtime_ns, scanned data]."""
    import json

    try:
        from survey.files.repository_paths import read_cache_file

        data = json.loads(read_cache_file(folder / _SCANS_FILE))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_scans(folder: Path, scans: dict[str, Any]) -> None:
    import json

    from survey.files.atomic_write import write_atomically

    try:
        write_atomically(folder / _SCANS_FILE, json.dumps(scans, sort_keys=True))
    except OSError:
        pass  # the next run scans again


def _scan_fields_well_formed(fields: Any) -> bool:
    """Whether a remembered scan holds the fields, of the types, that `_scan_remembered` writes."""
    text = (str, type(None))
    return (isinstance(fields, dict) and isinstance(fields.get("id"), text) and isinstance(fields.get("doi"), text)
            and isinstance(fields.get("versions"), list) and all(isinstance(v, text) for v in fields["versions"])
            and isinstance(fields.get("people"), list)
            and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, text) for x in p)
                    for p in fields["people"])
            and isinstance(fields.get("draws_on"), list) and all(isinstance(d, str) for d in fields["draws_on"]))


def _scan_remembered(path: Path, scans: dict[str, Any]) -> Any:
    """scan_entry_file(path), reusing the scan of an earlier run while the file's size and mtime are the same."""
    from survey.files.repository_paths import escaping_target
    from survey.load.knowledge_base import EntryFile, display_path
    from survey.load.yamlsource import LoadedYaml, SourceMap

    try:
        info = path.lstat()  # one system call for the usual case, a regular file
        if stat.S_ISLNK(info.st_mode) and escaping_target(path, path.parent.parent) is None:
            info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a link out of the repository, a pipe, a folder: load_entry_file reports it when checked
    shown = display_path(path)
    stamp = [info.st_size, info.st_mtime_ns]
    remembered = scans.get(shown)
    if isinstance(remembered, list) and len(remembered) == 3 and remembered[:2] == stamp:
        try:
            fields, values, keys = remembered[2]
            if not _scan_fields_well_formed(fields):
                raise TypeError("not a scan survey wrote")
            if not all(type(l) is int and type(c) is int and all(isinstance(k, (str, int)) for k in p)
                       for p, l, c in [*values, *keys]):
                raise TypeError("not a source map survey wrote")
            source = SourceMap(shown, {tuple(p): (l, c) for p, l, c in values}, {tuple(p): (l, c) for p, l, c in keys})
            entry = ScannedEntry(source, fields["id"], fields["doi"], [ScannedVersion(d) for d in fields["versions"]],
                                 [ScannedPerson(n, o) for n, o in fields["people"]], list(fields["draws_on"]))
            return EntryFile(shown, LoadedYaml(None, source, []), entry)  # type: ignore[arg-type]
        except (TypeError, ValueError, KeyError):
            pass  # a damaged record: scan the file again
    scanned = scan_entry_file(path)
    if scanned is None:
        scans.pop(shown, None)
        return None
    entry, source = scanned.entry, scanned.loaded.source
    fields = {"id": entry.id, "doi": entry.doi, "versions": [v.doi for v in entry.versions],
              "people": [[p.name, p.orcid] for p in entry.people], "draws_on": list(entry.draws_on)}
    scans[shown] = stamp + [[fields, [[list(p), l, c] for p, (l, c) in source.values.items()],
                             [[list(p), l, c] for p, (l, c) in source.keys.items()]]]
    return scanned


def _check_changes(root: Path, changes: ChangedFiles, scans: dict[str, Any] | None = None) -> ChangedCheck:
    from survey.check.rules import check, check_cross_entry, check_entry_file
    from survey.load.knowledge_base import EntryFile, KnowledgeBase, display_path, load_entry_file, load_root_taxonomy

    if changes.taxonomy_changed:
        # A changed vocabulary can break any entry: check them all.
        full = check(root)
        return ChangedCheck(full.diagnostics, full.files_checked, changes)
    taxonomy_path = root / TAXONOMY_FILE
    taxonomy, diagnostics = load_root_taxonomy(root)
    changed = set(changes.changed)
    files: list[EntryFile] = []
    for path in sorted(set(_entry_paths(root)) | changed, key=str):
        if path in changed:
            entry_file = load_entry_file(path, root)
            diagnostics.extend(check_entry_file(entry_file, taxonomy))
            files.append(entry_file)
        else:
            scanned = _scan_remembered(path, scans if scans is not None else {})
            if scanned is not None:
                files.append(scanned)
    kb = KnowledgeBase(root, taxonomy, files)
    wanted = {display_path(p) for p in changes.changed} | {display_path(taxonomy_path)}
    deleted_ids = {p.stem for p in changes.deleted}
    for found in check_cross_entry(kb):
        if found.location.path in wanted or any(r.path in wanted for r in found.related):
            diagnostics.append(found)
        elif found.code == "unknown-entry" and _names_deleted_id(kb, found, deleted_ids):
            diagnostics.append(found)  # an unchanged entry draws on one this change deletes
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    return ChangedCheck(ordered, len(wanted), changes)


_CACHE_FILE = "check-changed.json"


def _run_key(root: Path, changes: ChangedFiles) -> str:
    """A digest of everything a run's result depends on; file contents are stood for by size and mtime."""
    import hashlib
    import os
    import sys

    import survey

    digest = hashlib.sha256()
    package = Path(survey.__file__).parent
    inputs = sorted(package.rglob("*.py"), key=str) + [root / TAXONOMY_FILE] + _entry_paths(root)
    for path in inputs:
        try:
            info = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    digest.update(f"{sys.version}\0{survey.__version__}\0{os.getcwd()}\0{root.resolve()}\0{changes.base}\n".encode())
    for path in changes.changed + changes.deleted:
        digest.update(f"{path}\n".encode())
    return digest.hexdigest()


def _read_cached(folder: Path, key: str) -> tuple[list[Diagnostic], int] | None:
    import json

    from survey.files.repository_paths import read_cache_file
    from survey.report.diagnostics import Severity

    try:
        data = json.loads(read_cache_file(folder / _CACHE_FILE))
        if not isinstance(data, dict) or data.get("key") != key or type(data.get("files_checked")) is not int:
            return None
        diagnostics = [Diagnostic(_cached_location(d["location"]), Severity(d["severity"]), d["code"], d["message"],
                                  d["hint"], tuple(_cached_location(r) for r in d["related"]))
                       for d in data["diagnostics"]]
        if not all(isinstance(d.code, str) and isinstance(d.message, str) and isinstance(d.hint, (str, type(None)))
                   for d in diagnostics):
            return None
        return diagnostics, data["files_checked"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or not one survey wrote: the check runs


def _cached_location(value: Any) -> Location:
    """A Location from its cached [path, line, column]; TypeError for anything else."""
    if (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(type(v) is int for v in value[1:])):
        return Location(*value)
    raise TypeError("not a location survey wrote")


def _write_cached(folder: Path, key: str, result: ChangedCheck) -> None:
    import json

    data = {"key": key, "files_checked": result.files_checked, "diagnostics": [
        {"location": [d.location.path, d.location.line, d.location.column], "severity": d.severity.value,
         "code": d.code, "message": d.message, "hint": d.hint,
         "related": [[r.path, r.line, r.column] for r in d.related]} for d in result.diagnostics]}
    from survey.files.atomic_write import write_atomically

    try:
        write_atomically(folder / _CACHE_FILE, json.dumps(data, ensure_ascii=False))
    except OSError:
        pass  # a cache that cannot be written only costs time


def _names_deleted_id(kb: Any, found: Diagnostic, deleted_ids: set[str]) -> bool:
    for entry in kb.entries:
        for index, ref in enumerate(entry.draws_on):
            if ref in deleted_ids and entry.locate("draws_on", index) == found.location:
                return True
    return False


def relevant_text(text: str) -> str:
    """`text` with every line outside the scanned top-level fields blanked (line numbers stay)."""
    lines = text.split("\n")
    keep = False
    for number, line in enumerate(lines):
        first = line[:1]
        if first and first not in " \t#-" and not line.startswith(("---", "...")):
            match = _TOP_LEVEL_KEY.match(line)
            keep = match is not None and match.group(1) in _SCANNED_FIELDS
        if not keep:
            lines[number] = ""
    return "\n".join(lines)


@dataclass
class ScannedPerson:
    name: str
    orcid: str | None


@dataclass
class ScannedVersion:
    doi: str | None


@dataclass
class ScannedEntry:
    """The part of an entry the rules across entries read, with its locations (duck-types survey.load.model.Entry)."""

    source: Any  # survey.load.yamlsource.SourceMap
    id: str
    doi: str | None = None
    versions: list[ScannedVersion] = field(default_factory=list)
    people: list[ScannedPerson] = field(default_factory=list)
    draws_on: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return str(self.source.path)

    def locate(self, *path: str | int, key: bool = False) -> Any:
        return self.source.locate(tuple(path), key=key)


def scan_entry_file(path: Path) -> Any:
    """An EntryFile holding a ScannedEntry, or None when the file cannot be read as an entry."""
    from survey.load.knowledge_base import EntryFile, display_path
    from survey.load.yamlsource import LoadedYaml, SourceMap

    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    source = SourceMap(shown)
    fields = scan_plain_entry(text, source)
    if fields is None:
        source = SourceMap(shown)
        fields = scan_any_entry(text, source)
    if fields is None or not isinstance(fields.get("id"), str):
        return None
    return EntryFile(shown, LoadedYaml(None, source, []), ScannedEntry(source, **fields))  # type: ignore[arg-type]


class _Unusual(Exception):
    """The scanner met YAML it does not read itself (anchors, tags, escapes, ...): parse the file instead."""


_QUOTED_OR_PLAIN = re.compile(r"""^(?:"([^"\\]*)"|'([^']*)'|([^\s"'&*!|>{}\[\]%@`,#][^#]*?|))\s*(?:#.*)?$""")
_FLOW_ITEM = re.compile(r"""\s*([A-Za-z_]+)\s*:\s*("[^"\\,]*"|'[^',]*'|\[[^\[\]{}]*\]|[^,"'{}\[\]]*?)\s*(?:,|$)""")


def _plain_value(text: str, line: int, column: int, path: tuple[str | int, ...], source: Any) -> str | None:
    """The scalar written at `column` of `line` (quoted or plain, comment stripped); records its location."""
    match = _QUOTED_OR_PLAIN.match(text)
    if match is None:
        raise _Unusual(text)
    value = next((g for g in match.groups() if g is not None), "")
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    source.values[path] = (line, column)
    return value


def scan_plain_entry(text: str, source: Any) -> dict[str, Any] | None:
    """Read id, doi, versions[].doi, people[].name/orcid and draws_on line by line, or None for unusual YAML.

    Handles the block and simple flow styles entries are written in, fast; anything else falls back to a parser.
    """
    if _UNUSUAL_TOP_LEVEL.search("\n" + text):
        return None
    fields: dict[str, Any] = {}
    current: str | None = None
    dash_column = -1  # column of the current list's dashes
    key_column = -1  # column of the current item's keys
    try:
        for number, line in _scanned_lines(text):
            if not line or line[0] == "#" or not line.strip():
                continue
            if line[0] not in " \t-":
                key, _, rest = line.partition(":")
                if line.startswith(("---", "...", "%")) or not _:
                    raise _Unusual(line)
                key = key.strip()
                current = key if key in _SCANNED_FIELDS else None
                dash_column = key_column = -1
                if current is None:
                    continue
                body = rest.strip()
                at = len(line) - len(rest.lstrip()) + 1
                if current in ("id", "doi"):
                    fields[current] = _plain_value(body, number, at, (current,), source)
                elif body.startswith("[") and current == "draws_on":
                    fields[current] = _flow_list(body, line, number, (current,), source)
                elif body and body != "[]" and not body.startswith("#"):
                    raise _Unusual(line)
                else:
                    fields.setdefault(current, [])
                continue
            if current is None:
                continue
            if current in ("id", "doi") or line[0] == "\t":
                raise _Unusual(line)  # a scalar continued over lines, or tabs
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            if stripped.startswith("#"):
                continue
            if stripped.startswith("-") and (stripped == "-" or stripped[1] == " "):
                if dash_column == -1:
                    dash_column = indent
                if indent != dash_column:
                    if indent < key_column:
                        raise _Unusual(line)
                    continue  # a nested list (affiliations, ...)
                body = stripped[1:].lstrip(" ")
                column = len(line) - len(body)
                items = fields.setdefault(current, [])
                index = len(items)
                if current == "draws_on":
                    items.append(_plain_value(body, number, column + 1, (current, index), source) or "")
                    continue
                items.append(ScannedVersion(None) if current == "versions" else ScannedPerson("", None))
                key_column = column
                if body.startswith("{"):
                    _flow_mapping(body, line, number, current, index, items[-1], source)
                    key_column = -1
                elif body:
                    _item_field(body, line, number, column, current, index, items[-1], source)
                continue
            if key_column == -1 or indent > key_column:
                if dash_column == -1 or indent <= dash_column:
                    raise _Unusual(line)
                continue  # nested deeper than the item's keys
            if indent != key_column:
                raise _Unusual(line)
            items = fields[current]
            _item_field(stripped, line, number, indent, current, len(items) - 1, items[-1], source)
    except _Unusual:
        return None
    if "draws_on" in fields:
        fields["draws_on"] = [ref for ref in fields["draws_on"] if ref]
    return fields


# Patterns anchored on "\n" (the text is scanned with one prepended): much faster than re.M with "^".
_SCANNED_START = re.compile(r"\n(?:id|doi|versions|people|draws_on)[ \t]*:")
_NEXT_TOP_LEVEL = re.compile(r"\n[^ \t#\-\r\n]")
_UNUSUAL_TOP_LEVEL = re.compile(r"\n(?:[\"'?%&*!\[{|>]|---|\.\.\.)")


def _scanned_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the top-level blocks the scan reads; the rest of the file is never split."""
    text = "\n" + text
    found: list[tuple[int, str]] = []
    for match in _SCANNED_START.finditer(text):
        start = match.start() + 1
        following = _NEXT_TOP_LEVEL.search(text, match.end())
        block = text[start:following.start() if following else len(text)]
        first = text.count("\n", 0, start)
        found.extend((first + offset, line) for offset, line in enumerate(block.split("\n")))
    return found


def _item_field(body: str, line: str, number: int, column: int, field_name: str, index: int, item: Any,
                source: Any) -> None:
    key, colon, rest = body.partition(":")
    if not colon or key.strip() != key or key.startswith(("'", '"', "?", "&", "*", "!")):
        raise _Unusual(line)
    if key not in ("doi", "name", "orcid"):
        return
    value_column = column + len(key) + 1 + (len(rest) - len(rest.lstrip())) + 1
    value = _plain_value(rest.strip(), number, value_column, (field_name, index, key), source)
    if (field_name, key) == ("versions", "doi"):
        item.doi = value
    elif field_name == "people" and key in ("name", "orcid"):
        setattr(item, key, value or "" if key == "name" else value)


def _flow_mapping(body: str, line: str, number: int, field_name: str, index: int, item: Any, source: Any) -> None:
    inner = body.split("#")[0].strip()
    if not inner.endswith("}") or inner.count("{") != 1 or "\\" in inner:
        raise _Unusual(line)
    offset = line.index("{") + 1
    content = inner[1:-1]
    position = 0
    while position < len(content):
        match = _FLOW_ITEM.match(content, position)
        if match is None or match.end() == position:
            raise _Unusual(line)
        key, raw = match.group(1), match.group(2)
        if key in ("doi", "name", "orcid") and not raw.startswith("["):
            column = offset + match.start(2) + 1
            value = _plain_value(raw, number, column, (field_name, index, key), source)
            if (field_name, key) == ("versions", "doi"):
                item.doi = value
            elif field_name == "people":
                setattr(item, key, value or "" if key == "name" else value)
        position = match.end()


def _flow_list(body: str, line: str, number: int, path: tuple[str, ...], source: Any) -> list[str]:
    inner = body.split("#")[0].strip()
    if not inner.endswith("]") or inner.count("[") != 1 or any(c in inner for c in "{}\"'"):
        raise _Unusual(line)
    offset = line.index("[") + 1
    values: list[str] = []
    for match in re.finditer(r"[^,\s\[\]][^,\[\]]*?(?=\s*[,\]])", inner):
        source.values[path + (len(values),)] = (number, offset + match.start())
        values.append(match.group(0))
    return values


def scan_any_entry(text: str, source: Any) -> dict[str, Any] | None:
    """The scanned fields of any YAML entry, read with libyaml (slower than scan_plain_entry)."""
    import yaml

    try:
        node = yaml.compose(relevant_text(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    fields: dict[str, Any] = {}
    for key_node, value_node in node.value:
        name = key_node.value
        if name in ("id", "doi"):
            fields[name] = _scalar(value_node, (name,), source)
        elif name == "draws_on":
            fields[name] = [ref for ref in _scalars(value_node, (name,), source) if ref]
        elif name == "versions":
            fields[name] = [ScannedVersion(_scalar(_get(item, "doi"), (name, i, "doi"), source))
                            for i, item in enumerate(_items(value_node))]
        elif name == "people":
            fields[name] = [ScannedPerson(_scalar(_get(item, "name"), (name, i, "name"), source) or "",
                                          _scalar(_get(item, "orcid"), (name, i, "orcid"), source))
                            for i, item in enumerate(_items(value_node))]
    return fields


def _items(node: Any) -> list[Any]:
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _get(node: Any, key: str) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


def _scalar(node: Any, path: tuple[str | int, ...], source: Any) -> str | None:
    import yaml

    if not isinstance(node, yaml.ScalarNode) or node.value == "" or node.tag.endswith(":null"):
        return None
    source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return str(node.value)


def _scalars(node: Any, path: tuple[str | int, ...], source: Any) -> list[str]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return [_scalar(item, path + (i,), source) or "" for i, item in enumerate(node.value)]
    single = _scalar(node, path + (0,), source)
    return [single] if single else []
