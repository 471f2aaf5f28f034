"""Diagnostics as data: what `survey check` reports, and the three ways it prints them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"



_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(value: object) -> str:
    """`value` as text for a one-line message: line breaks and other controls written as escapes (\\n, \\x84)."""
    return _LINE_BREAKING.sub(lambda match: repr(match.group())[1:-1], str(value))

@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        from survey.report.terminal import shown_path

        return f"{shown_path(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located, with a stable code and an optional hint."""

    location: Location
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    # Other places the problem involves (the first definition of a duplicate, ...).
    related: tuple[Location, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.path, self.location.line, self.location.column, self.code)

    def as_text(self) -> str:
        """One line, always: a line break in a quoted value is written as an escape."""
        text = f"{self.location}: {self.severity.value}[{self.code}] {one_line(self.message)}"
        return f"{text}; {one_line(self.hint)}" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    def as_github(self) -> str:
        level = "error" if self.is_error else "warning"
        message = self.message + (f" ({self.hint})" if self.hint else "")
        return (
            f"::{level} file={_gh_property(self.location.path)},line={self.location.line},"
            f"col={self.location.column},title={_gh_property(self.code)}::{_gh_data(message)}"
        )


def error(location: Location, code: str, message: str, hint: str | None = None,
          related: Iterable[Location] = ()) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, code, message, hint, tuple(related))


def warning(location: Location, code: str, message: str, hint: str | None = None,
            related: Iterable[Location] = ()) -> Diagnostic:
    return Diagnostic(location, Severity.WARNING, code, message, hint, tuple(related))


def summary(diagnostics: list[Diagnostic], files: int | None = None) -> str:
    """'2 errors, 1 warning' (and 'in N files checked' when `files` is given)."""
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    counts = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    return counts if files is None else f"{counts} in {plural(files, 'file')} checked"


def render(diagnostics: list[Diagnostic], fmt: str, files: int) -> str:
    """Render diagnostics as text (with a summary line), json or github annotations."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    if fmt == "json":
        return json.dumps([d.as_dict() for d in ordered], indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        lines = [d.as_github() for d in ordered]
        lines.append(summary(ordered, files))
        return "\n".join(lines) + "\n"
    lines = [d.as_text() for d in ordered]
    lines.append(summary(ordered, files))
    return "\n".join(lines) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


__all__ = ["Diagnostic", "Location", "Severity", "error", "render", "summary", "warning"]
