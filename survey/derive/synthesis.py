"""The survey's generated prose, as format-neutral paragraphs: one section per architecture class and per challenge.

Sentences are built from the knowledge base alone and say what a reader learns from it: how many works and from
when, which memories and operators, which evidence, the strongest reported results with their conditions and
baselines, and contrasts between works that share a baseline class and phase. A group with nothing to say gets no
sentence. Every number printed is a `Number` that carries where it came from (an entry's metric, a count, a year),
so that the build can write a provenance file and a test can check that no number is unaccounted for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from survey.derive.terms import canonical_all

if TYPE_CHECKING:
    from survey.load.model import Entry, Metric
    from survey.load.taxonomy import Taxonomy, Vocabulary


@dataclass(frozen=True)
class Cite:
    """A citation of one or more entries."""

    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class Number:
    """A printed number and where it came from (`{'kind': 'metric', 'entry': ..., 'metric': 0}`, a count, ...)."""

    text: str
    source: tuple[tuple[str, str], ...]

    @property
    def provenance(self) -> dict[str, str]:
        return dict(self.source)


Segment = str | Cite | Number


@dataclass(frozen=True)
class Paragraph:
    segments: tuple[Segment, ...]
    heading: str | None = None  # a run-in heading

    def plain_text(self) -> str:
        out = []
        for segment in self.segments:
            if isinstance(segment, str):
                out.append(segment)
            elif isinstance(segment, Number):
                out.append(segment.text)
            else:
                out.append("[" + ", ".join(segment.entry_ids) + "]")
        return "".join(out)

    def numbers(self) -> list[Number]:
        return [s for s in self.segments if isinstance(s, Number)]


@dataclass(frozen=True)
class ProseSection:
    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    entry_ids: tuple[str, ...] = ()

    def words(self) -> int:
        return sum(len(p.plain_text().split()) for p in self.paragraphs)


@dataclass(frozen=True)
class Synthesis:
    class_sections: tuple[ProseSection, ...]
    challenge_sections: tuple[ProseSection, ...]
    workshop: tuple[Paragraph, ...] = ()

    def sections(self) -> list[ProseSection]:
        return [*self.class_sections, *self.challenge_sections]

    def provenance(self) -> list[dict[str, str]]:
        """Every printed number with its source, in reading order."""
        found = []
        for section in self.sections():
            for paragraph in section.paragraphs:
                for number in paragraph.numbers():
                    found.append({"section": section.id, "text": number.text, **number.provenance})
        for paragraph in self.workshop:
            for number in paragraph.numbers():
                found.append({"section": "workshop", "text": number.text, **number.provenance})
        return found


# ------------------------------------------------------------------------------------------------ building


class _Builder:
    """Collects the segments of one paragraph."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []

    def text(self, text: str) -> _Builder:
        if self.segments and isinstance(self.segments[-1], str):
            self.segments[-1] += text
        else:
            self.segments.append(text)
        return self

    def cite(self, entry_ids: Iterable[str]) -> _Builder:
        ids = tuple(sorted(set(entry_ids)))
        if ids:
            self.text("~")
            self.segments.append(Cite(ids))
        return self

    def count(self, value: int, what: str, capital: bool = False) -> _Builder:
        text = _count_text(value)
        self.segments.append(Number(_capital(text) if capital else text, (("kind", "count"), ("of", what))))
        return self

    def number(self, text: str, **source: str) -> _Builder:
        self.segments.append(Number(text, tuple(sorted(source.items()))))
        return self

    def paragraph(self, heading: str | None = None) -> Paragraph | None:
        if not any(isinstance(s, (Number, Cite)) or s.strip() for s in self.segments):
            return None
        return Paragraph(tuple(self.segments), heading)


_SMALL = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]  # words below ten


