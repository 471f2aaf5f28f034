"""Replace a file in one step, so that a reader (or a crash) never sees half of it."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if isinstance(data, str):
            partial.write_text(data, encoding="utf-8")
        else:
            partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless `path` already holds it (its timestamp then stays); True when written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    write_atomically(path, data)
    return True
