"""`survey query`, `show`, `stats`, `export`, `compare` and `pareto`: thin commands over survey.query."""

from __future__ import annotations

import difflib
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from survey.cli.context import Context
from survey.report.terminal import echo

if TYPE_CHECKING:
    from survey.query.index import QueryIndex
    from survey.query.matched_metrics import Choice

_FORMATS = ("table", "json", "csv", "yaml", "bibtex", "markdown")


def _fail(message: str, status: int = 2) -> NoReturn:
    echo(message, err=True)
    sys.exit(status)


def _index(obj: Context, use_cache: bool = True) -> QueryIndex:
    from survey.load import units
    from survey.query.cache import KnowledgeBaseUnusable, load_index

    try:
        with units.memo_file(obj.unit_memo):  # re-reading an edited entry then needs no pint
            index = load_index(obj.root, use_cache)
    except KnowledgeBaseUnusable as problem:
        _fail(f"error: {problem}", 1)
    if index.skipped:
        echo(f"note: {len(index.skipped)} entry file(s) do not fit the entry model and are left out "
             f"({', '.join(index.skipped[:3])}{', ...' if len(index.skipped) > 3 else ''}); run `survey check`",
             err=True)
    return index


def _select(index: QueryIndex, expression: tuple[str, ...]) -> list[dict[str, Any]]:
    return _select_with_choices(index, expression)[0]


def _select_with_choices(index: QueryIndex,
                         expression: tuple[str, ...]) -> tuple[list[dict[str, Any]], dict[str, Choice]]:
    """The matching records, and per entry the metrics that satisfy the query (see survey.query.matched_metrics)."""
    from survey.query.evaluate import select_with_choices
    from survey.query.syntax import QueryError

    query = " ".join(expression)
    try:
        return select_with_choices(query, index)
    except QueryError as problem:
        _fail(problem.render(query))