def _count_text(value: int) -> str:
    return _SMALL[value] if 0 <= value < len(_SMALL) else f"{value:,}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _series(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _number_text(value: float) -> str:
    """The number as the entry writes it, with thousands separators: 2.81, 1,074, 10,000."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


_UNIT_TEXT = {"x": "×", "X": "×", "%": "%", "percent": "%"}
_QUALIFIER = {"up-to": "up to ", "peak": "a peak ", "average": "on average ", "geomean": "a geometric mean of ",
              "min": "at least ", "max": "at most ", "median": "a median "}


def metric_value_text(metric: Metric) -> str:
    """The value as the entry reports it: '2.81×', '41–137×', '22.6 TOPS/W'."""
    from survey.load.units import display_unit

    unit = _UNIT_TEXT.get(metric.unit.strip(), " " + display_unit(metric.unit))
    if metric.range is not None:
        return f"{_number_text(metric.range[0])}–{_number_text(metric.range[1])}{unit}"
    assert metric.value is not None
    return f"{_number_text(metric.value)}{unit}"


# ------------------------------------------------------------------------------------------------ the data


@dataclass
class _Work:
    entry: Entry
    primary: str | None  # the primary architecture class id
    family: str | None  # its top-level class
    memories: list[str]  # memory term ids
    memory_families: list[str]  # second-level memory ids (sram, dram, reram, ...)
    operators: list[str]
    challenges: list[str]  # challenge and sub-challenge ids, canonical
    evidence: list[str]  # evaluation method ids
    scope: str | None


@dataclass
class _Context:
    taxonomy: Taxonomy
    works: list[_Work]
    by_id: dict[str, _Work] = field(default_factory=dict)

    def label(self, vocabulary: str, term_id: str) -> str:
        return self.taxonomy.label(vocabulary, term_id)


def _second_level(vocab: Vocabulary, term_id: str) -> str:
    """The child of a root on the way to `term_id` (sram for sram, dram for hbm3), or the root itself."""
    chain = [term_id, *vocab.ancestors(term_id)]
    return chain[-2] if len(chain) >= 2 else chain[-1]


def _work(taxonomy: Taxonomy, entry: Entry) -> _Work:
    architecture = taxonomy["architecture"]
    primary_term = architecture.resolve(entry.primary_class) if entry.primary_class else None
    primary = primary_term.id if primary_term else None
    memory = taxonomy["memory"]
    memories = canonical_all(memory, entry.memory)
    scope = taxonomy["scope"].resolve(entry.scope) if entry.scope else None
    return _Work(
        entry=entry,
        primary=primary,
        family=architecture.root(primary) if primary else None,
        memories=memories,
        memory_families=sorted({_second_level(memory, m) for m in memories}, key=list(memory.terms).index),
        operators=canonical_all(taxonomy["operator"], entry.operators),
        challenges=canonical_all(taxonomy["challenge"], entry.challenges),
        evidence=canonical_all(taxonomy["evaluation"], entry.evidence),
        scope=scope.id if scope else None,
    )


def _designs(taxonomy: Taxonomy, entries: Iterable[Entry]) -> list[_Work]:
    """The works the synthesis discusses: published works that are neither talks nor surveys."""
    out = []
    for entry in sorted(entries, key=lambda e: ((e.year or 0), e.id)):
        kind = taxonomy["contribution-type"].resolve(entry.type)
        if kind is not None and (kind.role == "speaker" or kind.id == "survey"):
            continue
        out.append(_work(taxonomy, entry))
    return out


# ------------------------------------------------------------------------------------------------ sentences


def _overview(ctx: _Context, works: list[_Work], what: str, subject: str) -> Paragraph | None:
    """'Nine works, published from 2020 to 2025, ...; five target LLMs, ...'."""
    if not works:
        return None
    b = _Builder()
    years = sorted(w.entry.year for w in works if w.entry.year)
    b.count(len(works), what, capital=True).text(" work" if len(works) == 1 else " works")
    b.text(f" of the knowledge base {subject}")
    if years and years[0] != years[-1]:
        b.text(", published from ").number(str(years[0]), kind="year", of=f"earliest {what}")
        b.text(" to ").number(str(years[-1]), kind="year", of=f"latest {what}")
    elif years:
        b.text(", published in ").number(str(years[0]), kind="year", of=what)
    b.cite(w.entry.id for w in works).text(".")
    scopes = Counter(w.scope for w in works if w.scope)
    phrases = {"llm": ("targets large language models", "target large language models"),
               "transformer": ("targets other transformers", "target other transformers"),
               "foundation": ("is a PIM platform that LLM works build on", "are PIM platforms that LLM works build on")}
    present = [scope_id for scope_id in phrases if scopes.get(scope_id)]
    if len(present) > 1 or (present and scopes[present[0]] != len(works)):
        b.text(" Of these, ")
        for index, scope_id in enumerate(present):
            if index:
                b.text(", and " if index == len(present) - 1 else ", ")
            n = scopes[scope_id]
            b.count(n, f"{what} with scope {scope_id}").text(" " + phrases[scope_id][0 if n == 1 else 1])
        b.text(".")
    elif present:
        b.text(" All of them " + phrases[present[0]][1] + ".")
    return b.paragraph()


def _groups_sentence(b: _Builder, ctx: _Context, groups: list[tuple[str, list[str]]], what: str) -> None:
    """'SRAM in five works [..], ReRAM in three [..]' for (label, entry ids) groups, largest first."""
    for index, (label, ids) in enumerate(groups):
        if index:
            b.text(", and " if index == len(groups) - 1 else ", ")
        b.text(f"{label} in ").count(len(ids), f"{what}: {label}")
        b.text(" work" if len(ids) == 1 and index == 0 else "" if index else " works").cite(ids)


def _largest_first(groups: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    return sorted(((k, sorted(v)) for k, v in groups.items() if v), key=lambda kv: (-len(kv[1]), kv[0]))


def _memory_paragraph(ctx: _Context, works: list[_Work], what: str) -> Paragraph | None:
    groups: dict[str, list[str]] = defaultdict(list)
    for w in works:
        for family in w.memory_families:
            groups[_lower_word(ctx.label("memory", family))].append(w.entry.id)
    ranked = _largest_first(groups)
    if not ranked:
        return None
    b = _Builder()
    b.text("By memory technology, the works build on ")
    _groups_sentence(b, ctx, ranked[:5], f"{what} by memory")
    b.text(".")
    unstated = [w.entry.id for w in works if not w.memories]
    if unstated and len(ranked) > 0:
        b.text(" ").count(len(unstated), f"{what} without a memory technology", capital=True)
        b.text(" do not name one in the knowledge base." if len(unstated) > 1 else
               " does not name one in the knowledge base.")
    return b.paragraph()


def _operator_paragraph(ctx: _Context, works: list[_Work], what: str) -> Paragraph | None:
    vocab = ctx.taxonomy["operator"]
    groups: dict[str, list[str]] = defaultdict(list)
    for w in works:
        for family in sorted({vocab.root(o) for o in w.operators}):
            groups[ctx.label("operator", family)].append(w.entry.id)
    ranked = _largest_first(groups)
    if not ranked:
        return None
    b = _Builder()
    b.text("Inside or beside the memory they run ")
    for index, (label, ids) in enumerate(ranked):
        if index:
            b.text(", and " if index == len(ranked) - 1 else ", ")
        b.text(_lower_word(label)).text(" (")
        b.count(len(ids), f"{what} running {label} in memory").text(")").cite(ids)
    b.text(".")
    hosts: dict[str, list[str]] = defaultdict(list)
    for w in works:
        host = w.entry.host
        if host is not None and host.processor:
            term = ctx.taxonomy["host"].resolve(host.processor)
            if term is not None and term.id != "standalone":
                hosts[term.label].append(w.entry.id)
    ranked_hosts = _largest_first(hosts)
    if ranked_hosts:
        b.text(" The rest of the model stays on a host: ")
        for index, (label, ids) in enumerate(ranked_hosts):
            if index:
                b.text(", and " if index == len(ranked_hosts) - 1 else ", ")
            b.text(f"{_article(label)} {label} in ").count(len(ids), f"{what} with a {label} host")
            b.text(" work" if len(ids) == 1 else " works").cite(ids)
        b.text(".")
    return b.paragraph()


def _evidence_paragraph(ctx: _Context, works: list[_Work], what: str) -> Paragraph | None:
    vocab = ctx.taxonomy["evaluation"]
    measured = [w.entry.id for w in works if any(vocab.terms[e].measured for e in w.evidence)]
    simulated = [w.entry.id for w in works if w.evidence and w.entry.id not in measured]
    unstated = [w.entry.id for w in works if not w.evidence]
    if not measured and not simulated:
        return None
    b = _Builder()
    if measured:
        kinds = Counter(ctx.label("evaluation", e) for w in works if w.entry.id in measured for e in w.evidence
                        if vocab.terms[e].measured)
        b.text("The evidence is measured for ").count(len(measured), f"{what} with measured evidence")
        b.text(" work" if len(measured) == 1 else " works")
        b.text(" (" + ", ".join(label.lower() if label != "FPGA" else label for label, _ in
                                sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))) + ")").cite(measured)
        if simulated:
            b.text(", while ").count(len(simulated), f"{what} with only simulated or modelled evidence")
            b.text(" rests" if len(simulated) == 1 else " rest").text(" on simulation or models").cite(simulated)
        b.text(".")
    else:
        b.text("All the evidence comes from simulation or models: no design of this group has been measured.")
    if unstated:
        b.text(" For ").count(len(unstated), f"{what} without an evaluation method")
        b.text(" work" if len(unstated) == 1 else " works")
        b.text(", the knowledge base does not yet record how the results were obtained.")
    return b.paragraph()


_PHASE_PHRASE = {"prefill": " for prefill", "decode": " for decoding", "end-to-end": " end to end",
                 "encoder": " for encoder inference"}


def _metric_phase(ctx: _Context, w: _Work, metric: Metric) -> str | None:
    """The phase a metric holds for: its own, else the entry's when it names only one."""
    text = metric.conditions.phase or (w.entry.phases[0] if len(w.entry.phases) == 1 else None)
    term = ctx.taxonomy["phase"].resolve(text) if text else None
    return term.id if term else None


