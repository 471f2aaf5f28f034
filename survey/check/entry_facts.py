"""What the rules across entries read of one entry, and a cache of it for the entries a change leaves alone.

`check --changed` checks the changed files fully, but the rules across entries (unique ids and DOIs, one ORCID per
person, known `draws_on` references) need every entry. Each entry is read by the one loader
(survey.load.knowledge_base.load_entry_file); what those rules need of it (`EntryFacts`: the fields and where
they were written) is kept in <root>/.survey-cache/entry-facts.json, so that a later run reads the file again only
when it has changed. A record is used while the file's stat (size, mtime, ctime, inode) is the same; a file whose
stat changed but whose bytes did not (a checkout, `touch`) is only hashed, not parsed. The cache is plain JSON,
checked field by field when read: a damaged record means the file is read again, never an error.
"""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.report.diagnostics import Location

FACTS_FILE = "entry-facts.json"
FORMAT = 2  # 2: a person's not_same_as

DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class VersionFacts:
    doi: str | None


@dataclass(frozen=True)
class PersonFacts:
    name: str
    orcid: str | None
    not_same_as: tuple[str, ...] = ()


@dataclass
class EntryFacts:
    """The part of an entry the rules across entries read, with its locations (duck-types survey.load.model.Entry)."""

    path: str
    id: str
    doi: str | None
    versions: list[VersionFacts]
    people: list[PersonFacts]
    draws_on: list[str]
    places: dict[DataPath, tuple[int, int]]  # where each value those rules may point at was written

    def locate(self, *path: str | int) -> Location:
        line, column = self.places.get(tuple(path), (1, 1))
        return Location(self.path, line, column)


def _located_paths(entry: Any) -> list[DataPath]:
    """Every value the rules across entries may point at (the same for an Entry and for its facts)."""
    return ([("id",), ("doi",)] + [("versions", i, "doi") for i in range(len(entry.versions))]
            + [("people", i, "orcid") for i in range(len(entry.people))]
            + [("draws_on", i) for i in range(len(entry.draws_on))])


def facts_of(entry: Any) -> EntryFacts:
    """The facts of a loaded survey.load.model.Entry."""
    places: dict[DataPath, tuple[int, int]] = {}
    for path in _located_paths(entry):
        where = entry.locate(*path)
        places[path] = (where.line, where.column)
    return EntryFacts(entry.path, entry.id, entry.doi, [VersionFacts(v.doi) for v in entry.versions],
                      [PersonFacts(p.name, p.orcid, tuple(p.not_same_as)) for p in entry.people], list(entry.draws_on), places)


def _to_data(facts: EntryFacts) -> dict[str, Any]:
    return {"id": facts.id, "doi": facts.doi, "versions": [v.doi for v in facts.versions],
            "people": [[p.name, p.orcid, list(p.not_same_as)] for p in facts.people], "draws_on": facts.draws_on,
            "places": [[line, column] for line, column in (facts.places[p] for p in _located_paths(facts))]}


def _optional_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(value)


def _position(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(value)


def _from_data(path: str, data: Any) -> EntryFacts:
    """Facts read back from the cache; raises TypeError, ValueError or KeyError on anything malformed."""
    facts = EntryFacts(path, _text(data["id"]), _optional_text(data["doi"]),
                       [VersionFacts(_optional_text(doi)) for doi in data["versions"]],
                       [PersonFacts(_text(name), _optional_text(orcid), tuple(_text(other) for other in apart))
                        for name, orcid, apart in data["people"]],
                       [_text(ref) for ref in data["draws_on"]], {})
    paths = _located_paths(facts)
    places = data["places"]
    if len(places) != len(paths):
        raise ValueError("places do not match the fields")
    facts.places = {p: (_position(line), _position(column)) for p, (line, column) in zip(paths, places)}
    return facts


def _stamp(info: Any) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


class FactsCache:
    """The facts of entry files by their path as shown, remembered across runs under a key of survey's code."""

    def __init__(self, folder: Path | None, code_key: str) -> None:
        self.folder = folder
        self.code_key = code_key
        self.records: dict[str, list[Any]] = {}
        self.changed = False
        if folder is not None:
            try:
                data = json.loads((folder / FACTS_FILE).read_text(encoding="utf-8"))
                if (isinstance(data, dict) and data.get("format") == FORMAT and data.get("code") == code_key
                        and isinstance(data.get("files"), dict)):
                    self.records = data["files"]
            except (OSError, ValueError):
                pass  # no cache, or a damaged one: every file is read again

    def facts(self, path: Path, shown: str, info: Any, load: Any) -> EntryFacts | None:
        """The facts of the regular file `path` (stat `info`); `load()` reads it with the loader when needed."""
        stamp = _stamp(info)
        record = self.records.get(shown)
        known = isinstance(record, list) and len(record) == 3
        if known and record[0] == stamp:  # type: ignore[index]
            found = self._decode(shown, record[2])  # type: ignore[index]
            if found is not False:
                return found  # type: ignore[return-value]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        if known and record[1] == digest:  # type: ignore[index]
            found = self._decode(shown, record[2])  # type: ignore[index]
            if found is not False:
                self.records[shown] = [stamp, digest, record[2]]  # type: ignore[index]
                self.changed = True
                return found  # type: ignore[return-value]
        entry = load()
        result = facts_of(entry) if entry is not None else None
        self.records[shown] = [stamp, digest, _to_data(result) if result is not None else None]
        self.changed = True
        return result

    @staticmethod
    def _decode(shown: str, data: Any) -> EntryFacts | None | bool:
        """The facts of a record, None for a file that holds no valid entry, False for a damaged record."""
        if data is None:
            return None
        try:
            return _from_data(shown, data)
        except (TypeError, ValueError, KeyError):
            return False

    def forget_missing(self, kept: set[str]) -> None:
        """Drop the records of files that are gone, so that the cache does not grow with every rename."""
        for shown in [s for s in self.records if s not in kept]:
            del self.records[shown]
            self.changed = True

    def save(self) -> None:
        if self.folder is None or not self.changed:
            return
        from survey.files.atomic_write import write_atomically

        data = {"format": FORMAT, "code": self.code_key, "files": self.records}
        try:
            write_atomically(self.folder / FACTS_FILE, json.dumps(data, ensure_ascii=False, sort_keys=True))
        except OSError:
            pass  # the next run reads the files again


def regular_file_stat(path: Path) -> Any:
    """The stat of `path` when it is a regular file (or a link inside the repository to one), else None."""
    from survey.files.repository_paths import escaping_target

    try:
        info = path.lstat()  # one system call for the usual case, a regular file
        if stat.S_ISLNK(info.st_mode) and escaping_target(path, path.parent.parent) is None:
            info = path.stat()
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None
