"""The taxonomy: controlled vocabularies with ids, labels, aliases and hierarchies, read from taxonomy.yaml."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from survey.load.identifiers import ENTRY_ID
from survey.load.yamlsource import LoadedYaml, SourceMap, read_yaml_file
from survey.report.diagnostics import Diagnostic, Location, error

# The vocabularies the entry model refers to; a taxonomy without one of them cannot check entries.
REQUIRED_VOCABULARIES = (
    "contribution-type", "role", "challenge", "topic", "architecture", "level", "memory", "domain",
    "format", "compression", "evaluation", "simulator", "phase", "metric",
    "scope", "operator", "host", "baseline-class",
)
_TERM_KEYS = {"id", "label", "description", "aliases", "parent", "deprecated", "replaced_by",
              "bits", "dimension", "canonical_unit", "relative", "plausible", "better", "measured", "role",
              "any_phase"}
_REQUIRED_TERM_KEYS = ("id", "label", "description")


def normalise(text: str) -> str:
    """Fold case, spaces and underscores so that 'HBM 3', 'hbm_3' and 'HBM-3' compare equal."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class Term:
    """One controlled term."""

    id: str
    label: str
    description: str
    vocabulary: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    deprecated: bool = False
    replaced_by: str | None = None
    bits: int | None = None
    dimension: str | None = None
    canonical_unit: str | None = None
    relative: bool = False
    plausible: tuple[float, float] | None = None
    better: str | None = None  # metric kinds: 'higher' or 'lower'; kinds without it are shown, never ranked
    any_phase: bool = False  # metric kinds whose value does not depend on the inference phase (a macro's TOPS/W)
    measured: bool = False  # evaluation methods: a built artefact was measured (not simulated or modelled)
    role: str | None = None  # contribution types: the role the entry must name (speaker, presenter)
    location: Location | None = field(default=None, compare=False)


@dataclass
class Vocabulary:
    name: str
    description: str
    terms: dict[str, Term] = field(default_factory=dict)
    _lookup: dict[str, str] = field(default_factory=dict)
    _children: dict[str, list[str]] = field(default_factory=dict)

    def resolve(self, text: str) -> Term | None:
        """The term whose id, alias or label is `text` (case- and separator-insensitive)."""
        # Most entries write the id itself: try it before normalising (normalise is idempotent, keys are normal).
        term_id = self._lookup.get(text) or self._lookup.get(normalise(text))
        return self.terms[term_id] if term_id else None

    def suggest(self, text: str) -> str | None:
        """The closest known id, for a did-you-mean hint."""
        wanted = normalise(text)
        for key, term_id in self._lookup.items():  # a known word inside a longer one: 'hbm3-pim' -> hbm3
            if len(key) >= 3 and (key in wanted.split("-") or wanted in key.split("-")):
                return term_id
        close = difflib.get_close_matches(wanted, list(self._lookup), n=1, cutoff=0.6)
        return self._lookup[close[0]] if close else None

    def children(self, term_id: str) -> list[str]:
        return self._children.get(term_id, [])

    def ancestors(self, term_id: str) -> list[str]:
        """Parent, grandparent, ... (stops safely on a cycle)."""
        chain: list[str] = []
        current = self.terms[term_id].parent if term_id in self.terms else None
        while current and current in self.terms and current not in chain and current != term_id:
            chain.append(current)
            current = self.terms[current].parent
        return chain

    def descendants(self, term_id: str) -> list[str]:
        found: list[str] = []
        todo = list(self.children(term_id))
        while todo:
            child = todo.pop(0)
            if child not in found and child != term_id:
                found.append(child)
                todo.extend(self.children(child))
        return found

    def root(self, term_id: str) -> str:
        chain = self.ancestors(term_id)
        return chain[-1] if chain else term_id

    def roots(self) -> list[str]:
        return [t.id for t in self.terms.values() if not t.parent]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())


@dataclass
class Taxonomy:
    path: str
    vocabularies: dict[str, Vocabulary]

    def __getitem__(self, name: str) -> Vocabulary:
        return self.vocabularies[name]

    def term(self, vocabulary: str, term_id: str) -> Term | None:
        return self.vocabularies[vocabulary].resolve(term_id)

    def label(self, vocabulary: str, term_id: str) -> str:
        term = self.term(vocabulary, term_id)
        return term.label if term else term_id


def load_taxonomy(file_path: str, display_path: str | None = None) -> tuple[Taxonomy | None, list[Diagnostic]]:
    """Read and self-check taxonomy.yaml. Returns None as taxonomy when it is unusable."""
    shown = display_path or file_path
    return taxonomy_from_yaml(read_yaml_file(file_path, shown), shown)