def _relative_results(ctx: _Context, works: list[_Work],
                      kind: str) -> dict[tuple[str, str | None], dict[str, tuple[_Work, int, Metric]]]:
    """Relative metrics of `kind` by (baseline class, phase): per work, its highest value in that group."""
    out: dict[tuple[str, str | None], dict[str, tuple[_Work, int, Metric]]] = defaultdict(dict)
    vocab = ctx.taxonomy["baseline-class"]
    metric_vocab = ctx.taxonomy["metric"]
    for w in works:
        for index, metric in enumerate(w.entry.metrics):
            term = metric_vocab.resolve(metric.kind)
            if term is None or term.id != kind or metric.high is None or not metric.baseline_class:
                continue
            baseline = vocab.resolve(metric.baseline_class)
            if baseline is None:
                continue
            group = out[(vocab.root(baseline.id), _metric_phase(ctx, w, metric))]
            current = group.get(w.entry.id)
            if current is None or metric.high > (current[2].high or 0):
                group[w.entry.id] = (w, index, metric)
    return out


def _condition_phrase(ctx: _Context, metric: Metric) -> str:
    return metric.conditions.model or ""


def _cite_metric(b: _Builder, ctx: _Context, w: _Work, index: int, metric: Metric) -> None:
    qualifier = _QUALIFIER.get(metric.qualifier or "", "")
    b.text(f"{w.entry.display_name} reports {qualifier}")
    b.number(metric_value_text(metric), kind="metric", entry=w.entry.id, metric=str(index))
    phrase = _condition_phrase(ctx, metric)
    if phrase:  # the entry's words (a model such as 'GPT-3 175B'): a number in them is the metric's too
        b.text(" (").number(phrase, kind="condition", entry=w.entry.id, metric=str(index)).text(")")
    b.cite([w.entry.id])


