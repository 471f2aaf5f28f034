"""Compile a syntax tree into a predicate over query records, resolving fields, terms and units.

Terms match taxonomy-aware: a parent term matches its descendants, and any alias or label names its term.
Metric conditions compare values converted to the kind's canonical unit; a range [low, high] satisfies a
condition when some value in it does (>= looks at high, <= at low, = at containment).

A compiled query gives, for an entry it matches, which of the entry's metrics satisfy its metric terms (see
survey.query.matched_metrics), so that what is shown and ranked is the value that matched, not another one.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable
from typing import Any

from survey.load.taxonomy import normalise
from survey.query.fields import CONDITION_FIELDS, ENTRY_FIELDS, FieldSpec, field_table
from survey.query.index import QueryIndex
from survey.query.matched_metrics import UNCONSTRAINED, Choice, both, either
from survey.query.records import metrics_of
from survey.query.syntax import All, Any_, Compare, Node, Not, QueryError, Text, Value, parse
from survey.query.unit_table import UnitMismatch, factor_to_canonical

Predicate = Callable[[dict[str, Any]], bool]
Matcher = Callable[[dict[str, Any]], Choice | None]  # None: the entry does not match
_TOLERANCE = 1e-9
_NUMERIC = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def compile_matcher(query: str, index: QueryIndex) -> Matcher:
    """For each record, None when `query` does not match it, else the metrics its metric terms chose.

    Raises QueryError pointing at the offending text."""
    return _Compiler(index).compile(parse(query, lambda name: _metric_kind(index, name) is not None))


def compile_query(query: str, index: QueryIndex) -> Predicate:
    """A predicate over records for `query`; raises QueryError pointing at the offending text."""
    matcher = compile_matcher(query, index)
    return lambda record: matcher(record) is not None


def select(query: str, index: QueryIndex) -> list[dict[str, Any]]:
    """The records matching `query`, in id order."""
    return select_with_choices(query, index)[0]


def select_with_choices(query: str, index: QueryIndex) -> tuple[list[dict[str, Any]], dict[str, Choice]]:
    """The records matching `query` in id order, and per entry id the metrics that satisfy its conditions
    (only for entries whose metrics the query constrains)."""
    matcher = compile_matcher(query, index)
    records: list[dict[str, Any]] = []
    choices: dict[str, Choice] = {}
    for record in index.records:
        choice = matcher(record)
        if choice is not None:
            records.append(record)
            if choice:
                choices[record["id"]] = choice
    return records, choices


def _metric_kind(index: QueryIndex, name: str) -> str | None:
    if normalise(name) in field_table(ENTRY_FIELDS):
        return None
    term = index.taxonomy["metric"].resolve(name)
    return term.id if term else None


class _Compiler:
    def __init__(self, index: QueryIndex) -> None:
        self.index = index
        self.fields = field_table(ENTRY_FIELDS)
        self.conditions = field_table(CONDITION_FIELDS)

    def compile(self, node: Node) -> Matcher:
        if isinstance(node, All):
            # metric tests last: the cheap tests before them spare decoding most entries' metrics
            items = sorted(node.items, key=lambda item: isinstance(item, Compare) and self.is_metric(item))
            parts = [self.compile(item) for item in items]

            def all_of(record: dict[str, Any]) -> Choice | None:
                choice: Choice = UNCONSTRAINED
                for part in parts:
                    found = part(record)
                    if found is None:
                        return None
                    choice = both(choice, found)
                return choice
            return all_of
        if isinstance(node, Any_):
            parts = [self.compile(item) for item in node.items]

            def any_of(record: dict[str, Any]) -> Choice | None:
                choice: Choice | None = None
                for part in parts:
                    found = part(record)
                    if found is None:
                        continue
                    if not found:  # an unconstrained branch holds: every value counts
                        return UNCONSTRAINED
                    choice = found if choice is None else either(choice, found)
                return choice
            return any_of
        if isinstance(node, Not):
            inner = self.compile(node.item)
            return lambda record: UNCONSTRAINED if inner(record) is None else None
        if isinstance(node, Text):
            kind = _metric_kind(self.index, node.text) if node.bare else None
            if kind is not None:  # a bare metric name: the entry reports that kind
                return _entry_test(lambda record: kind in record["terms"]["metric"])
            return _entry_test(_text_search(node.text))
        return self.comparison(node)

    def is_metric(self, node: Compare) -> bool:
        return _metric_kind(self.index, node.field) is not None or (
            bool(node.conditions) and self.fields.get(normalise(node.field)) is self.fields["metric"])

    def comparison(self, node: Compare) -> Matcher:
        kind = _metric_kind(self.index, node.field)
        if kind is not None:
            return self.metric(node, kind)
        spec = self.fields.get(normalise(node.field))
        if spec is None:
            raise self.unknown_field(node, self.fields)
        if node.conditions and spec is self.fields["metric"]:
            return self.metric(node, None)
        if node.conditions:
            first = node.conditions[0]
            raise QueryError(f"only metrics take [conditions]; '{node.field}' is not a metric kind",
                             first.start - 1, first.start, "metric[...] asks for a metric of any kind")
        return _entry_test(self.field_test(spec, node))

    def field_test(self, spec: FieldSpec, node: Compare) -> Predicate:
        """A predicate on whatever `spec.get` reads (a record, or a metric for conditions)."""
        get = spec.get
        op = node.op or "="
        if spec.kind in ("term", "format") and op in ("=", "!="):
            wanted = set().union(*(self.term_ids(spec.vocabulary or "", value) for value in node.values))
            positive: Predicate = lambda item: any(v in wanted for v in get(item))
        elif spec.kind == "format" and op in _NUMERIC:
            bits = self.bits(node.values[0])
            compare, formats = _NUMERIC[op], self.index.taxonomy["format"].terms
            positive = lambda item: any(formats[v].bits is not None and compare(formats[v].bits, bits)
                                        for v in get(item) if v in formats)
        elif spec.kind == "number":
            numbers = [self.number(value) for value in node.values]
            if op in _NUMERIC:
                if len(numbers) > 1:
                    raise QueryError(f"'{op}' takes one value", node.values[1].start, node.values[-1].end)
                compare, limit = _NUMERIC[op], numbers[0]
                positive = lambda item: any(isinstance(v, (int, float)) and compare(v, limit) for v in get(item))
            elif op in ("=", "!="):
                positive = lambda item: any(isinstance(v, (int, float)) and v in numbers for v in get(item))
            else:
                raise self.bad_operator(node, spec)
        elif spec.kind in ("text", "id") and op in ("=", "!=", "~"):
            exact = spec.kind == "id" and op != "~"
            tests = [_text_test(value.text, exact) for value in node.values]
            positive = lambda item: any(test(str(v)) for v in get(item) for test in tests)
        else:
            raise self.bad_operator(node, spec)
        return (lambda item: not positive(item)) if op == "!=" else positive

    def metric(self, node: Compare, kind: str | None) -> Matcher:
        """A metric term of one kind, or of any kind (`metric[...]`, kind None): the metrics satisfying it."""
        tests = [self.condition(condition) for condition in node.conditions]
        if node.op is None:
            value_test: Callable[[dict[str, Any]], bool] = lambda metric: True
        elif kind is None:
            raise QueryError("metric[...] of any kind takes no value: kinds have different units",
                             node.op_start, node.op_start + len(node.op),
                             f"name the kind, e.g. speedup[...]{node.op}{node.values[0].text if node.values else ''}")
        elif node.op in _NUMERIC or node.op in ("=", "!="):
            value_test = self.metric_value(node, kind)
        else:
            raise QueryError(f"operator '{node.op}' does not apply to metric '{kind}'", node.op_start,
                             node.op_start + len(node.op), "use = != > >= < <=")

        def matches(record: dict[str, Any]) -> Choice | None:
            if kind is not None and kind not in record["terms"]["metric"]:  # cheap; spares decoding the metrics
                return None
            metrics = metrics_of(record)
            found = [position for position, metric in enumerate(metrics)
                     if (kind is None or metric["kind"] == kind) and all(test(metric) for test in tests)
                     and value_test(metric)]
            if not found:
                return None
            if kind is not None:
                return {kind: frozenset(found)}
            # any kind: every kind the entry reports is constrained to its metrics that satisfy the term
            return {k: frozenset(p for p in found if metrics[p]["kind"] == k) for k in record["terms"]["metric"]}
        return matches

    def metric_value(self, node: Compare, kind: str) -> Callable[[dict[str, Any]], bool]:
        if len(node.values) != 1:
            raise QueryError("a metric compares with one number", node.values[1].start, node.values[-1].end)
        target = self.number(node.values[0])
        if node.unit is not None:
            try:
                target *= factor_to_canonical(self.index.unit_table, self.index.taxonomy, kind, node.unit.text)
            except UnitMismatch as problem:
                hint = "a word right after a metric's number is read as its unit" \
                    if "is not a unit" in str(problem) else None
                raise QueryError(str(problem), node.unit.start, node.unit.end, hint, code="query-unit") from None
        slack = abs(target) * _TOLERANCE
        op = node.op or "="
        if op in (">", ">="):
            compare = _NUMERIC[op]
            return lambda m: m["high"] is not None and (compare(m["high"], target) or
                                                        op == ">=" and abs(m["high"] - target) <= slack)
        if op in ("<", "<="):
            compare = _NUMERIC[op]
            return lambda m: m["low"] is not None and (compare(m["low"], target) or
                                                       op == "<=" and abs(m["low"] - target) <= slack)
        inside = lambda m: m["low"] is not None and m["low"] - slack <= target <= m["high"] + slack
        return inside if op == "=" else (lambda m: m["low"] is not None and not inside(m))

    def condition(self, node: Compare) -> Callable[[dict[str, Any]], bool]:
        spec = self.conditions.get(normalise(node.field))
        if spec is None:
            raise self.unknown_field(node, self.conditions, "condition")
        return self.field_test(spec, node)

    def term_ids(self, vocabulary: str, value: Value) -> set[str]:
        vocab = self.index.taxonomy[vocabulary]
        term = vocab.resolve(value.text)
        if term is None:
            guess = vocab.suggest(value.text)
            raise QueryError(f"'{value.text}' is not a {vocabulary} term in taxonomy.yaml", value.start, value.end,
                             f"did you mean '{guess}'?" if guess else None, code="unknown-term")
        return {term.id, *vocab.descendants(term.id)}

    def bits(self, value: Value) -> float:
        term = self.index.taxonomy["format"].resolve(value.text)
        if term is not None and term.bits is not None:
            return float(term.bits)
        return self.number(value)

    def number(self, value: Value) -> float:
        try:
            return float(value.text)
        except ValueError:
            raise QueryError(f"'{value.text}' is not a number", value.start, value.end) from None

    def bad_operator(self, node: Compare, spec: FieldSpec) -> QueryError:
        allowed = {"term": "= !=", "format": "= != > >= < <=", "number": "= != > >= < <=", "text": "= != ~",
                   "id": "= != ~"}[spec.kind]
        op = node.op or "="
        return QueryError(f"operator '{op}' does not apply to {spec.name}", node.op_start,
                          node.op_start + len(op), f"use {allowed}")

    def unknown_field(self, node: Compare, table: dict[str, FieldSpec], what: str = "field") -> QueryError:
        names = sorted(set(table) | ({normalise(t.id) for t in self.index.taxonomy["metric"]}
                                     if what == "field" else set()))
        close = difflib.get_close_matches(normalise(node.field), names, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known {what}s: " + ", ".join(
            sorted({spec.name for spec in table.values()}))
        return QueryError(f"unknown {what} '{node.field}'", node.start, node.end, hint, code="unknown-field")


def _text_test(pattern: str, exact: bool) -> Callable[[str], bool]:
    wanted = pattern.lower()
    if "*" in wanted or "?" in wanted:
        return lambda text: fnmatch.fnmatchcase(text.lower(), wanted)
    if exact:
        return lambda text: text.lower() == wanted
    return lambda text: wanted in text.lower()


def _entry_test(predicate: Predicate) -> Matcher:
    """A test of the entry alone: it selects entries and constrains no metric."""
    return lambda record: UNCONSTRAINED if predicate(record) else None


def _text_search(text: str) -> Predicate:
    wanted = text.lower()
    return lambda record: wanted in record["title"].lower() or wanted in (record.get("summary") or "").lower()
