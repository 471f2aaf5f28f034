"""The survey-method section's facts: what the knowledge base holds, counted the way the other sections count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.synthesis import Paragraph, _Builder, _count_text, _lower_word

if TYPE_CHECKING:
    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy


@dataclass(frozen=True)
class RelatedSurvey:
    entry_id: str
    title: str
    year: int | None
    venue: str | None
    summary: str | None


@dataclass(frozen=True)
class Method:
    paragraphs: tuple[Paragraph, ...]
    surveys: tuple[RelatedSurvey, ...]


def _type_id(taxonomy: Taxonomy, entry: Entry) -> str:
    term = taxonomy["contribution-type"].resolve(entry.type)
    return term.id if term else entry.type


def build_method(taxonomy: Taxonomy, entries: Sequence[Entry]) -> Method:
    """Counts by type, year, scope, class and evidence, and the metrics with their quotes, as paragraphs."""
    entries = sorted(entries, key=lambda e: e.id)
    types = Counter(_type_id(taxonomy, e) for e in entries)
    paragraphs = []
    b = _Builder()
    b.text("The knowledge base behind this survey holds ").count(len(entries), "entries").text(" entries: ")
    parts = [(t, n) for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))]
    for index, (type_id, n) in enumerate(parts):
        if index:
            b.text(", and " if index == len(parts) - 1 else ", ")
        label = _lower_word(taxonomy.label("contribution-type", type_id))
        b.count(n, f"entries of type {type_id}").text(f" {label}" + ("" if n == 1 or label.endswith("s") else "s"))
    b.text(".")
    works = [e for e in entries if _type_id(taxonomy, e) not in ("keynote", "invited-talk", "survey")]
    years = Counter(e.year for e in works if e.year)
    if years:
        b.text(" By year of publication the works and posters are ")
        ordered = sorted(years.items())
        for index, (year, n) in enumerate(ordered):
            if index:
                b.text(", ")
            b.number(str(year), kind="year", of="publication year").text(": ").count(n, f"works of {year}")
        b.text(".")
    paragraphs.append(b.paragraph())
    b = _Builder()
    scopes = Counter(e.scope for e in works if e.scope)
    if scopes:
        b.text("By scope, ")
        ordered_scopes = [s for s in ("llm", "transformer", "foundation") if scopes.get(s)]
        for index, scope_id in enumerate(ordered_scopes):
            if index:
                b.text(", and " if index == len(ordered_scopes) - 1 else ", ")
            b.count(scopes[scope_id], f"works with scope {scope_id}")
            b.text(f" {'is' if scopes[scope_id] == 1 and index == 0 else 'are' if index == 0 else ''}".rstrip())
            b.text(" " + {"llm": "about large language models", "transformer": "about other transformers",
                          "foundation": "PIM platforms the LLM works build on"}[scope_id])
        b.text(".")
    architecture = taxonomy["architecture"]
    classes: Counter[str] = Counter()
    for e in works:
        primary = e.primary_class
        term = architecture.resolve(primary) if primary else None
        if term is not None:
            classes[architecture.root(term.id)] += 1
    if classes:
        b.text(" By primary architecture class, ")
        ordered_classes = sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))
        for index, (class_id, n) in enumerate(ordered_classes):
            if index:
                b.text(", and " if index == len(ordered_classes) - 1 else ", ")
            b.count(n, f"works of class {class_id}").text(f" are {taxonomy.label('architecture', class_id)}")
        unplaced = len(works) - sum(classes.values())
        if unplaced:
            b.text("; ").count(unplaced, "works without a primary class")
            b.text(" names no single class" if unplaced == 1 else " name no single class")
        b.text(".")
    metrics = [(e, m) for e in works for m in e.metrics]
    quoted = sum(1 for _, m in metrics if m.source is not None and m.source.quote)
    if metrics:
        b.text(" The works report ").count(len(metrics), "metrics").text(" numbers with units, ")
        b.count(quoted, "metrics with a verbatim quote").text(" of them with a verbatim quote of the source")
        measured = sum(1 for e, m in metrics if _measured(taxonomy, e, m))
        b.text("; ").count(measured, "metrics from measured hardware").text(" come from measured hardware.")
    paragraph = b.paragraph()
    if paragraph is not None:
        paragraphs.append(paragraph)
    surveys = tuple(RelatedSurvey(e.id, e.title, e.year, e.venue, e.summary) for e in
                    sorted((e for e in entries if _type_id(taxonomy, e) == "survey"), key=lambda e: (e.year or 0, e.id)))
    return Method(tuple(p for p in paragraphs if p is not None), surveys)


def _measured(taxonomy: Taxonomy, entry: Entry, metric: object) -> bool:
    vocab = taxonomy["evaluation"]
    method = getattr(getattr(metric, "conditions", None), "evaluation", None)
    methods = [method] if method else [e.method for e in entry.evaluation]
    terms = [vocab.resolve(m) for m in methods if m]
    return bool(terms) and all(t is not None and t.measured for t in terms)


__all__ = ["Method", "RelatedSurvey", "_count_text", "build_method"]
