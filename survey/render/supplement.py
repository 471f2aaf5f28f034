"""The supplementary data file shipped beside the PDF: every reported value, one CSV row each, with its quote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from survey.render.export import to_csv

if TYPE_CHECKING:
    from survey.load.model import Entry

SUPPLEMENT_FILE = "supplementary-metrics.csv"
HEADER = ("entry", "work", "metric", "reported", "qualifier", "value", "low", "high", "unit", "model", "phase",
          "precision", "level", "node_nm", "conditions", "baseline", "baseline_class", "evidence",
          "comparable_group", "rank", "locator", "quote", "url")


def _inert(cell: str) -> str:
    """A cell a spreadsheet will not read as a formula (entries are untrusted: '=HYPERLINK(...)' stays text)."""
    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not cell[1:2].isdigit()):
        return "'" + cell
    return cell


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def supplement_csv(metric_tables: Sequence[Any], entries: Sequence[Entry]) -> str:
    """Rows in the order of the metric tables (kind, then value); a rank only where a comparable group exists."""
    by_id = {e.id: e for e in entries}
    rows = []
    for table in metric_tables:
        for row in table.rows:
            entry = by_id.get(row.entry_id)
            metric = entry.metrics[row.metric_index] if entry is not None else None
            source = metric.source if metric is not None else None
            group = next((g for g in table.comparable_groups if g.key == row.group), None)
            ranked = group is not None and group.ranked and row.rank is not None
            rows.append([
                row.entry_id, entry.display_name if entry else row.entry_id, table.label, row.reported,
                row.qualifier or "", _number(row.value), _number(row.low), _number(row.high), table.unit,
                row.model or "", row.phase or "", row.precision or "", row.level or "", _number(row.node_nm),
                row.conditions, row.baseline or "", (metric.baseline_class or "") if metric else "", row.evidence,
                group.label if ranked and group else "", str(row.rank) if ranked else "",
                source.locator if source else "", source.quote if source else "",
                (source.url or entry.url or "") if source and entry else "",
            ])
    return to_csv(HEADER, [[_inert(str(cell)) for cell in row] for row in rows])
