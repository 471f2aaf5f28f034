"""What every command receives from the `survey` group: the knowledge base's root folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = ".survey-cache"  # caches of the knowledge base (gitignored); anything in it may be deleted


@dataclass(frozen=True)
class Context:
    root: Path

    @property
    def unit_memo(self) -> Path:
        """Where the facts of the unit strings met so far are kept (see survey.units.memo_file)."""
        return self.root / CACHE_DIR / "units.json"
