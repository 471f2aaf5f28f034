"""One work in full, as plain text a reader's page shows: every field, its terms by label, every metric with its
conditions, baseline and source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.derive.catalogue import evaluation_labels
from survey.derive.metric_tables import precision_facts
from survey.derive.numbers import format_number, format_range
from survey.derive.terms import canonical, term_label

if TYPE_CHECKING:
    from survey.load.model import Conditions, Entry, Metric
    from survey.load.taxonomy import Taxonomy, Vocabulary


@dataclass(frozen=True)
class Item:
    """One value of a field: a taxonomy term (linked to its page) or plain text (`term_id` None)."""

    text: str
    vocabulary: str | None = None
    term_id: str | None = None


@dataclass(frozen=True)
class DetailField:
    label: str
    items: list[Item]


@dataclass(frozen=True)
class PersonDetail:
    name: str
    name_native: str | None
    affiliations: list[str]
    role: str
    orcid: str | None


@dataclass(frozen=True)
class MetricDetail:
    kind: str  # label
    kind_id: str | None
    amount: str  # '14.6', '1.2-3.4', with the qualifier ('up to 14.6')
    unit: str
    conditions: list[tuple[str, str]]  # (label, text)
    baseline: str | None
    baseline_class: str | None
    locator: str | None
    quote: str | None
    source_url: str | None
    note: str | None


@dataclass(frozen=True)
class WorkDetail:
    entry_id: str
    title: str
    short_name: str | None
    type_label: str
    year: int | None
    venue: str | None
    doi: str | None
    arxiv: str | None
    url: str | None
    summary: str | None
    notes: str | None
    people: list[PersonDetail]
    fields: list[DetailField]  # only fields the entry fills, in the order of the entry format
    metrics: list[MetricDetail]


_QUALIFIERS = {"up-to": "up to", "average": "average", "geomean": "geomean", "peak": "peak", "min": "at least",
               "max": "at most", "median": "median"}
# Entry fields holding terms: (label, vocabulary, attribute of Entry), in the order of docs/entry-format.md.
_TERM_FIELDS = (("Architecture", "architecture", "architecture"), ("Operators", "operator", "operators"),
                ("Integration level", "level", "level"), ("Memory", "memory", "memory"),
                ("Domain", "domain", "domain"), ("Compression", "compression", "compression"),
                ("Inference phases", "phase", "phases"), ("Challenges", "challenge", "challenges"),
                ("Workshop topics", "topic", "topics"))


def _terms(vocab: Vocabulary, texts: list[str]) -> list[Item]:
    """Known terms by label, linked; unknown words as written, so nothing silently disappears."""
    items: list[Item] = []
    for text in texts:
        term = vocab.resolve(text)
        item = Item(term.label, vocab.name, term.id) if term else Item(text)
        if item not in items:
            items.append(item)
    return items


def _term(taxonomy: Taxonomy, vocabulary: str, text: str | None) -> list[Item]:
    return _terms(taxonomy[vocabulary], [text]) if text else []


def _conditions(taxonomy: Taxonomy, conditions: Conditions) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for label, vocabulary, value in (("Phase", "phase", conditions.phase), ("Level", "level", conditions.level),
                                     ("Evaluation", "evaluation", conditions.evaluation),
                                     ("Tool", "simulator", conditions.tool)):
        if value:
            shown.append((label, term_label(taxonomy[vocabulary], value) or value))
    precision = precision_facts(taxonomy, conditions.precision).text
    if precision:
        shown.append(("Precision", precision))
    for label, raw in (("Model", conditions.model), ("Batch", conditions.batch),
                       ("Context length", conditions.context_length),
                       ("Node", f"{format_number(float(conditions.node_nm))} nm" if conditions.node_nm else None),
                       ("Voltage", conditions.voltage), ("Frequency", conditions.frequency),
                       ("Sparsity", conditions.sparsity), ("Workload", conditions.workload),
                       ("Notes", conditions.notes)):
        if raw is not None and raw != "":
            shown.append((label, str(raw)))
    return shown


def metric_detail(taxonomy: Taxonomy, metric: Metric) -> MetricDetail:
    vocab = taxonomy["metric"]
    kind = canonical(vocab, metric.kind)
    amount = format_range(metric.low, metric.high) if metric.range else (
        format_number(float(metric.value)) if metric.value is not None else "not stated")
    qualifier = _QUALIFIERS.get(metric.qualifier or "")
    return MetricDetail(
        kind=vocab.terms[kind].label if kind else metric.kind, kind_id=kind,
        amount=f"{qualifier} {amount}" if qualifier else amount, unit=metric.unit,
        conditions=_conditions(taxonomy, metric.conditions), baseline=metric.baseline,
        baseline_class=term_label(taxonomy["baseline-class"], metric.baseline_class),
        locator=metric.source.locator if metric.source else None, quote=metric.source.quote if metric.source else None,
        source_url=metric.source.url if metric.source else None, note=metric.note)


def _host(taxonomy: Taxonomy, entry: Entry) -> list[Item]:
    if entry.host is None:
        return []
    items = _term(taxonomy, "host", entry.host.processor)
    items += [Item(f"{i.text} on the host", i.vocabulary, i.term_id)
              for i in _terms(taxonomy["operator"], entry.host.operators)]
    return items + ([Item(entry.host.notes)] if entry.host.notes else [])


def _versions(entry: Entry) -> list[Item]:
    items = []
    for version in entry.versions:
        parts = [version.kind, version.title, version.venue, str(version.year) if version.year else None,
                 f"doi:{version.doi}" if version.doi else None, f"arXiv:{version.arxiv}" if version.arxiv else None,
                 version.url]
        items.append(Item(", ".join(p for p in parts if p)))
    return items


def work_detail(taxonomy: Taxonomy, entry: Entry) -> WorkDetail:
    """Every field of `entry` a reader may want, in the entry format's order; empty fields left out."""
    fields = [DetailField("Type", _term(taxonomy, "contribution-type", entry.type)),
              DetailField("Scope", _term(taxonomy, "scope", entry.scope)),
              DetailField("Listed under", _term(taxonomy, "architecture", entry.primary_architecture))]
    fields += [DetailField(label, _terms(taxonomy[vocabulary], getattr(entry, attribute)))
               for label, vocabulary, attribute in _TERM_FIELDS[:3]]
    fields.append(DetailField("Host", _host(taxonomy, entry)))
    fields += [DetailField(label, _terms(taxonomy[vocabulary], getattr(entry, attribute)))
               for label, vocabulary, attribute in _TERM_FIELDS[3:6]]
    if entry.precision is not None:
        text = precision_facts(taxonomy, entry.precision).text
        extras = [f"ADC {entry.precision.adc_bits} bits" if entry.precision.adc_bits is not None else None,
                  entry.precision.notes]
        fields.append(DetailField("Precision", [Item(x) for x in (text, *extras) if x]))
    fields.append(DetailField("Models", [Item(name) for name in entry.model_names]))
    fields.append(DetailField("Workloads", [Item(w) for w in entry.workloads]))
    fields.append(DetailField("Evaluation", [Item(text) for text in evaluation_labels(taxonomy, entry)]
                              + [Item(e.notes) for e in entry.evaluation if e.notes]))
    fields += [DetailField(label, _terms(taxonomy[vocabulary], getattr(entry, attribute)))
               for label, vocabulary, attribute in _TERM_FIELDS[6:]]
    fields.append(DetailField("Other versions", _versions(entry)))
    fields.append(DetailField("Verified by", [Item(f"{v.name} ({v.role}{', ' + v.date.isoformat() if v.date else ''})")
                                              for v in entry.verified_by]))
    role = taxonomy["role"]
    return WorkDetail(
        entry_id=entry.id, title=entry.title, short_name=entry.short_name,
        type_label=term_label(taxonomy["contribution-type"], entry.type) or entry.type, year=entry.year,
        venue=entry.venue, doi=entry.doi, arxiv=entry.arxiv, url=entry.url, summary=entry.summary, notes=entry.notes,
        people=[PersonDetail(p.name, p.name_native, list(p.affiliations), term_label(role, p.role) or p.role, p.orcid)
                for p in entry.people],
        fields=[f for f in fields if f.items],
        metrics=[metric_detail(taxonomy, m) for m in entry.metrics])
