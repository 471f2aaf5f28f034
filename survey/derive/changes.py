"""What changed between two states of a knowledge base, as plain data (`survey diff`, the changelog).

Entries are matched by id; an entry whose id is gone while a new one carries the same DOI, arXiv id or title is a
rename. Within an entry, fields are compared as written (metrics apart); metrics are matched by kind and
conditions, in order when several share both. Taxonomy terms are compared per vocabulary: added, removed,
deprecated, renamed (the old id is now an alias of a new term) and relabelled.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from survey.derive.numbers import format_range
from survey.load.knowledge_base import KnowledgeBase
from survey.load.model import Entry, Metric
from survey.load.taxonomy import Taxonomy, normalise
from survey.report.diagnostics import Diagnostic, Location, warning


@dataclass(frozen=True)
class EntryRef:
    id: str
    title: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None  # None: the field was not there
    new: str | None


@dataclass(frozen=True)
class MetricChange:
    kind: str
    conditions: str  # 'phase decode, level system'; '' when the metric states none
    old: str | None  # the value with its unit; None: the metric was added
    new: str | None  # None: the metric was removed
    details: tuple[FieldChange, ...] = ()  # baseline, source, note... that changed beside the value


@dataclass(frozen=True)
class EntryChange:
    id: str
    title: str
    fields: tuple[FieldChange, ...]
    metrics: tuple[MetricChange, ...]
    renamed_from: str | None = None


@dataclass(frozen=True)
class TermChange:
    vocabulary: str
    term: str
    change: str  # added, removed, deprecated, renamed, relabelled
    old: str | None = None
    new: str | None = None


@dataclass
class KnowledgeBaseDiff:
    base: str  # the revisions as the user named them ('v0.1.0', 'working tree')
    head: str
    added: list[EntryRef] = field(default_factory=list)
    removed: list[EntryRef] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    changed: list[EntryChange] = field(default_factory=list)  # renamed entries too, when their content changed
    terms: list[TermChange] = field(default_factory=list)
    entries_before: int = 0
    entries_after: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)  # files that could not be compared

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed or self.terms)

    def as_dict(self) -> dict[str, Any]:
        return {"base": self.base, "head": self.head, "entries_before": self.entries_before,
                "entries_after": self.entries_after,
                "added": [asdict(e) for e in self.added], "removed": [asdict(e) for e in self.removed],
                "renamed": [{"old": old, "new": new} for old, new in self.renamed],
                "changed": [asdict(c) for c in self.changed], "terms": [asdict(t) for t in self.terms],
                "not_compared": [d.as_dict() for d in self.diagnostics]}


_METRIC_VALUE_FIELDS = ("value", "range", "unit", "qualifier")


def diff_knowledge_bases(old: KnowledgeBase, new: KnowledgeBase, base: str, head: str) -> KnowledgeBaseDiff:
    """The changes from `old` to `new` (both loaded; entries that do not load are reported, not compared)."""
    diff = KnowledgeBaseDiff(base, head, entries_before=len(old.entries), entries_after=len(new.entries))
    diff.diagnostics = _unloadable(old) + _unloadable(new)
    # An entry whose file does not load on one side is not compared at all (not taken for removed or added).
    unloadable = {PurePath(f.path).stem for kb in (old, new) for f in kb.files if f.entry is None}
    before = {e.id: e for e in old.entries if e.id not in unloadable}
    after = {e.id: e for e in new.entries if e.id not in unloadable}
    gone = [before[i] for i in sorted(before) if i not in after]
    arrived = [after[i] for i in sorted(after) if i not in before]
    pairs = [(before[i], after[i]) for i in sorted(before) if i in after]
    for old_entry in list(gone):
        successor = next((e for e in arrived if _same_work(old_entry, e)), None)
        if successor is not None:
            gone.remove(old_entry)
            arrived.remove(successor)
            diff.renamed.append((old_entry.id, successor.id))
            pairs.append((old_entry, successor))
    diff.added = [EntryRef(e.id, e.title) for e in arrived]
    diff.removed = [EntryRef(e.id, e.title) for e in gone]
    for old_entry, new_entry in sorted(pairs, key=lambda pair: pair[1].id):
        fields = _field_changes(old_entry, new_entry)
        metrics = _metric_changes(old_entry.metrics, new_entry.metrics)
        renamed_from = old_entry.id if old_entry.id != new_entry.id else None
        if fields or metrics:
            diff.changed.append(EntryChange(new_entry.id, new_entry.title, tuple(fields), tuple(metrics), renamed_from))
    if old.taxonomy is not None and new.taxonomy is not None:
        diff.terms = term_changes(old.taxonomy, new.taxonomy)
    return diff


def _unloadable(kb: KnowledgeBase) -> list[Diagnostic]:
    """One warning per entry file that does not load (at its first error), and one for an unusable taxonomy."""
    found = []
    for entry_file in kb.files:
        if entry_file.entry is None:
            first = next((d for d in entry_file.loaded.diagnostics if d.is_error), None)
            reason = f": {first.message}" if first is not None else ""
            found.append(warning(first.location if first else Location(entry_file.path), "not-compared",
                                 f"left out of the comparison, the entry does not load{reason}",
                                 "run `survey check` on it"))
    first = next((d for d in kb.diagnostics if d.is_error), None)
    if kb.taxonomy is None and first is not None:
        found.append(warning(first.location, "not-compared",
                             f"the taxonomy is left out of the comparison: {first.message}", first.hint))
    return found


def _same_work(old: Entry, new: Entry) -> bool:
    if old.doi and new.doi:
        return old.doi.lower() == new.doi.lower()
    if old.arxiv and new.arxiv:
        return old.arxiv == new.arxiv
    return normalise(old.title) == normalise(new.title)


def _shown(value: Any) -> str | None:
    """A field's value as one line of text: scalars as written, lists of scalars joined, anything else as JSON."""
    if value is None or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)  # type: ignore[no-any-return]


