"""The one filter for text that reaches a terminal or a CI log: what an entry says is shown, never obeyed.

Entry text and file names come from strangers. Written raw, an escape sequence in a title recolours, moves or
retitles the user's terminal (or, through OSC 52, writes their clipboard), a carriage return hides what came
before it, a bidirectional override reorders what a reviewer reads, and a line break in a file name starts a new
line of the CI log, where `::error::` or `::add-mask::` is a GitHub workflow command. So every command prints
through `echo`, which writes each such character as a `\\uXXXX` escape (valid in the JSON and YAML that commands
print too, so their output still parses to the same data). Line breaks of the output itself stay; a line break
inside one value is the caller's to escape (`shown_path`, `survey.diagnostics.one_line`).
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed; DEL and the C1 controls (U+009B is a one-byte CSI); the bidirectional
# marks, embeddings, overrides and isolates; the Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_LINE_BREAKING = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def terminal_text(text: str) -> str:
    """`text` with every character that a terminal or a CI log would act on written as a `\\uXXXX` escape."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def shown_path(path: object) -> str:
    """A file name for one line of output: as it is, or quoted with escapes when it holds a line break."""
    text = str(path)
    if _LINE_BREAKING.search(text) is None and _UNSAFE.search(text) is None:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{terminal_text(escaped)}"'


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """click.echo through the filter: what every command prints."""
    import click

    click.echo(terminal_text(message), err=err, nl=nl)


__all__ = ["echo", "shown_path", "terminal_text"]