def _column(name: str, index: QueryIndex, option: str) -> str:
    from survey.query.columns import column_name, known_columns

    column = column_name(name, index)
    if column is None:
        close = difflib.get_close_matches(name, known_columns(index), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(known_columns(index))
        _fail(f"error: {option} {name}: unknown field; {hint}")
    return column


@click.command("query")
@click.argument("expression", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True)
@click.option("--sort", "sort", metavar="[-]FIELD", help="Sort by a field or metric kind; '-' for descending.")
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many entries.")
@click.option("--fields", metavar="F1,F2,...", help="Columns of table/csv/markdown; keys of json/yaml objects.")
@click.option("--no-cache", is_flag=True, help="Read every file again instead of using .survey-cache/.")
@click.pass_obj
def query_command(obj: Context, expression: tuple[str, ...], fmt: str, sort: str | None, limit: int | None,
                  fields: str | None, no_cache: bool) -> None:
    """List the entries matching EXPRESSION (all entries without one).

    \b
    memory=dram                  a term matches its descendants and aliases (HBM3, GDDR6, ...)
    year>=2023 type=poster       comparisons; adjacent conditions are ANDed
    "energy-efficiency>=10 TOPS/W"                 metrics in any unit of their dimension
    "energy-efficiency[evaluation=silicon precision=int8]>=10 TOPS/W"   ... under conditions
    "metric[baseline~a100]"      a metric of any kind under conditions
    speedup                      the entry reports a speedup (a bare metric name)
    attention  '"in-memory attention"'            free text in titles and summaries
    (memory=reram OR memory=pcm) AND NOT year<2022
    Operators: = != > >= < <= ~ (contains). Metric columns and --sort use the values the query matched.
    See docs/query-language.md for every field and rule.
    """
    from survey.query.columns import sort_records
    from survey.render.export import render

    index = _index(obj, not no_cache)
    records, choices = _select_with_choices(index, expression)
    columns = [_column(f.strip(), index, "--fields") for f in fields.split(",") if f.strip()] if fields else None
    if sort:
        descending = sort.startswith("-")
        column = _column(sort.lstrip("-+"), index, "--sort")
        records = sort_records(records, column, descending, index, choices)
        if columns is None and fmt in ("table", "csv", "markdown") and column not in ("id", "year", "type", "title"):
            from survey.query.columns import DEFAULT_COLUMNS

            columns = [*DEFAULT_COLUMNS[:-1], column, DEFAULT_COLUMNS[-1]]
    if limit is not None:
        records = records[:limit]
    echo(render(records, fmt, index, columns, choices), nl=False)
    if fmt == "table":
        echo(f"{len(records)} of {len(index.records)} entries", err=True)


@click.command("show")
@click.argument("entry_id")
@click.pass_obj
def show_command(obj: Context, entry_id: str) -> None:
    """A readable card of one entry: facts, summary, metrics with conditions and sources."""
    from survey.render.export import to_card

    index = _index(obj)
    record = index.record(entry_id)
    if record is None:
        close = difflib.get_close_matches(entry_id, [r["id"] for r in index.records], n=1, cutoff=0.5)
        _fail(f"error: no entry '{entry_id}'" + (f"; did you mean '{close[0]}'?" if close else ""))
    echo(to_card(record, index.full(record), index), nl=False)


@click.command("stats")
@click.argument("expression", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True)
@click.pass_obj
def stats_command(obj: Context, expression: tuple[str, ...], fmt: str) -> None:
    """Counts by every facet, and the empty cells of challenge x memory technology (of EXPRESSION's entries)."""
    from dataclasses import asdict

    from survey.query.stats import build_stats
    from survey.render.export import to_json, to_markdown, to_table

    index = _index(obj)
    stats = build_stats(_select(index, expression), index)
    if fmt == "json":
        echo(to_json(asdict(stats)), nl=False)
        return
    header = ["challenge / memory", *stats.columns]
    rows = [[label, *(str(n) if n else "-" for n in counts)] for label, counts in zip(stats.rows, stats.matrix)]
    if fmt == "markdown":
        lines = [f"**{stats.entries} entries**", ""]
        lines += [f"- **{facet}**: " + ", ".join(f"{label} {n}" for label, n in counts)
                  for facet, counts in stats.facets.items() if counts]
        echo("\n".join(lines) + "\n\n" + to_markdown(header, rows), nl=False)
    else:
        lines = [f"{stats.entries} entries"]
        lines += [f"{facet + ':':<14}" + ", ".join(f"{label} {n}" for label, n in counts)
                  for facet, counts in stats.facets.items() if counts]
        echo("\n".join(lines) + "\n" + to_table(header, rows, title="Entries per challenge and memory"),
             nl=False)
    echo(f"\n{len(stats.empty)} empty cells (challenge x memory): "
         + "; ".join(f"{c} x {m}" for c, m in stats.empty))


@click.command("export")
@click.argument("expression", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "bibtex"]), required=True,
              help="json: every entry; csv: one row per metric (long format); bibtex: one record per entry.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write here, not stdout.")
