"""Files of the TeX installation, found as TeX finds them (kpsewhich, so TEXMF and the other kpathsea variables
apply)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def find_tex_files(kpsewhich: str, *names: str) -> dict[str, Path]:
    """The files kpsewhich finds, by name (one call for all of them); none when kpsewhich is missing or fails."""
    try:
        found = subprocess.run([kpsewhich, *names], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    paths = [Path(line) for line in found.stdout.splitlines() if line.strip()]
    return {name: next(p for p in paths if p.name == name) for name in names if any(p.name == name for p in paths)}