_RESULT_KINDS = (("speedup", "speedups", "speed"), ("energy-efficiency-gain", "energy-efficiency gains",
                                                    "energy efficiency"),
                 ("energy-reduction", "energy reductions", "energy"))


def _results_paragraph(ctx: _Context, works: list[_Work], what: str) -> Paragraph | None:
    """The reported gains side by side where works share the baseline class and the phase, largest first."""
    b = _Builder()
    said = False
    for kind, plural, noun in _RESULT_KINDS:
        grouped = _relative_results(ctx, works, kind)
        singles = []
        for key in sorted(grouped, key=lambda k: (-len(grouped[k]), k[0], k[1] or "")):
            baseline_id, phase_id = key
            ordered = sorted(grouped[key].values(), key=lambda r: (-(r[2].high or 0), r[0].entry.id))
            label = _lower_word(ctx.label("baseline-class", baseline_id))
            phase = _PHASE_PHRASE.get(phase_id or "", "")
            if len(ordered) == 1:
                singles.append((label, phase, ordered[0]))
                continue
            shown = ordered[:4]
            b.text(" " if said else "").count(len(ordered), f"{what} reporting {kind} over {label}{phase}",
                                              capital=True)
            b.text(f" works report {plural} over {label} baselines{phase}")
            b.text(": " if len(shown) == len(ordered) else f"; the largest {_count_text(len(shown))}: ")
            for position, (w, index, metric) in enumerate(shown):
                if position:
                    b.text("; " if position < len(shown) - 1 else "; and ")
                _cite_metric(b, ctx, w, index, metric)
            b.text(".")
            said = True
        if singles:
            b.text(" " if said else "").text(f"{_capital(plural)} that no other work shares a baseline class "
                                             "and phase with: ")
            for position, (label, phase, (w, index, metric)) in enumerate(singles[:6]):
                if position:
                    b.text("; " if position < min(len(singles), 6) - 1 else "; and ")
                _cite_metric(b, ctx, w, index, metric)
                b.text(f" over {_article(label)} {label}{phase}")
            b.text(".")
            said = True
    if not said:
        return None
    return b.paragraph()