@click.pass_obj
def export_command(obj: Context, expression: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Export the knowledge base, or the entries matching EXPRESSION.

    The CSV holds one row per metric, JSON one object per entry as written; where EXPRESSION's metric terms
    (speedup[baseline~gpu]>10) matched metrics of an entry, only those metrics. BibTeX: one record per entry.
    """
    from survey.render.export import METRIC_COLUMNS, entries_json, metric_rows, to_bibtex, to_csv

    index = _index(obj)
    records, choices = _select_with_choices(index, expression)
    if fmt == "json":
        text = entries_json(records, index, choices=choices)
    elif fmt == "csv":
        text = to_csv(METRIC_COLUMNS, metric_rows(records, index, choices))
    else:
        text = to_bibtex(records, index)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        echo(text, nl=False)


def _metric(index: QueryIndex, name: str) -> str:
    term = index.taxonomy["metric"].resolve(name)
    if term is None:
        close = difflib.get_close_matches(name.lower(), [t.id for t in index.taxonomy["metric"]], n=1)
        guess = close[0] if close else index.taxonomy["metric"].suggest(name)
        _fail(f"error: '{name}' is not a metric kind in taxonomy.yaml" + (f"; did you mean '{guess}'?" if guess else ""))
    return term.id


def _iso(text: str) -> tuple[str, ...]:
    from survey.query.compare import CompareError, parse_iso

    try:
        return parse_iso(text)
    except CompareError as problem:
        _fail(f"error: {problem}")


_ISO_HELP = "Conditions that must match within a group, e.g. precision,phase,evaluation (see the README, 'For readers')."


@click.command("compare")
@click.argument("metric")
@click.argument("expression", nargs=-1)
@click.option("--iso", default="", metavar="C1,C2,...", help=_ISO_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True)
@click.pass_obj
def compare_command(obj: Context, metric: str, expression: tuple[str, ...], iso: str, fmt: str) -> None:
    """Rank works on METRIC, only against works whose --iso conditions match."""
    from survey.query.compare import compare

    index = _index(obj)
    kind = _metric(index, metric)
    records, choices = _select_with_choices(index, expression)
    result = compare(records, kind, _iso(iso), index.taxonomy, choices)
    _print_comparison(result, index, fmt)


@click.command("pareto")
@click.argument("metric_x")
@click.argument("metric_y")
@click.argument("expression", nargs=-1)
@click.option("--iso", default="", metavar="C1,C2,...", help=_ISO_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True)
@click.pass_obj
def pareto_command(obj: Context, metric_x: str, metric_y: str, expression: tuple[str, ...], iso: str,
                   fmt: str) -> None:
    """The Pareto-optimal works on METRIC_X and METRIC_Y, per group of matching --iso conditions."""
    from survey.query.compare import pareto

    index = _index(obj)
    kinds = _metric(index, metric_x), _metric(index, metric_y)
    records, choices = _select_with_choices(index, expression)
    result = pareto(records, kinds[0], kinds[1], _iso(iso), index.taxonomy, choices)
    _print_comparison(result, index, fmt)


def _print_comparison(result: Any, index: QueryIndex, fmt: str) -> None:
    from survey.query.columns import format_number
    from survey.render.export import to_csv, to_json, to_markdown, to_table

    units = [index.taxonomy["metric"].terms[k].canonical_unit for k in result.kinds]
    header = ["group", "rank", "id", *(f"{k} ({u})" for k, u in zip(result.kinds, units)), "as reported", "title"]
    rows: list[list[str]] = []
    for group in result.groups:
        label = ", ".join(f"{name}={value}" for name, value in group.conditions) or "all"
        for rank, point in enumerate(group.points, 1):
            values = [format_number(point.value)] + ([format_number(point.other)] if point.other is not None else [])
            reported = "; ".join(_reported(m) for m in (point.metric, point.other_metric) if m)
            rows.append([label, str(rank), point.entry_id, *values, reported, point.title])
    left = [f"{entry_id} (no {', '.join(missing)})" for entry_id, missing in result.left_out]
    if fmt == "json":
        echo(to_json({"kinds": list(result.kinds), "iso": list(result.iso),
                      "rows": [dict(zip(header, row)) for row in rows],
                      "left_out": [{"id": i, "missing": m} for i, m in result.left_out]}), nl=False)
        return
    if fmt == "csv":
        echo(to_csv(header, rows), nl=False)
    elif fmt == "markdown":
        echo(to_markdown(header, rows), nl=False)
    else:  # titles would crowd the terminal; ids identify the works
        echo(to_table(header[:-1], [row[:-1] for row in rows]), nl=False)
    if left and fmt != "csv":
        echo(f"Left out for missing conditions ({len(left)}): " + "; ".join(left))
    elif left:
        echo(f"left out for missing conditions: {'; '.join(left)}", err=True)


def _reported(metric: dict[str, Any]) -> str:
    from survey.query.columns import format_number

    value = (f"{format_number(metric['range'][0])}-{format_number(metric['range'][1])}" if metric["range"]
             else format_number(metric["value"]))
    return f"{value} {metric['unit']}" + (f" ({metric['qualifier']})" if metric["qualifier"] else "")


COMMANDS = [query_command, show_command, stats_command, export_command, compare_command, pareto_command]
