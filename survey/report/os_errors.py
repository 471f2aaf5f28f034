"""What an operating-system error means to a user of survey: a stable code, a message naming the file, a fix."""

from __future__ import annotations

import errno
from dataclasses import dataclass


@dataclass(frozen=True)
class OsProblem:
    code: str
    message: str
    hint: str


_KINDS: dict[int, tuple[str, str, str]] = {
    errno.ENOSPC: ("disk-full", "no space left on the device",
                   "free some space on that disk, or build elsewhere with --out DIR"),
    errno.EDQUOT: ("disk-full", "disk quota exceeded", "free some space, or build elsewhere with --out DIR"),
    errno.EFBIG: ("disk-full", "file too large for the file system or the process's limit",
                  "raise the file size limit (ulimit -f), or build elsewhere with --out DIR"),
    errno.EROFS: ("not-writable", "the file system is read-only", "build elsewhere with --out DIR"),
    errno.EACCES: ("not-writable", "permission denied",
                   "make the folder writable for this user, or build elsewhere with --out DIR"),
    errno.EPERM: ("not-writable", "operation not permitted",
                  "make the folder writable for this user, or build elsewhere with --out DIR"),
    errno.ENOTDIR: ("not-a-folder", "a file stands where a folder is needed",
                    "move that file away, or choose another --out DIR"),
    errno.ENOENT: ("not-found", "no such file or folder", "check the path; a build folder's parent must exist"),
    errno.EISDIR: ("not-a-file", "a folder stands where a file is needed", "move that folder away"),
}


def describe_os_error(exc: OSError, doing: str) -> OsProblem:
    """The problem behind `exc`, which happened while `doing` (e.g. 'writing the build folder')."""
    code, what, hint = _KINDS.get(exc.errno or 0, ("os-error", exc.strerror or str(exc), "see the message"))
    names = [name for name in (exc.filename, exc.filename2) if name]
    where = f" ({' -> '.join(str(name) for name in names)})" if names else ""
    return OsProblem(code, f"{doing}: {what}{where}", hint)