def _article(label: str) -> str:
    """'an' before a vowel sound: an NPU, an FPGA, an IMC design; a GPU, a CPU."""
    if label[:2].isupper():
        return "an" if label[:1] in "AEFHILMNORSX" else "a"
    return "an" if label[:1].lower() in "aeiou" else "a"


def _lower_word(label: str) -> str:
    """'Projections/FFN' -> 'projections/FFN', 'Storage' -> 'storage'; acronyms stay: 'GPU', 'DRAM-PIM'."""
    return label if any(c.isupper() for c in label[1:]) else label[:1].lower() + label[1:]


def _efficiency_paragraph(ctx: _Context, works: list[_Work], what: str) -> Paragraph | None:
    """Absolute energy efficiency (TOPS/W) reported by macros and chips, with node and precision."""
    from survey.load import units

    rows = []
    for w in works:
        for index, metric in enumerate(w.entry.metrics):
            term = ctx.taxonomy["metric"].resolve(metric.kind)
            if term is None or term.id != "energy-efficiency" or metric.high is None:
                continue
            if not (units.is_unit(metric.unit) and units.same_dimension(metric.unit, "TOPS/W")):
                continue  # the check reports such a unit; the paragraph leaves the value out
            rows.append((metric.high * units.factor(metric.unit, "TOPS/W"), w, index, metric))
    if not rows:
        return None
    best: dict[str, tuple[float, _Work, int, Metric]] = {}
    for row in rows:
        if row[1].entry.id not in best or row[0] > best[row[1].entry.id][0]:
            best[row[1].entry.id] = row
    ordered = sorted(best.values(), key=lambda r: (-r[0], r[1].entry.id))
    b = _Builder()
    b.text("Energy efficiency is reported as operations per joule by ")
    b.count(len(ordered), f"{what} reporting energy efficiency").text(" work" if len(ordered) == 1 else " works")
    b.text(": ")
    for position, (_, w, index, metric) in enumerate(ordered[:5]):
        if position:
            b.text("; ")
        b.text(f"{w.entry.display_name} ")
        qualifier = _QUALIFIER.get(metric.qualifier or "", "")
        b.text(qualifier).number(metric_value_text(metric), kind="metric", entry=w.entry.id, metric=str(index))
        details = []
        node = metric.conditions.node_nm or next((e.node_nm for e in w.entry.evaluation if e.node_nm), None)
        if node:
            details.append(("node", f"{_number_text(node)} nm"))
        precision = metric.conditions.precision or w.entry.precision
        if precision is not None and (precision.weights or precision.activations):
            labels = [ctx.label("format", t.id) for t in
                      (ctx.taxonomy["format"].resolve(x) for x in [*precision.activations[:1], *precision.weights[:1]])
                      if t is not None]
            if labels:
                details.append(("precision", "×".join(labels) if len(labels) == 2 else labels[0]))
        if details:
            b.text(" (")
            for i, (name, text) in enumerate(details):
                if i:
                    b.text(", ")
                if name == "node":
                    b.number(text, kind="entry-field", entry=w.entry.id, field="node_nm")
                else:
                    b.text(text)
            b.text(")")
        b.cite([w.entry.id])
    b.text(". Precision and node differ between these designs, which is why the comparison tables also give "
           "values normalised to 8-bit operations.")
    return b.paragraph()