def _field_changes(old: Entry, new: Entry) -> list[FieldChange]:
    before, after = _dump(old), _dump(new)
    changes = []
    for name in Entry.model_fields:
        if name in ("id", "metrics"):
            continue
        old_text, new_text = _shown(before.get(name)), _shown(after.get(name))
        if old_text != new_text:
            changes.append(FieldChange(name, old_text, new_text))
    return changes


def metric_value(metric: Metric) -> str:
    """A metric's value as reported: '41-137 x', '3.1 x (average)'."""
    text = f"{format_range(metric.low, metric.high)} {metric.unit}"
    return f"{text} ({metric.qualifier})" if metric.qualifier else text


def conditions_text(metric: Metric) -> str:
    """The conditions a metric states, as 'phase decode, level system' (notes left out)."""
    stated = _dump(metric.conditions)
    stated.pop("notes", None)
    return ", ".join(f"{name.replace('_', ' ')} {_shown(value)}" for name, value in stated.items())


def _metric_key(metric: Metric) -> tuple[str, str]:
    return metric.kind, json.dumps(_dump(metric.conditions), sort_keys=True)


def _metric_changes(old: list[Metric], new: list[Metric]) -> list[MetricChange]:
    remaining = list(new)
    changes: list[MetricChange] = []
    for metric in old:
        match = next((m for m in remaining if _metric_key(m) == _metric_key(metric)), None)
        if match is None:
            changes.append(MetricChange(metric.kind, conditions_text(metric), metric_value(metric), None))
            continue
        remaining.remove(match)
        before, after = _dump(metric), _dump(match)
        details = tuple(FieldChange(name, _shown(before.get(name)), _shown(after.get(name)))
                        for name in Metric.model_fields
                        if name not in (*_METRIC_VALUE_FIELDS, "kind", "conditions")
                        and _shown(before.get(name)) != _shown(after.get(name)))
        if metric_value(metric) != metric_value(match) or details:
            changes.append(MetricChange(metric.kind, conditions_text(metric), metric_value(metric),
                                        metric_value(match), details))
    changes += [MetricChange(m.kind, conditions_text(m), None, metric_value(m)) for m in remaining]
    return changes


def term_changes(old: Taxonomy, new: Taxonomy) -> list[TermChange]:
    """Terms added, removed, deprecated, renamed or relabelled between two taxonomies, by vocabulary."""
    changes: list[TermChange] = []
    for name in sorted(set(old.vocabularies) | set(new.vocabularies)):
        before = old.vocabularies[name].terms if name in old.vocabularies else {}
        after = new.vocabularies[name].terms if name in new.vocabularies else {}
        renamed = {}  # an old id that the new vocabulary resolves to another term (its alias or label now)
        if name in new.vocabularies:
            for old_id in before:
                successor = new.vocabularies[name].resolve(old_id) if old_id not in after else None
                if successor is not None:
                    renamed[old_id] = successor.id
        for term_id in sorted(set(before) | set(after)):
            was, now = before.get(term_id), after.get(term_id)
            if was is None and now is not None:
                if term_id not in renamed.values():  # a rename, reported at the old id
                    changes.append(TermChange(name, term_id, "added", None, now.label))
            elif now is None and was is not None:
                if term_id in renamed:
                    changes.append(TermChange(name, term_id, "renamed", term_id, renamed[term_id]))
                else:
                    changes.append(TermChange(name, term_id, "removed", was.label, None))
            elif was is not None and now is not None:
                if now.deprecated and not was.deprecated:
                    changes.append(TermChange(name, term_id, "deprecated", None, now.replaced_by))
                if was.label != now.label:
                    changes.append(TermChange(name, term_id, "relabelled", was.label, now.label))
    return changes
