"""What every command receives from the `survey` group: the knowledge base's root folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from survey.files.cache_folder import CACHE_DIR


@dataclass(frozen=True)
class Context:
    root: Path

    @property
    def unit_memo(self) -> Path:
        """Where the facts of the unit strings met so far are kept (see survey.load.units.memo_file)."""
        return self.root / CACHE_DIR / "units.json"
