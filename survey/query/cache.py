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
    taxonomy_sig = _signature(root / TAXONOMY_FILE)
    files = _entry_signatures(root / ENTRIES_DIR)
    code = _code_signature()
    cache = root / CACHE_DIR
    old = _read_json(cache / INDEX_FILE) if use_cache else None
    if old is not None and not _compatible(old, code, taxonomy_sig):
        old = None
    if old is not None and {name: slot[0] for name, slot in old["files"].items()} == files:
        token = old["token"]
        return _index_from_cache(root, old, lambda: _read_full(cache, token) or _rebuild_full(root, files))
    return _rebuild(root, files, taxonomy_sig, code, old, use_cache)


def _compatible(old: Any, code: Signature, taxonomy_sig: Signature | None) -> bool:
    return (isinstance(old, dict) and old.get("format") == FORMAT and old.get("code") == code
            and taxonomy_sig is not None and old.get("taxonomy_sig") == taxonomy_sig
            and isinstance(old.get("files"), dict) and isinstance(old.get("records"), list))


def _index_from_cache(root: Path, data: dict[str, Any], load_full: Any) -> QueryIndex:
    taxonomy = taxonomy_from_data(data["taxonomy"])
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
        return json.loads(path.read_bytes())
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

