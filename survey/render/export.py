"""Output formats of query results and exports: json, yaml, csv, markdown, bibtex and a rich terminal table.

Each format escapes for itself here and nowhere else. Records come from survey.query (see survey.query.cache).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from survey.query.columns import cell, format_number
from survey.query.index import QueryIndex
from survey.query.matched_metrics import Choices, chosen_positions
from survey.query.records import metrics_of

FORMATS = ("table", "json", "csv", "yaml", "bibtex", "markdown")
METRIC_COLUMNS = ("id", "title", "year", "type", "venue", "doi", "memory", "architecture", "kind", "value", "low",
                  "high", "unit", "canonical_low", "canonical_high", "canonical_unit", "qualifier", "baseline",
                  "phase", "level", "evaluation", "tool", "weights", "activations", "kv_cache", "model", "batch",
                  "context_length", "node_nm", "notes", "inherited", "source_locator", "source_quote",
                  "source_url")


def render(records: Sequence[dict[str, Any]], fmt: str, index: QueryIndex,
           columns: Sequence[str] | None, choices: Choices | None = None) -> str:
    """`records` in format `fmt`; `columns` limits json/yaml objects and picks table/csv/markdown columns.

    A metric-kind column shows the best of the values that satisfy the query's conditions (`choices`)."""
    from survey.query.columns import DEFAULT_COLUMNS

    shown = list(columns or DEFAULT_COLUMNS)
    if fmt == "json":
        return entries_json(records, index, columns, choices)
    if fmt == "yaml":
        return to_yaml(entry_objects(records, index, columns, choices))
    if fmt == "bibtex":
        return to_bibtex(records, index)
    rows = [[cell(r, c, index, choices) for c in shown] for r in records]
    if fmt == "csv":
        return to_csv(shown, rows)
    if fmt == "markdown":
        return to_markdown(shown, rows)
    return to_table(shown, rows)


def entry_objects(records: Sequence[dict[str, Any]], index: QueryIndex, columns: Sequence[str] | None = None,
                  choices: Choices | None = None) -> list[dict[str, Any]]:
    """Entries as written (see `matched_entry`), or only `columns` (as shown in tables); each object starts
    with its id."""
    if not columns:
        return [matched_entry(r, index, choices) for r in records]
    return [{"id": r["id"], **{c: cell(r, c, index, choices) for c in columns if c != "id"}} for r in records]


def matched_entry(record: dict[str, Any], index: QueryIndex, choices: Choices | None = None) -> dict[str, Any]:
    """The entry as written; where the query's metric terms chose metrics of it, `metrics` holds only those."""
    whole = index.full(record)
    choice = choices.get(record["id"]) if choices else None
    if not choice or "metrics" not in whole:
        return whole
    written = whole["metrics"]
    return {**whole, "metrics": [written[p] for p in chosen_positions(record, choice, matched_only=True)
                                 if p < len(written)]}


def entries_json(records: Sequence[dict[str, Any]], index: QueryIndex, columns: Sequence[str] | None = None,
                 choices: Choices | None = None) -> str:
    """A JSON list of entry objects, one entry a line (fast for thousands: the cache holds each line ready)."""
    if columns:
        lines = [json.dumps(o, ensure_ascii=False) for o in entry_objects(records, index, columns, choices)]
    else:
        lines = [json.dumps(matched_entry(r, index, choices), ensure_ascii=False)
                 if choices and r["id"] in choices else index.full_json(r) for r in records]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def to_json(objects: Any) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def to_yaml(objects: Any) -> str:
    import yaml

    return str(yaml.safe_dump(objects, sort_keys=False, allow_unicode=True, width=100))


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue()


def escape_markdown(text: str) -> str:
    """`text` as literal Markdown on one line: no emphasis, link, table cell break or HTML tag is made of it."""
    return re.sub(r"([\\|`*_\[\]<>])", r"\\\1", text).replace("\n", " ")


