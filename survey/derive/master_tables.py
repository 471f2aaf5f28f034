"""Master comparison tables: one for circuits and macros, one for chips and systems; each work once, by its class.

A row is a work, listed under its primary architecture class and sorted by class, year and name. Cells hold what
a reader compares: for circuits the node, memory, domain, weight x input precision and the energy and area
efficiency as reported, with the efficiency normalised to 8b x 8b operations beside it; for systems the class,
memory, models and sizes, phase, batch or context, the best speedup and energy gain per baseline class, tokens per
second or joule, and the evidence. A column filled in fewer than half of its rows is folded into another (the
efficiency, if even its fold is sparse, beside node and precision) or left out, and the caption says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.derive import formulas
from survey.derive.numbers import format_number, format_range
from survey.derive.terms import canonical_all

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy

EMPTY = "-"
MIN_FILL = 0.5  # a column filled in fewer rows than this share is dropped
_CIRCUIT_LEVELS = {"device", "circuit", "chip"}
_SYSTEM_LEVELS = {"module", "system"}
_ALWAYS = {"work", "class", "year", "evidence"}


@dataclass(frozen=True)
class MasterColumn:
    key: str
    header: str
    width: float | None  # share of the flexible width; None = narrow natural width


@dataclass(frozen=True)
class MasterRow:
    entry_id: str
    name: str  # short display name
    cells: dict[str, str]


@dataclass(frozen=True)
class MasterTable:
    key: str  # 'circuits' or 'systems'
    title: str
    columns: tuple[MasterColumn, ...]
    rows: tuple[MasterRow, ...]
    dropped: tuple[str, ...]  # headers of the columns left out for being mostly empty
    formula: str | None = None  # statement of the normalisation formula of a derived column

    def cells(self, row: MasterRow) -> list[str]:
        return [row.cells.get(c.key, EMPTY) for c in self.columns]

    def duplicates(self) -> list[str]:
        """Entry ids listed more than once (a quality gate: each work appears once)."""
        from collections import Counter

        counts = Counter(r.entry_id for r in self.rows)
        return sorted(entry_id for entry_id, n in counts.items() if n > 1)


def _join(values: Sequence[str]) -> str:
    return ", ".join(v for v in values if v) or EMPTY


def table_of(taxonomy: Taxonomy, entry: Entry) -> str:
    """'circuits' for devices, macros and chips; 'systems' for modules and systems (by level, else by class)."""
    levels = set(canonical_all(taxonomy["level"], entry.level))
    if levels & _SYSTEM_LEVELS:
        return "systems"
    if levels & _CIRCUIT_LEVELS:
        return "circuits"
    primary = entry.primary_class
    term = taxonomy["architecture"].resolve(primary) if primary else None
    return "circuits" if term is not None and taxonomy["architecture"].root(term.id) == "imc" else "systems"


def _class_label(taxonomy: Taxonomy, entry: Entry) -> tuple[int, str]:
    vocab = taxonomy["architecture"]
    term = vocab.resolve(entry.primary_class) if entry.primary_class else None
    order = list(vocab.terms)
    if term is None:
        return len(order), EMPTY
    return order.index(term.id), term.label


def _precision(taxonomy: Taxonomy, entry: Entry) -> str:
    precision = entry.precision
    if precision is None:
        return EMPTY
    vocab = taxonomy["format"]

    def labels(texts: Sequence[str]) -> str:
        return "/".join(vocab.terms[t].label for t in canonical_all(vocab, texts))

    weights, inputs = labels(precision.weights), labels(precision.activations)
    if weights and inputs:
        return f"W {weights} x I {inputs}"
    return f"W {weights}" if weights else (f"I {inputs}" if inputs else EMPTY)


def _node(entry: Entry) -> str:
    nodes = sorted({e.node_nm for e in entry.evaluation if e.node_nm} |
                   {m.conditions.node_nm for m in entry.metrics if m.conditions.node_nm})
    return "/".join(f"{n:g}" for n in nodes) or EMPTY


def _evidence(taxonomy: Taxonomy, entry: Entry) -> str:
    vocab = taxonomy["evaluation"]
    return _join([vocab.terms[t].label for t in canonical_all(vocab, entry.evidence)])


def _models(entry: Entry) -> str:
    out = []
    for model in entry.models:
        name = model if isinstance(model, str) else model.name
        size = None if isinstance(model, str) else model.parameters_billion
        out.append(f"{name} ({size:g}B)" if size and f"{size:g}B" not in name.replace(" ", "") else name)
    if len(out) > 3:
        return ", ".join(out[:3]) + f", +{len(out) - 3}"
    return _join(out)


def _reported(metric: Any) -> str:
    from survey.load.units import display_unit

    unit = metric.unit.strip()
    unit_text = "x" if unit in ("x", "X", "×") else f" {display_unit(unit)}"
    if metric.range is not None:
        return f"{metric.range[0]:g}-{metric.range[1]:g}{unit_text}"
    return f"{metric.value:g}{unit_text}"


def _rows_of(metric_tables: Sequence[Any], kind: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for table in metric_tables:
        if table.kind == kind:
            for row in table.rows:
                out.setdefault(row.entry_id, []).append(row)
    return out


def _best_row(rows: Sequence[Any]) -> Any | None:
    usable = [r for r in rows if r.high is not None]
    return max(usable, key=lambda r: (r.high, -r.metric_index)) if usable else None


def _by_baseline(taxonomy: Taxonomy, entry: Entry, kinds: set[str]) -> str:
    """The best value per baseline class: '2.81x vs GPU; 1.6x vs PIM'."""
    vocab = taxonomy["baseline-class"]
    metric_vocab = taxonomy["metric"]
    best: dict[str, Any] = {}
    for metric in entry.metrics:
        term = metric_vocab.resolve(metric.kind)
        if term is None or term.id not in kinds or metric.high is None:
            continue
        baseline = vocab.resolve(metric.baseline_class) if metric.baseline_class else None
        key = vocab.root(baseline.id) if baseline else ""
        if key not in best or metric.high > best[key].high:
            best[key] = metric
    order = list(vocab.terms)
    parts = []
    for key in sorted(best, key=lambda k: (k == "", order.index(k) if k in order else 0)):
        label = vocab.terms[key].label if key else "other"
        parts.append(f"{_reported(best[key])} ({label})")
    return "; ".join(parts[:2]) + ("; ..." if len(parts) > 2 else "") if parts else EMPTY


def _phase(taxonomy: Taxonomy, entry: Entry) -> str:
    vocab = taxonomy["phase"]
    return _join([vocab.terms[t].label for t in canonical_all(vocab, entry.phases)])


def _batch_context(entry: Entry) -> str:
    batches = sorted({str(m.conditions.batch) for m in entry.metrics if m.conditions.batch is not None})
    contexts = sorted({str(m.conditions.context_length) for m in entry.metrics
                       if m.conditions.context_length is not None})
    parts = ([f"batch {', '.join(batches[:2])}"] if batches else []) + \
            ([f"ctx {', '.join(contexts[:2])}"] if contexts else [])
    return "; ".join(parts) or EMPTY


def _reported_kind(entry: Entry, taxonomy: Taxonomy, kind: str) -> str:
    metric_vocab = taxonomy["metric"]
    found = [m for m in entry.metrics if (t := metric_vocab.resolve(m.kind)) is not None and t.id == kind
             and m.high is not None]
    if not found:
        return EMPTY
    return _reported(max(found, key=lambda m: m.high or 0))


def _build(key: str, title: str, columns: Sequence[MasterColumn], entries: Sequence[Entry], taxonomy: Taxonomy,
           cell: Callable[[Entry, str], str], formula: str | None = None) -> MasterTable | None:
    rows = []
    for entry in sorted(entries, key=lambda e: (_class_label(taxonomy, e)[0], e.year or 0, e.display_name.lower())):
        cells = {c.key: cell(entry, c.key) for c in columns}
        rows.append(MasterRow(entry.id, entry.display_name, cells))
    if not rows:
        return None
    kept, dropped = _fold(key, columns, rows)
    uses_formula = formula if any(c.key in ("normalised", "figures") for c in kept) or any(
        "8b: " in cell for row in rows for cell in row.cells.values()) else None
    return MasterTable(key, title, tuple(kept), tuple(rows), tuple(dropped), uses_formula)


# Columns that are folded into one when any of them is mostly empty: (new key, header, width, members, labels,
# and the folded column that takes the cells, with its header then, when even the fold is too sparse to stand alone).
FOLDS: dict[str, tuple[tuple[str, str, float, tuple[str, ...], tuple[str, ...], tuple[str, str] | None], ...]] = {
    "circuits": (("tech", "Node, precision", 1.3, ("node", "precision"), ("", ""), None),
                 ("figures", "Efficiency", 1.6, ("efficiency", "area", "normalised"), ("", "", "8b: "),
                  ("tech", "Node, precision, efficiency"))),
    "systems": (("workload", "Workload", 1.6, ("models", "phase", "batch"), ("", "", ""), None),
                ("gains", "Reported gains", 1.8, ("speedup", "energy", "tokens"), ("speedup ", "energy ", ""), None)),
}
MIN_FOLDED_FILL = 0.25  # a folded column is the table's point: kept down to a quarter of the rows


def _fold(key: str, columns: Sequence[MasterColumn],
          rows: list[MasterRow]) -> tuple[list[MasterColumn], list[str]]:
    """The columns kept (some folded together) and the headers dropped; folded cells are written into the rows."""
    def filled(column_key: str) -> int:
        return sum(1 for r in rows if r.cells.get(column_key, EMPTY) != EMPTY)

    kept: list[MasterColumn] = []
    dropped: list[str] = []
    folded_into: dict[str, tuple[str, str, float, tuple[str, ...], tuple[str, ...], tuple[str, str] | None]] = {}
    for fold in FOLDS.get(key, ()):
        if any(filled(m) < MIN_FILL * len(rows) for m in fold[3] if any(c.key == m for c in columns)):
            for member in fold[3]:
                folded_into[member] = fold
    done: set[str] = set()
    for column in columns:
        if column.key not in folded_into:
            if column.key in _ALWAYS or filled(column.key) >= MIN_FILL * len(rows):
                kept.append(column)
            else:
                dropped.append(column.header)
            continue
        fold = folded_into[column.key]
        if fold[0] in done:
            continue
        done.add(fold[0])
        for row in rows:
            parts = [label + row.cells[m] for m, label in zip(fold[3], fold[4]) if row.cells.get(m, EMPTY) != EMPTY]
            row.cells[fold[0]] = "; ".join(parts) or EMPTY
        host = next((i for i, c in enumerate(kept) if fold[5] and c.key == fold[5][0]), None)
        if filled(fold[0]) >= MIN_FOLDED_FILL * len(rows):
            kept.append(MasterColumn(fold[0], fold[1], fold[2]))
        elif host is not None and fold[5] and filled(fold[0]):
            # too sparse for a column of its own, yet the table's point (a macro's TOPS/W): beside another fold
            for row in rows:
                parts = [row.cells[k] for k in (fold[5][0], fold[0]) if row.cells.get(k, EMPTY) != EMPTY]
                row.cells[fold[5][0]] = "; ".join(parts) or EMPTY
            kept[host] = MasterColumn(kept[host].key, fold[5][1], (kept[host].width or 0) + fold[2] / 2)
        else:
            dropped.append(fold[1])
    return kept, dropped


CIRCUIT_COLUMNS = (
    MasterColumn("work", "Work", None), MasterColumn("class", "Class", 1.0), MasterColumn("year", "Year", None),
    MasterColumn("node", "Node (nm)", None), MasterColumn("memory", "Memory", 1.0),
    MasterColumn("domain", "Domain", 0.9), MasterColumn("precision", "Precision", 1.2),
    MasterColumn("efficiency", "TOPS/W", 1.0), MasterColumn("area", "TOPS/mm\u00b2", 0.9),
    MasterColumn("normalised", "8b TOPS/W", 0.8), MasterColumn("evidence", "Evidence", 0.8),
)
SYSTEM_COLUMNS = (
    MasterColumn("work", "Work", None), MasterColumn("class", "Class", 0.9), MasterColumn("year", "Year", None),
    MasterColumn("memory", "Memory", 0.8), MasterColumn("models", "Models", 1.4), MasterColumn("phase", "Phase", 0.7),
    MasterColumn("batch", "Batch/context", 0.8), MasterColumn("speedup", "Speedup", 1.3),
    MasterColumn("energy", "Energy gain", 1.3), MasterColumn("tokens", "Tokens/s or /J", 0.8),
    MasterColumn("evidence", "Evidence", 0.8),
)


def build_master_tables(taxonomy: Taxonomy, entries: Sequence[Entry], metric_tables: Sequence[Any]) -> list[MasterTable]:
    """The two master tables of the comparison section (either is absent when no work belongs to it)."""
    designs = []
    for entry in entries:
        kind = taxonomy["contribution-type"].resolve(entry.type)
        if kind is not None and (kind.role == "speaker" or kind.id == "survey"):
            continue
        designs.append(entry)
    efficiency = _rows_of(metric_tables, "energy-efficiency")
    area = _rows_of(metric_tables, "area-efficiency")
    memory, domain = taxonomy["memory"], taxonomy["domain"]
    eight_bit = formulas.formula(formulas.EIGHT_BIT_NORMALISED_EFFICIENCY)
    formula: str | None = eight_bit.statement

    def common(entry: Entry, key: str) -> str | None:
        if key == "work":
            return entry.display_name
        if key == "class":
            return _class_label(taxonomy, entry)[1]
        if key == "year":
            return str(entry.year) if entry.year else EMPTY
        if key == "memory":
            return _join([memory.terms[t].label for t in canonical_all(memory, entry.memory)])
        if key == "evidence":
            return _evidence(taxonomy, entry)
        return None

    def circuit_cell(entry: Entry, key: str) -> str:
        shared = common(entry, key)
        if shared is not None:
            return shared
        if key == "node":
            return _node(entry)
        if key == "domain":
            return _join([domain.terms[t].label for t in canonical_all(domain, entry.domain)])
        if key == "precision":
            return _precision(taxonomy, entry)
        if key == "efficiency":
            row = _best_row(efficiency.get(entry.id, []))
            return row.reported if row is not None else EMPTY
        if key == "area":
            row = _best_row(area.get(entry.id, []))
            return row.reported if row is not None else EMPTY
        if key == "normalised":  # at 8b x 8b, so that an 8-bit design's value reads as reported
            row = _best_row(efficiency.get(entry.id, []))
            if row is None or row.weight_bits is None or row.input_bits is None or row.low is None:
                return EMPTY
            bits = {"input_bits": float(row.input_bits), "weight_bits": float(row.weight_bits)}
            low, high = eight_bit.over_range(row.low, row.high, **bits)
            return format_number(low) if row.value is not None else format_range(low, high)
        return EMPTY

    def system_cell(entry: Entry, key: str) -> str:
        shared = common(entry, key)
        if shared is not None:
            return shared
        if key == "models":
            return _models(entry)
        if key == "phase":
            return _phase(taxonomy, entry)
        if key == "batch":
            return _batch_context(entry)
        if key == "speedup":
            return _by_baseline(taxonomy, entry, {"speedup"})
        if key == "energy":
            return _by_baseline(taxonomy, entry, {"energy-efficiency-gain", "energy-reduction"})
        if key == "tokens":
            parts = [p for p in (_reported_kind(entry, taxonomy, "throughput"),
                                 _reported_kind(entry, taxonomy, "token-efficiency")) if p != EMPTY]
            return "; ".join(parts) or EMPTY
        return EMPTY

    circuits = [e for e in designs if table_of(taxonomy, e) == "circuits"]
    systems = [e for e in designs if table_of(taxonomy, e) == "systems"]
    tables = [_build("circuits", "Circuits, macros and chips", CIRCUIT_COLUMNS, circuits, taxonomy, circuit_cell,
                     formula),
              _build("systems", "Accelerators and systems", SYSTEM_COLUMNS, systems, taxonomy, system_cell)]
    return [t for t in tables if t is not None]