def taxonomy_from_yaml(loaded: LoadedYaml, shown: str) -> tuple[Taxonomy | None, list[Diagnostic]]:
    """The taxonomy in parsed YAML (from a file, or a blob of a git revision), self-checked."""
    diagnostics = list(loaded.diagnostics)
    if loaded.fatal:
        return None, diagnostics
    source = loaded.source
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get("vocabularies"), dict):
        diagnostics.append(error(source.locate(()), "taxonomy-structure",
                                 "taxonomy.yaml must be a mapping with a `vocabularies:` mapping"))
        return None, diagnostics
    vocabularies: dict[str, Vocabulary] = {}
    for name, body in data["vocabularies"].items():
        vocabularies[name] = _read_vocabulary(name, body, source, diagnostics)
    for name in REQUIRED_VOCABULARIES:
        if name not in vocabularies:
            diagnostics.append(error(source.locate(("vocabularies",), key=True), "taxonomy-structure",
                                     f"vocabulary '{name}' is missing", "the entry model refers to it"))
    if any(d.is_error for d in diagnostics if d.code == "taxonomy-structure"):
        return None, diagnostics
    taxonomy = Taxonomy(shown, vocabularies)
    _check_metric_units(taxonomy, source, diagnostics)
    for term in taxonomy["contribution-type"]:
        if term.role is not None and taxonomy["role"].resolve(term.role) is None:
            diagnostics.append(error(_field_location(source, taxonomy["contribution-type"], term, "role"),
                                     "taxonomy-unknown-term", f"role '{term.role}' of '{term.id}' is not a role term",
                                     _did_you_mean(taxonomy["role"], term.role)))
    return taxonomy, diagnostics


def _read_vocabulary(name: str, body: Any, source: SourceMap, out: list[Diagnostic]) -> Vocabulary:
    base = ("vocabularies", name)
    if not isinstance(body, dict) or not isinstance(body.get("terms"), list):
        out.append(error(source.locate(base), "taxonomy-structure",
                         f"vocabulary '{name}' needs a `terms:` list"))
        return Vocabulary(name, "")
    vocab = Vocabulary(name, str(body.get("description", "")))
    owners: dict[str, tuple[str, Location]] = {}  # normalised name -> (term id, where)
    for index, raw in enumerate(body["terms"]):
        path = base + ("terms", index)
        term = _read_term(name, raw, path, source, out)
        if term is None:
            continue
        if term.id in vocab.terms:
            out.append(error(term.location or source.locate(path), "taxonomy-duplicate-id",
                             f"term id '{term.id}' is defined twice in vocabulary '{name}'",
                             related=[vocab.terms[term.id].location or source.locate(path)]))
            continue
        vocab.terms[term.id] = term
        for alias_index, word in enumerate((term.id, term.label, *term.aliases)):
            key = normalise(str(word))
            owner = owners.get(key)
            if owner and owner[0] != term.id:
                where = source.locate(path + (("aliases", alias_index - 2) if alias_index >= 2 else ("id",)))
                if alias_index == 1:  # labels may repeat harmlessly only within one term
                    where = source.locate(path + ("label",))
                out.append(error(where, "taxonomy-alias-collision",
                                 f"'{word}' of term '{term.id}' collides with term '{owner[0]}' in vocabulary '{name}'",
                                 "each id, label and alias must name one term", related=[owner[1]]))
            elif not owner:
                owners[key] = (term.id, source.locate(path))
                vocab._lookup[key] = term.id
    for term in vocab.terms.values():
        if term.parent is not None:
            if term.parent not in vocab.terms:
                out.append(error(_field_location(source, vocab, term, "parent"), "taxonomy-unknown-parent",
                                 f"parent '{term.parent}' of term '{term.id}' is not a term of '{name}'",
                                 _did_you_mean(vocab, term.parent)))
            else:
                vocab._children.setdefault(term.parent, []).append(term.id)
        if term.replaced_by is not None and term.replaced_by not in vocab.terms:
            out.append(error(_field_location(source, vocab, term, "replaced_by"), "taxonomy-unknown-term",
                             f"replacement '{term.replaced_by}' of term '{term.id}' is not a term of '{name}'"))
    _check_cycles(vocab, source, out)
    return vocab


def _field_location(source: SourceMap, vocab: Vocabulary, term: Term, key: str) -> Location:
    index = list(vocab.terms).index(term.id)
    return source.locate(("vocabularies", vocab.name, "terms", index, key))


def _did_you_mean(vocab: Vocabulary, text: str) -> str | None:
    guess = vocab.suggest(text)
    return f"did you mean '{guess}'?" if guess else None


