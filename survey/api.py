"""The Python API for notebooks.

    import survey.api as sv
    kb = sv.load("path/to/knowledge-base")
    kb.entries                       # survey.load.model.Entry objects
    kb.query("memory=dram year>=2023")
    kb.metrics_frame()               # pandas DataFrame, one row per metric, canonical units
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas  # type: ignore[import-untyped]

    from survey.load.model import Entry
    from survey.query.index import QueryIndex


@dataclass
class Survey:
    """A loaded knowledge base: typed entries, and the query index they were flattened into."""

    entries: list[Entry]
    index: QueryIndex

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def query(self, expression: str = "") -> list[Entry]:
        """The entries matching a `survey query` expression; raises survey.query.syntax.QueryError."""
        from survey.query.evaluate import select

        wanted = {r["id"] for r in select(expression, self.index)}
        return [e for e in self.entries if e.id in wanted]

    def records(self, expression: str = "") -> list[dict[str, Any]]:
        """Plain-data records (term ids resolved, metrics with canonical `low`/`high`) matching `expression`."""
        from survey.query.evaluate import select

        return select(expression, self.index)

    def metrics_frame(self, expression: str = "") -> pandas.DataFrame:
        """One row per metric of the matching entries, values in canonical units, with their conditions and
        entry facets; where the expression's metric terms (`speedup[baseline~gpu]>10`) chose metrics of an
        entry, only the metrics that matched."""
        import pandas

        from survey.query.evaluate import select_with_choices
        from survey.render.export import METRIC_COLUMNS, metric_rows

        records, choices = select_with_choices(expression, self.index)
        frame = pandas.DataFrame(metric_rows(records, self.index, choices), columns=list(METRIC_COLUMNS))
        for column in ("canonical_low", "canonical_high", "low", "high", "value"):
            frame[column] = pandas.to_numeric(frame[column], errors="coerce")
        return frame


def load(root: str | Path = ".") -> Survey:
    """Load the knowledge base at `root` (its folder holding taxonomy.yaml and entries/)."""
    from survey.load.knowledge_base import load_knowledge_base
    from survey.query.cache import load_index

    folder = Path(root)
    index = load_index(folder)
    return Survey(load_knowledge_base(folder).entries, index)


def metrics_frame(root: str | Path = ".", expression: str = "") -> pandas.DataFrame:
    """Shortcut: the metrics DataFrame of the knowledge base at `root`."""
    return load(root).metrics_frame(expression)
