"""What every command receives from the `survey` group: the knowledge base's root folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Context:
    root: Path
