"""What queries run on: the taxonomy, one record per entry, and the unit table (see survey.query.cache)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.load.taxonomy import Taxonomy
from survey.query.unit_table import UnitTable


@dataclass
class QueryIndex:
    root: Path
    taxonomy: Taxonomy
    records: list[dict[str, Any]]  # sorted by id
    unit_table: UnitTable
    skipped: list[str] = field(default_factory=list)  # entry files that do not fit the model
    load_full: Callable[[], dict[str, Any]] = dict  # file -> the whole entry (or its JSON text), read on demand
    _full: dict[str, Any] | None = None

    def record(self, entry_id: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r["id"] == entry_id), None)

    def full_json(self, record: dict[str, Any]) -> str:
        """The whole entry of `record` as one line of JSON (straight from the cache when it holds it)."""
        if self._full is None:
            self._full = self.load_full()
        whole = self._full.get(record["path"], {"id": record["id"]})
        if isinstance(whole, str):
            return whole
        import json

        return json.dumps(whole, ensure_ascii=False)

    def full(self, record: dict[str, Any]) -> dict[str, Any]:
        """The whole entry of `record` as plain data (as written, without empty fields)."""
        if self._full is None:
            self._full = self.load_full()
        whole = self._full.get(record["path"], {"id": record["id"]})
        if isinstance(whole, str):  # the cache keeps each entry as a JSON string, decoded when asked for
            import json

            whole = self._full[record["path"]] = json.loads(whole)
        return whole