def _check_cycles(vocab: Vocabulary, source: SourceMap, out: list[Diagnostic]) -> None:
    reported: set[str] = set()
    for start in vocab.terms:
        seen: list[str] = []
        current: str | None = start
        while current is not None and current in vocab.terms and current not in seen:
            seen.append(current)
            current = vocab.terms[current].parent
        if current is not None and current in seen:
            cycle = seen[seen.index(current):]
            if not reported.intersection(cycle):
                reported.update(cycle)
                term = vocab.terms[cycle[0]]
                out.append(error(_field_location(source, vocab, term, "parent"), "taxonomy-cycle",
                                 f"parents form a cycle in '{vocab.name}': " + " -> ".join(cycle + [cycle[0]]),
                                 "a term cannot be its own ancestor"))


def _read_term(vocabulary: str, raw: Any, path: tuple[Any, ...], source: SourceMap,
               out: list[Diagnostic]) -> Term | None:
    where = source.locate(path)
    if not isinstance(raw, dict):
        out.append(error(where, "taxonomy-structure", "a term must be a mapping with id, label and description"))
        return None
    for key in raw:
        if key not in _TERM_KEYS:
            guess = difflib.get_close_matches(key, sorted(_TERM_KEYS), n=1)
            out.append(error(source.locate(path + (key,), key=True), "taxonomy-structure",
                             f"unknown key '{key}' in a term", f"did you mean '{guess[0]}'?" if guess else None))
    missing = [key for key in _REQUIRED_TERM_KEYS if not isinstance(raw.get(key), str) or not raw.get(key)]
    if missing:
        out.append(error(where, "taxonomy-structure", f"term needs text for: {', '.join(missing)}"))
        if "id" in missing:
            return None
    if not ENTRY_ID.match(raw["id"]):  # term ids become LaTeX labels, query values and file-safe names
        out.append(error(source.locate(path + ("id",)), "taxonomy-structure",
                         f"term id '{raw['id']}' is not lower-case ASCII words joined by hyphens",
                         "write ids like 'analog-noise'; the label holds the words as printed"))
        return None
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
        out.append(error(source.locate(path + ("aliases",)), "taxonomy-structure", "aliases must be a list of words"))
        aliases = []
    plausible = raw.get("plausible")
    if plausible is not None and (not isinstance(plausible, list) or len(plausible) != 2
                                  or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                             for v in plausible)
                                  or plausible[0] > plausible[1]):
        out.append(error(source.locate(path + ("plausible",)), "taxonomy-structure",
                         "plausible must be [low, high] with low <= high"))
        plausible = None
    deprecated = raw.get("deprecated", False)
    bits = raw.get("bits")
    better = raw.get("better")
    if better is not None and better not in ("higher", "lower"):
        out.append(error(source.locate(path + ("better",)), "taxonomy-structure",
                         f"better must be 'higher' or 'lower', not {better!r}"))
        better = None
    return Term(
        id=str(raw["id"]),
        label=str(raw.get("label") or raw["id"]),
        description=str(raw.get("description") or ""),
        vocabulary=vocabulary,
        aliases=tuple(str(a) for a in aliases),
        parent=str(raw["parent"]) if raw.get("parent") is not None else None,
        deprecated=bool(deprecated),
        replaced_by=str(raw["replaced_by"]) if raw.get("replaced_by") else None,
        bits=bits if isinstance(bits, int) and not isinstance(bits, bool) else None,
        dimension=str(raw["dimension"]) if raw.get("dimension") else None,
        canonical_unit=str(raw["canonical_unit"]) if raw.get("canonical_unit") else None,
        relative=bool(raw.get("relative", False)),
        plausible=(float(plausible[0]), float(plausible[1])) if plausible else None,
        better=better,
        any_phase=raw.get("any_phase") is True,
        measured=raw.get("measured") is True,
        role=str(raw["role"]) if raw.get("role") else None,
        location=where,
    )


def _check_metric_units(taxonomy: Taxonomy, source: SourceMap, out: list[Diagnostic]) -> None:
    from survey.load import units  # pint is heavy: only loaded when a taxonomy is actually checked

    vocab = taxonomy["metric"]
    for term in vocab:
        for key in ("dimension", "canonical_unit"):
            text = getattr(term, key)
            if text is None:
                out.append(error(_field_location(source, vocab, term, "id"), "taxonomy-structure",
                                 f"metric kind '{term.id}' needs `{key}`"))
            elif not units.is_unit(text):
                out.append(error(_field_location(source, vocab, term, key), "taxonomy-unit",
                                 f"unit '{text}' of metric kind '{term.id}' is not a unit pint understands"))
        readable = all(text and units.is_unit(text) for text in (term.dimension, term.canonical_unit))
        if readable and not units.same_dimension(term.dimension, term.canonical_unit):  # type: ignore[arg-type]
            out.append(error(_field_location(source, vocab, term, "canonical_unit"), "taxonomy-unit",
                             f"canonical unit '{term.canonical_unit}' of '{term.id}' does not have the dimension "
                             f"of '{term.dimension}'"))