def _first_sentence(text: str) -> str:
    import re

    match = re.search(r"(?<=[A-Za-z0-9)]{2})\.\s+(?=[A-Z])", text)
    return text[: match.start() + 1] if match else text.strip()


def _designs_paragraphs(ctx: _Context, works: list[_Work], what: str) -> list[Paragraph]:
    """What each design does, grouped by the sub-class it is listed under, from the entries' summaries."""
    out = []
    by_class: dict[str, list[_Work]] = defaultdict(list)
    for w in works:
        by_class[w.primary or ""].append(w)
    vocab = ctx.taxonomy["architecture"]
    order = list(vocab.terms)
    for class_id in sorted(by_class, key=lambda c: order.index(c) if c in order else len(order)):
        b = _Builder()
        for w in by_class[class_id]:
            if not w.entry.summary:
                continue
            sentence = _first_sentence(" ".join(w.entry.summary.split()))
            b.text(" " if b.segments else "")
            _summary_segments(b, sentence, w.entry.id)
            b.cite([w.entry.id]).text(".")
        heading = None
        if class_id and len(by_class) > 1:
            label = ctx.label("architecture", class_id)
            heading = f"Other {label} designs" if vocab.terms[class_id].parent is None else label
        paragraph = b.paragraph(heading)
        if paragraph is not None:
            out.append(paragraph)
    return out


def _summary_segments(b: _Builder, sentence: str, entry_id: str) -> None:
    """A summary sentence, its numbers marked as coming from that entry's summary."""
    import re

    position = 0
    for match in re.finditer(r"\d[\d,.]*", sentence):
        b.text(sentence[position:match.start()])
        b.number(match.group(0), kind="summary", entry=entry_id)
        position = match.end()
    b.text(sentence[position:].rstrip("."))


# ------------------------------------------------------------------------------------------------ sections


_CLASS_SUBJECT = {
    "imc": "compute inside the memory arrays",
    "nmc": "compute beside the memory arrays, in the memory device or package",
    "near-storage": "compute inside or beside storage",
    "hybrid": "combine kinds of PIM, or PIM with a host that runs part of the model, without one dominant class",
}


def class_sections(ctx: _Context, titles: dict[str, str]) -> list[ProseSection]:
    vocab = ctx.taxonomy["architecture"]
    out = []
    for family in vocab.roots():
        works = [w for w in ctx.works if w.family == family]
        if not works:
            continue
        what = f"class {family}"
        subject = _CLASS_SUBJECT.get(family, f"are {ctx.label('architecture', family)} designs")
        paragraphs = [p for p in (
            _overview(ctx, works, what, subject),
            _subclass_paragraph(ctx, works, what, family),
            _memory_paragraph(ctx, works, what),
            _operator_paragraph(ctx, works, what),
            _evidence_paragraph(ctx, works, what),
        ) if p is not None]
        paragraphs += _designs_paragraphs(ctx, works, what)
        paragraphs += [p for p in (
            _results_paragraph(ctx, works, what),
            _efficiency_paragraph(ctx, works, what),
        ) if p is not None]
        title = titles.get(family) or ctx.label("architecture", family)
        out.append(ProseSection(f"class-{family}", title, tuple(paragraphs), tuple(sorted(w.entry.id for w in works))))
    return out


def _subclass_paragraph(ctx: _Context, works: list[_Work], what: str, family: str) -> Paragraph | None:
    groups: dict[str, list[str]] = defaultdict(list)
    for w in works:
        if w.primary and w.primary != family:
            groups[ctx.label("architecture", w.primary)].append(w.entry.id)
    ranked = _largest_first(groups)
    if not ranked or (len(ranked) == 1 and len(ranked[0][1]) == len(works)):
        return None
    b = _Builder()
    b.text("They divide into ")
    for index, (label, ids) in enumerate(ranked):
        if index:
            b.text(", and " if index == len(ranked) - 1 else ", ")
        b.text(f"{label} (").count(len(ids), f"{what}: {label}").text(")").cite(ids)
    rest = len(works) - sum(len(ids) for _, ids in ranked)
    if rest:
        b.text(", besides ").count(rest, f"{what} without a sub-class")
        b.text(" that name the class only")
    b.text(".")
    return b.paragraph()


