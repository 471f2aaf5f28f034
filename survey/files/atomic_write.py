"""Replace a file in one step, so that a reader (or a crash) never sees half of it."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    encoded = data.encode("utf-8") if isinstance(data, str) else data
    partial.unlink(missing_ok=True)  # left by a killed process with our pid, or planted: a link is not followed
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(encoded)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless `path` already holds it (its timestamp then stays); True when written."""
    if not path.is_symlink() and path.is_file() and path.read_bytes() == data:  # a link is replaced, not read
        return False
    write_atomically(path, data)
    return True
