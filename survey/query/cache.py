"""A cache of the parsed knowledge base for queries, under <root>/.survey-cache/ (gitignored).

The cache is keyed on (mtime_ns, ctime_ns, size, inode) of taxonomy.yaml and of every entries/*.yaml, and on
the same of the source files that build records. Any difference reparses what changed (every entry when the
taxonomy changed), so stale data is never served. A cache that cannot be read is rebuilt silently; one that
cannot be written is skipped. Plain JSON only: reading a cache never executes anything.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from survey.files.atomic_write import write_atomically
from survey.files.cache_folder import CACHE_DIR
from survey.files.repository_paths import read_cache_file
from survey.load.taxonomy import Taxonomy, Term, Vocabulary
from survey.query.index import QueryIndex
from survey.query.records import stored

# The same names as survey.load.knowledge_base's, which is not imported on the cached path (it loads pydantic).
TAXONOMY_FILE = "taxonomy.yaml"
ENTRIES_DIR = "entries"
INDEX_FILE = "query-index.json"
FULL_FILE = "query-full.json"
FORMAT = 1
# Source files whose change changes what a record holds.
_CODE_FILES = ("query/cache.py", "query/records.py", "query/unit_table.py", "load/model.py", "load/units.py",
               "load/taxonomy.py", "load/knowledge_base.py", "load/yamlsource.py")

Signature = list[int]


class KnowledgeBaseUnusable(Exception):
    """The taxonomy is missing or broken, so nothing can be queried."""


def load_index(root: Path, use_cache: bool = True) -> QueryIndex:
    """The query index of the knowledge base at `root`, from the cache when it is current."""
    from survey.files.repository_paths import require_contained_folder

    require_contained_folder(root / CACHE_DIR, root, CACHE_DIR)  # LinkOutOfFolder before anything is read
    taxonomy_sig = _signature(root / TAXONOMY_FILE)
    files = _entry_signatures(root / ENTRIES_DIR)
    code = _code_signature()
    cache = root / CACHE_DIR
    old = _read_json(cache / INDEX_FILE) if use_cache else None
    if old is not None and not _compatible(old, code, taxonomy_sig):
        old = None
    if old is not None and {name: slot[0] for name, slot in old["files"].items()} == files:
        token = old["token"]
        index = _index_from_cache(root, old, lambda: _read_full(cache, token) or _rebuild_full(root, files))
        if index is not None:
            return index
        old = None
    return _rebuild(root, files, taxonomy_sig, code, old, use_cache)


def _compatible(old: Any, code: Signature, taxonomy_sig: Signature | None) -> bool:
    """Whether `old` is an index of this code and taxonomy, of exactly the shape `_rebuild` writes."""
    return (isinstance(old, dict) and old.get("format") == FORMAT and old.get("code") == code
            and taxonomy_sig is not None and old.get("taxonomy_sig") == taxonomy_sig and _well_formed(old))


_INDEX_KEYS = {"format", "code", "taxonomy_sig", "token", "files", "taxonomy", "units", "used", "records"}
_RECORD_TEXT = ("id", "path", "type", "title")
_RECORD_OPTIONAL_TEXT = ("venue", "doi", "arxiv", "url", "summary")
_RECORD_LISTS = ("people", "affiliations", "models", "workloads", "draws_on")


def _well_formed(data: dict[str, Any]) -> bool:
    """The index's shape, down to each record's fields: a cache of any other shape is rebuilt, never served."""
    if set(data) != _INDEX_KEYS:
        return False
    files, records, units, used = data["files"], data["records"], data["units"], data["used"]
    if not (isinstance(files, dict) and isinstance(records, list) and isinstance(data["token"], str)
            and isinstance(units, dict) and isinstance(used, list) and isinstance(data["taxonomy"], dict)):
        return False
    slots = []
    for name, slot in files.items():
        if not (isinstance(slot, list) and len(slot) == 2 and _is_signature(slot[0])
                and (slot[1] is None or (type(slot[1]) is int and 0 <= slot[1] < len(records)))):
            return False
        if slot[1] is not None:
            if not (isinstance(records[slot[1]], dict) and records[slot[1]].get("path") == name):
                return False
            slots.append(slot[1])
    if sorted(slots) != list(range(len(records))) or not all(_is_record(r) for r in records):
        return False
    if not all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair) for pair in used):
        return False
    return all(isinstance(row, dict) and all(isinstance(u, str) and _is_number(f) for u, f in row.items())
               for row in units.values())


def _is_signature(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _is_record(record: dict[str, Any]) -> bool:
    texts = lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value)
    terms = record.get("terms")
    return (all(isinstance(record.get(key), str) for key in _RECORD_TEXT)
            and all(record.get(key) is None or isinstance(record[key], str) for key in _RECORD_OPTIONAL_TEXT)
            and (record.get("year") is None or type(record["year"]) is int)
            and all(texts(record.get(key)) for key in _RECORD_LISTS)
            and isinstance(record.get("node_nm"), list) and all(_is_number(v) for v in record["node_nm"])
            and isinstance(terms, dict) and all(isinstance(k, str) and texts(v) for k, v in terms.items())
            and isinstance(terms.get("metric"), list)
            and isinstance(record.get("metrics_json", ""), str) and "metrics" not in record)


def _index_from_cache(root: Path, data: dict[str, Any], load_full: Any) -> QueryIndex | None:
    try:
        taxonomy = taxonomy_from_data(data["taxonomy"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not the taxonomy survey wrote: rebuilt
    skipped = sorted(name for name, (_, slot) in data["files"].items() if slot is None)
    return QueryIndex(root, taxonomy, data["records"], data["units"], skipped, load_full)


def _rebuild(root: Path, files: dict[str, Signature], taxonomy_sig: Signature | None, code: Signature,
             old: dict[str, Any] | None, use_cache: bool) -> QueryIndex:
    from survey.load.knowledge_base import display_path, load_entry_file
    from survey.load.taxonomy import load_taxonomy
    from survey.query.records import build_record, full_record
    from survey.query.unit_table import build_unit_table

    taxonomy_path = root / TAXONOMY_FILE
    taxonomy = None
    if taxonomy_path.is_file():
        taxonomy, _ = load_taxonomy(str(taxonomy_path), display_path(taxonomy_path))
    if taxonomy is None:
        raise KnowledgeBaseUnusable(f"{display_path(taxonomy_path)} is missing or unusable; run `survey check`")
    cache = root / CACHE_DIR
    old_full = _read_full(cache, old["token"]) if old is not None and use_cache else None
    if old_full is None:
        old = None
    slots: dict[str, list[Any]] = {}
    records: list[dict[str, Any]] = []
    full: dict[str, Any] = {}  # file -> whole entry, or its JSON text when taken from the cache
    for name, sig in files.items():
        previous = old["files"].get(name) if old else None
        if old is not None and old_full is not None and previous is not None and previous[0] == sig and (
                previous[1] is None or name in old_full):
            record = old["records"][previous[1]] if previous[1] is not None else None
            whole = old_full[name] if record is not None else None
        else:
            entry = load_entry_file(root / name, root).entry
            record = build_record(entry, taxonomy, name) if entry is not None else None
            whole = full_record(entry) if entry is not None else None
        slots[name] = [sig, None]
        if record is not None:
            records.append(record)
            full[name] = whole
    records.sort(key=lambda r: (r["id"], r["path"]))
    for position, record in enumerate(records):
        slots[record["path"]][1] = position
    # units of the entries read now, and of those kept (without decoding their metrics again)
    used = sorted({(m["kind"], m["unit"]) for r in records if "metrics" in r for m in r["metrics"]}
                  | {tuple(pair) for pair in (old or {}).get("used", [])})
    units = build_unit_table(taxonomy, used)
    token = os.urandom(8).hex()
    data = {"format": FORMAT, "code": code, "taxonomy_sig": taxonomy_sig, "token": token, "files": slots,
            "taxonomy": taxonomy_to_data(taxonomy), "units": units, "used": used, "records": [stored(r) for r in records]}
    if use_cache:
        _write(cache, token, data, full)
    skipped = sorted(name for name, (_, slot) in slots.items() if slot is None)
    return QueryIndex(root, taxonomy, records, units, skipped, lambda: full)


def _rebuild_full(root: Path, files: dict[str, Signature]) -> dict[str, Any]:
    """The whole entries when the full file of a current index is unreadable: read the entries again."""
    index = _rebuild(root, files, _signature(root / TAXONOMY_FILE), _code_signature(), None, True)
    return index.load_full()


def _read_full(cache: Path, token: str) -> dict[str, Any] | None:
    """Whole entries by file name when the full file belongs to the index with `token`."""
    data = _read_json(cache / FULL_FILE)
    if not isinstance(data, dict) or data.get("token") != token or not isinstance(data.get("entries"), dict):
        return None
    for whole in data["entries"].values():  # survey writes each entry as the JSON text of an object with an id
        try:
            decoded = json.loads(whole) if isinstance(whole, str) else None
        except ValueError:
            return None
        if not (isinstance(decoded, dict) and isinstance(decoded.get("id"), str)):
            return None
    return data["entries"]


def _write(cache: Path, token: str, data: dict[str, Any], full: dict[str, Any]) -> None:
    try:
        cache.mkdir(exist_ok=True)
        # The full file first: an index is only trusted with the full file of the same token.
        entries = {name: whole if isinstance(whole, str) else json.dumps(whole, ensure_ascii=False)
                   for name, whole in full.items()}
        for name, content in ((FULL_FILE, {"token": token, "entries": entries}), (INDEX_FILE, data)):
            write_atomically(cache / name, json.dumps(content, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only checkout still answers queries, only more slowly


def _read_json(path: Path) -> Any:
    try:
        return json.loads(read_cache_file(path))
    except (OSError, ValueError):
        return None


def _signature(path: Path) -> Signature | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino]


def _entry_signatures(folder: Path) -> dict[str, Signature]:
    found: dict[str, Signature] = {}
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return found
    for item in listing:
        if item.name.endswith((".yaml", ".yml")) and item.is_file():
            stat = item.stat()
            found[f"{folder.name}/{item.name}"] = [stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino]
    return dict(sorted(found.items()))


def _code_signature() -> Signature:
    package = Path(__file__).parents[1]
    return [value for name in _CODE_FILES for value in (_signature(package / name) or [0, 0, 0, 0])[:3]]


def taxonomy_to_data(taxonomy: Taxonomy) -> dict[str, Any]:
    """The taxonomy as plain data (without source locations)."""
    vocabularies = {}
    for name, vocab in taxonomy.vocabularies.items():
        terms = []
        for term in vocab.terms.values():
            fields = asdict(term)
            fields.pop("location", None)
            terms.append(fields)
        vocabularies[name] = {"description": vocab.description, "terms": terms, "lookup": vocab._lookup,
                              "children": vocab._children}
    return {"path": taxonomy.path, "vocabularies": vocabularies}


def taxonomy_from_data(data: dict[str, Any]) -> Taxonomy:
    vocabularies = {}
    for name, body in data["vocabularies"].items():
        terms = {}
        for fields in body["terms"]:
            fields = dict(fields, aliases=tuple(fields["aliases"]),
                          plausible=tuple(fields["plausible"]) if fields["plausible"] else None)
            terms[fields["id"]] = Term(**fields)
        vocabularies[name] = Vocabulary(name, body["description"], terms, dict(body["lookup"]),
                                        {k: list(v) for k, v in body["children"].items()})
    return Taxonomy(data["path"], vocabularies)