def challenge_sections(ctx: _Context) -> list[ProseSection]:
    vocab = ctx.taxonomy["challenge"]
    out = []
    for root in vocab.roots():
        family = {root, *vocab.descendants(root)}
        works = [w for w in ctx.works if family & set(w.challenges)]
        what = f"challenge {root}"
        paragraphs: list[Paragraph | None] = []
        opening = _Builder().text(vocab.terms[root].description.rstrip(".") + ".")
        if not works:
            opening.text(" No work of the knowledge base addresses this challenge yet.")
        paragraphs.append(opening.paragraph())
        overview = _overview(ctx, works, what, f"address {vocab.terms[root].label.lower()}")
        if overview is not None:
            paragraphs.append(overview)
        classes: dict[str, list[str]] = defaultdict(list)
        for w in works:
            if w.family:
                classes[ctx.label("architecture", w.primary or w.family)].append(w.entry.id)
        ranked = _largest_first(classes)
        if ranked:
            b = _Builder()
            b.text("By architecture, they are ")
            for index, (label, ids) in enumerate(ranked[:5]):
                if index:
                    b.text(", and " if index == min(len(ranked), 5) - 1 else ", ")
                b.text(f"{label} designs (").count(len(ids), f"{what}: {label}").text(")")
            b.text(".")
            if (p := b.paragraph()) is not None:
                paragraphs.append(p)
        for child in vocab.children(root):
            group = [w for w in works if child in w.challenges]
            if not group:
                continue
            paragraphs.append(_subchallenge_paragraph(ctx, group, child, f"{what}/{child}"))
        kept = [p for p in paragraphs if p is not None]
        if kept:
            out.append(ProseSection(f"challenge-{root}", vocab.terms[root].label, tuple(kept),
                                    tuple(sorted(w.entry.id for w in works))))
    return out


def _subchallenge_paragraph(ctx: _Context, group: list[_Work], child: str, what: str) -> Paragraph:
    term = ctx.taxonomy["challenge"].terms[child]
    b = _Builder()
    b.text(term.description.rstrip(".") + ". ")
    b.count(len(group), what, capital=True).text(" work" if len(group) == 1 else " works")
    b.text(" address" + ("es" if len(group) == 1 else "") + " it").cite(w.entry.id for w in group)
    memories = Counter(ctx.label("memory", m) for w in group for m in w.memory_families)
    compression = Counter(ctx.label("compression", c.id) for w in group
                          for c in (ctx.taxonomy["compression"].resolve(x) for x in w.entry.compression) if c)
    extras = []
    if memories:
        top = [label for label, _ in sorted(memories.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        extras.append(("mostly on " if len(top) > 1 else "on ") + _series(top))
    if compression:
        top = [label for label, _ in sorted(compression.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        extras.append("with " + _series(top))
    if extras:
        b.text(", " + ", ".join(extras))
    b.text(".")
    evidence = [w for w in group if any(ctx.taxonomy["evaluation"].terms[e].measured for e in w.evidence)]
    if evidence and len(evidence) < len(group):
        b.text(" ").count(len(evidence), f"{what} measured", capital=True)
        b.text(" of them " + ("was" if len(evidence) == 1 else "were") + " measured on hardware").cite(
            w.entry.id for w in evidence)
        b.text(".")
    elif evidence:
        b.text(" It was measured on hardware." if len(group) == 1 else " All of them were measured on hardware.")
    paragraph = b.paragraph(term.label)
    assert paragraph is not None
    return paragraph


def build_synthesis(taxonomy: Taxonomy, entries: Sequence[Entry],
                    class_titles: dict[str, str] | None = None) -> Synthesis:
    """The generated prose of the survey (pure and deterministic); `class_titles` names the class sections."""
    works = _designs(taxonomy, entries)
    ctx = _Context(taxonomy, works, {w.entry.id: w for w in works})
    return Synthesis(tuple(class_sections(ctx, class_titles or {})), tuple(challenge_sections(ctx)))