def to_markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    escape = escape_markdown
    lines = ["| " + " | ".join(escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape(str(v)) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


RICH_ROWS = 200  # above this, rich takes seconds; a plain aligned table takes milliseconds


def to_table(header: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> str:
    """A rich table as text (rich's markup in values is shown literally); a plain one for many rows."""
    if len(rows) > RICH_ROWS:
        return to_plain_table(header, rows, title)
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, header_style="bold")
    for position, name in enumerate(header):
        widest = max((len(str(row[position])) for row in rows), default=0)
        # ids and short values stay whole; long text wraps
        short = widest <= 24
        table.add_column(name, no_wrap=short, min_width=max(widest, len(name)) if short else None)
    for row in rows:
        table.add_row(*(Text(str(v)) for v in row))
    return render_rich(table)


def to_plain_table(header: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None,
                   width: int = 160) -> str:
    """Columns aligned with two spaces; cells longer than their share of `width` end in '...'."""
    widths = [max([len(h)] + [len(str(row[i])) for row in rows]) for i, h in enumerate(header)]
    budget = max(width - 2 * (len(header) - 1) - sum(widths[:-1]), 20)
    widths[-1] = min(widths[-1], budget)

    def line(values: Sequence[Any]) -> str:
        cells = [str(v) if len(str(v)) <= w else str(v)[:w - 3] + "..." for v, w in zip(values, widths)]
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    lines = ([title] if title else []) + [line(header), "  ".join("-" * w for w in widths)]
    return "\n".join(lines + [line(row) for row in rows]) + "\n"


def render_rich(renderable: Any) -> str:
    """Render with rich into text: colours only on a terminal, width of the terminal or 120 columns."""
    import shutil
    import sys

    from rich.console import Console

    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size((120, 24)).columns if terminal else 120
    console = Console(width=width, force_terminal=terminal, no_color=not terminal, highlight=False,
                      file=io.StringIO(), legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def to_bibtex(records: Sequence[dict[str, Any]], index: QueryIndex) -> str:
    """Each entry's own BibTeX record, or a @misc record made from its fields, keyed by entry id."""
    return "\n".join(_bibtex_record(r, index.full(r)) for r in records)


def _bibtex_record(record: dict[str, Any], whole: dict[str, Any]) -> str:
    own = whole.get("bibtex")
    if own:
        return own.strip() + "\n"
    fields = {
        "author": " and ".join(_bib_escape(p) for p in record["people"]),
        "title": "{" + _bib_escape(record["title"]) + "}",
        "howpublished": _bib_escape(record.get("venue") or ""),
        "year": str(record["year"]) if record.get("year") else "",
        "doi": record.get("doi") or "",
        "eprint": record.get("arxiv") or "",
        "url": record.get("url") or "",
    }
    if fields["eprint"]:
        fields["archiveprefix"] = "arXiv"
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@misc{{{record['id']},\n{body}\n}}\n"


def _bib_escape(text: str) -> str:
    """BibTeX-safe text: braces balanced by escaping them, TeX specials escaped."""
    return re.sub(r"([{}\\&%$#_])", lambda m: "\\textbackslash{}" if m.group(1) == "\\" else "\\" + m.group(1), text)


def metric_rows(records: Sequence[dict[str, Any]], index: QueryIndex,
                choices: Choices | None = None) -> list[list[Any]]:
    """One row per metric (long format), columns as METRIC_COLUMNS, sources from the whole entries; with
    `choices`, of an entry whose metrics the query constrains only the metrics that matched."""
    rows: list[list[Any]] = []
    for record in records:
        written = index.full(record).get("metrics", [])
        metrics = metrics_of(record)
        for position in chosen_positions(record, choices.get(record["id"]) if choices else None, matched_only=True):
            metric = metrics[position]
            conditions = metric["conditions"]
            source = written[position].get("source", {}) if position < len(written) else {}
            rows.append([
                record["id"], record["title"], record.get("year"), record["type"], record.get("venue"),
                record.get("doi"), _joined(record["terms"]["memory"]), _joined(record["terms"]["architecture"]),
                metric["kind"], metric["value"],
                metric["range"][0] if metric["range"] else metric["value"],
                metric["range"][1] if metric["range"] else metric["value"],
                metric["unit"], _number(metric["low"]), _number(metric["high"]), metric["canonical_unit"],
                metric["qualifier"], metric["baseline"], conditions.get("phase"), conditions.get("level"),
                conditions.get("evaluation"), conditions.get("tool"), _joined(conditions.get("weights")),
                _joined(conditions.get("activations")), _joined(conditions.get("kv_cache")), conditions.get("model"),
                conditions.get("batch"), conditions.get("context_length"), conditions.get("node_nm"),
                conditions.get("notes"), _joined(metric["inherited"]), source.get("locator"), source.get("quote"),
                source.get("url"),
            ])
    return rows


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.12g}"


def _joined(values: Any) -> str:
    return " ".join(values) if isinstance(values, list) else ("" if values is None else str(values))



def to_card(record: dict[str, Any], whole: dict[str, Any], index: QueryIndex, width: int = 100) -> str:
    """A readable card of one entry: facts, summary, and every metric with its conditions and source."""
    taxonomy = index.taxonomy
    lines = [f"{record['id']}: {record['title']}", ""]

    def fact(name: str, value: str) -> None:
        if value:
            lines.extend(_wrap(value, width, initial_indent=f"{name + ':':<14}", subsequent_indent=" " * 14))

    fact("Type", cell(record, "type", index))
    fact("Year", str(record.get("year") or ""))
    fact("Venue", record.get("venue") or "")
    fact("People", ", ".join(_person(p) for p in whole.get("people", [])))
    for key in ("doi", "arxiv", "url"):
        fact(key.upper() if key != "arxiv" else "arXiv", record.get(key) or "")
    for column in ("architecture", "level", "memory", "domain", "compression", "phase", "challenge", "topic"):
        fact(column.capitalize(), cell(record, column, index))
    evaluations = [taxonomy.label("evaluation", e["method"]) + (f" ({taxonomy.label('simulator', e['tool'])})"
                                                                  if e.get("tool") else "")
                   + (f", {e['node_nm']} nm" if e.get("node_nm") else "") for e in whole.get("evaluation", [])]
    fact("Evaluation", "; ".join(evaluations))
    precision = whole.get("precision") or {}
    fact("Precision", "; ".join(f"{k.replace('_', ' ')} {', '.join(map(str, v)) if isinstance(v, list) else v}"
                                for k, v in precision.items()))
    fact("Models", ", ".join(record.get("models") or []))
    fact("Draws on", ", ".join(record.get("draws_on") or []))
    if record.get("summary"):
        lines += ["", *_wrap(record["summary"], width)]
    written = whole.get("metrics", [])
    if metrics_of(record):
        lines += ["", f"Metrics ({len(record['metrics'])}):"]
    for number, metric in enumerate(metrics_of(record), 1):
        source = written[number - 1].get("source", {}) if number - 1 < len(written) else {}
        reported = (f"{format_number(metric['range'][0])}-{format_number(metric['range'][1])}" if metric["range"]
                    else format_number(metric["value"]) if metric["value"] is not None else "?")
        head = f"{number}. {taxonomy.label('metric', metric['kind'])}: {reported} {metric['unit']}"
        if metric["qualifier"]:
            head += f" ({metric['qualifier']})"
        if metric["low"] is not None and metric["unit"] != metric["canonical_unit"]:
            converted = (format_number(metric["low"]) if metric["low"] == metric["high"]
                         else f"{format_number(metric['low'])}-{format_number(metric['high'])}")
            head += f" = {converted} {metric['canonical_unit']}"
        if metric["baseline"]:
            head += f" vs {metric['baseline']}"
        lines.extend(_wrap(head, width, initial_indent="  ", subsequent_indent="     "))
        conditions = [f"{k.replace('_', ' ')} {'+'.join(map(str, v)) if isinstance(v, list) else v}"
                      + (" (entry)" if k in metric["inherited"] else "")
                      for k, v in metric["conditions"].items() if k != "unpaired_precision"]
        conditions += [f"{operand.replace('_', ' ')} {' or '.join(formats)} (not paired with this value)"
                       for operand, formats in metric["conditions"].get("unpaired_precision", {}).items()]
        if conditions:
            lines.extend(_wrap("under: " + "; ".join(conditions), width, initial_indent="     ",
                                       subsequent_indent="       "))
        if source:
            quote = f"{source.get('locator', '')}: \"{source.get('quote', '')}\""
            if source.get("url"):
                quote += f" <{source['url']}>"
            lines.extend(_wrap("source: " + quote, width, initial_indent="     ",
                                       subsequent_indent="       "))
    lines += ["", f"File: {record['path']}"]
    return "\n".join(lines) + "\n"


def _person(person: dict[str, Any]) -> str:
    text = str(person.get("name", ""))
    if person.get("affiliations"):
        text += f" ({'; '.join(person['affiliations'])})"
    return text


def _wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """Wrapped lines that never split a word, a URL or a hyphenated term."""
    import textwrap

    return textwrap.wrap(text, width, initial_indent=initial_indent, subsequent_indent=subsequent_indent,
                         break_long_words=False, break_on_hyphens=False)
