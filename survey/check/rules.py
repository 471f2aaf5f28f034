"""`survey check`: every rule an entry and the knowledge base must satisfy, as diagnostics (never printed here)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey.check.completeness import check_completeness
from survey.check.id_suggestions import IdSuggestions
from survey.check.person_names import check_spellings
from survey.files import limits
from survey.load import identifiers, units
from survey.load.knowledge_base import EntryFile, KnowledgeBase, load_knowledge_base
from survey.load.model import Entry, Metric, term_fields
from survey.load.taxonomy import Taxonomy, normalise
from survey.load.yamlsource import Path as DataPath
from survey.load.yamlsource import SourceMap
from survey.report.diagnostics import Diagnostic, Location, error, one_line, warning

if TYPE_CHECKING:
    from survey.load.metadata import Metadata


@dataclass
class CheckResult:
    knowledge_base: KnowledgeBase
    diagnostics: list[Diagnostic]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)


def check(root: Path, paths: Iterable[Path] = ()) -> CheckResult:
    """Check the knowledge base at `root`. With `paths`, report only problems in (or involving) those files."""
    from survey.load.metadata import METADATA_FILE

    chosen = list(paths)
    kb = load_knowledge_base(root, chosen)
    diagnostics = list(kb.diagnostics) + check_rules(kb, root)
    files = len(kb.files) + 1 + (root / METADATA_FILE).is_file()
    if chosen:
        from survey.load.knowledge_base import display_path, expand_paths

        wanted = {display_path(p) for p in expand_paths(chosen)}
        wanted.add(display_path(root / "taxonomy.yaml"))
        diagnostics = [d for d in diagnostics
                       if d.location.path in wanted or any(r.path in wanted for r in d.related)]
        files = len(wanted)
    return CheckResult(kb, sorted(diagnostics, key=Diagnostic.sort_key), files)


def check_rules(kb: KnowledgeBase, root: Path) -> list[Diagnostic]:
    """The problems the rules find in a loaded knowledge base (those of loading it are in kb.diagnostics): each
    entry's, those across entries, and paper/metadata.yaml's with the co-author list's."""
    from survey.load.metadata import METADATA_FILE, load_metadata  # its models cost start-up time: only when needed

    diagnostics = []
    for entry_file in kb.files:
        diagnostics.extend(check_entry_file(entry_file, kb.taxonomy))
    diagnostics.extend(check_cross_entry(kb))
    if (root / METADATA_FILE).is_file():
        metadata, metadata_problems = load_metadata(root)
        diagnostics.extend(metadata_problems)
        if metadata is not None:
            diagnostics.extend(_coauthor_problems(kb, metadata))
    return diagnostics


def _coauthor_problems(kb: KnowledgeBase, metadata: Metadata) -> list[Diagnostic]:
    """What the byline needs from co-authors' entries and paper/metadata.yaml: a country for every affiliation.

    The co-author list is derived (survey.check.authors); its rules are reported here so that `survey check`,
    the pre-commit hook and the pull request's check show them at the entry, not only the build.
    """
    from survey.check.authors import build_author_list

    return [d for d in build_author_list(kb, metadata).diagnostics if d.code == "affiliation-without-country"]


def check_entry_file(entry_file: EntryFile, taxonomy: Taxonomy | None) -> list[Diagnostic]:
    """Everything one file can be checked for on its own: how it reads, its name, and the entry's rules."""
    out = list(entry_file.loaded.diagnostics)
    data = entry_file.loaded.data
    if isinstance(data, dict):
        out.extend(_check_file_name(entry_file.path, data.get("id")))
        out.extend(_check_sizes(data, entry_file.loaded.source, _file_size(entry_file.path)))
    if entry_file.checkable is not None and taxonomy is not None:
        found = check_entry(entry_file.checkable, taxonomy)
        written = _metrics_with_a_number(data, entry_file.loaded.source)
        # A value the model refused was set aside and is reported as such: it is not missing as well.
        out.extend(d for d in found if not (d.code == "missing-value" and d.location in written))
    return out


def _metrics_with_a_number(data: Any, source: SourceMap) -> set[Location]:
    """Where the metrics that were written with a `value` or `range` (of whatever type) start."""
    metrics = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(metrics, list):
        return set()
    return {source.locate(("metrics", index)) for index, metric in enumerate(metrics)
            if isinstance(metric, dict) and (metric.get("value") is not None or metric.get("range") is not None)}


def _check_sizes(data: dict[str, Any], source: SourceMap, file_size: int) -> list[Diagnostic]:
    """The limits on one entry (survey.limits): each value, all text together, the people and the metrics.

    Without aliases no value, and no entry, holds more text than its file: the walks are skipped for the usual
    small file (they would cost a tenth of the check of a large knowledge base).
    """
    out = list(_check_text_lengths(data, source)) if source.aliased or file_size > limits.MAX_TEXT else []
    total = _text_size(data) if source.aliased or file_size > limits.MAX_ENTRY_TEXT else 0
    if total > limits.MAX_ENTRY_TEXT:
        out.append(error(source.locate(()), "entry-too-long",
                         f"the entry holds {total:,} characters of text; at most {limits.MAX_ENTRY_TEXT:,} are allowed",
                         "an entry summarises a work: keep the essential and point to the source"))
    people, metrics = data.get("people"), data.get("metrics")
    if isinstance(people, list):
        if len(people) > limits.MAX_PEOPLE:
            out.append(error(source.locate(("people",)), "too-many-people",
                             f"{len(people):,} people; at most {limits.MAX_PEOPLE} are allowed",
                             "name the first authors and those the survey cites the work for; its own page lists the rest"))
        names = sum(len(p["name"]) for p in people if isinstance(p, dict) and isinstance(p.get("name"), str))
        if names > limits.MAX_NAMES_TEXT:
            out.append(error(source.locate(("people",)), "names-too-long",
                             f"the people's names hold {names:,} characters together; BibTeX keeps them in one "
                             f"string, so at most {limits.MAX_NAMES_TEXT:,} are allowed",
                             "name the first authors and those the survey cites the work for; its own page lists the rest"))
    if isinstance(metrics, list) and len(metrics) > limits.MAX_METRICS:
        out.append(error(source.locate(("metrics",)), "too-many-metrics",
                         f"{len(metrics):,} metrics; at most {limits.MAX_METRICS} are allowed",
                         "keep the headline results that the survey compares"))
    return out


MAX_TEXT = limits.MAX_TEXT


def _file_size(path: str) -> int:
    import os

    try:
        return os.path.getsize(path)
    except OSError:
        return limits.MAX_FILE_BYTES  # unknown: walk


def _text_size(data: Any) -> int:
    """Characters of text in `data`, counting an alias as often as it is used (as the later stages would)."""
    total, pending = 0, [data]
    while pending:  # iteratively: the loader bounds depth, this need not rely on it
        value = pending.pop()
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, dict):
            total += sum(len(k) for k in value if isinstance(k, str))
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return total


def _check_text_lengths(data: Any, source: SourceMap, path: DataPath = ()) -> Iterator[Diagnostic]:
    if isinstance(data, str):
        if len(data) > limits.MAX_TEXT:
            yield error(source.locate(path), "text-too-long",
                        f"a value of {len(data):,} characters; at most {limits.MAX_TEXT:,} are allowed",
                        "an entry summarises a work: keep the essential sentence and point to the source")
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _check_text_lengths(value, source, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _check_text_lengths(value, source, (*path, index))


def _check_file_name(path: str, entry_id: Any) -> list[Diagnostic]:
    stem = Path(path).stem
    if identifiers.ENTRY_ID.match(stem):
        return []
    note = identifiers.non_ascii_note(stem)
    wanted = entry_id if isinstance(entry_id, str) and identifiers.ENTRY_ID.match(entry_id) else "ID"
    return [error(Location(path), "bad-file-name", f"file name '{Path(path).name}' is not an entry id and .yaml",
                  f"{identifiers.ID_RULE}; " + (f"{note}; " if note else "") + f"rename the file to {wanted}.yaml")]


def check_entry(entry: Entry, taxonomy: Taxonomy) -> list[Diagnostic]:
    """Rules that need one entry and the taxonomy."""
    out: list[Diagnostic] = []
    expected_id = Path(entry.path).stem
    if identifiers.ENTRY_ID.match(expected_id) and entry.id != expected_id:  # else check_entry_file reports it
        out.append(error(entry.locate("id"), "id-mismatch", f"id '{entry.id}' differs from the file name",
                         f"rename the file to {entry.id}.yaml or set `id: {expected_id}`"))
    out.extend(_check_terms(entry, taxonomy))
    out.extend(_check_identifiers(entry))
    out.extend(_check_person_names(entry))
    out.extend(_check_adc_ranges(entry))
    out.extend(_check_bibtex(entry))
    for index, metric in enumerate(entry.metrics):
        out.extend(_check_metric(entry, index, metric, taxonomy))
    out.extend(check_completeness(entry, taxonomy))
    entry_type = taxonomy["contribution-type"].resolve(entry.type)
    role = entry_type.role if entry_type else None
    if role and not any(_canonical(taxonomy, "role", p.role) == role for p in entry.people):
        out.append(warning(entry.locate("people"), "missing-role",
                           f"a {one_line(entry.type)} entry should name its {role}", f"give one person `role: {role}`"))
    return out


def _canonical(taxonomy: Taxonomy, vocabulary: str, text: str | None) -> str | None:
    term = taxonomy[vocabulary].resolve(text) if text else None
    return term.id if term else None


def _values_at(data: Any, pattern: DataPath, prefix: DataPath = ()) -> Iterator[tuple[DataPath, Any]]:
    """Values of a model object along a path pattern ('*' = each list item); yields (data path, value)."""
    if not pattern:
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield prefix + (index,), item
        elif data is not None:
            yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        for index, item in enumerate(data or []):
            yield from _values_at(item, rest, prefix + (index,))
        return
    yield from _values_at(getattr(data, str(head), None), rest, prefix + (head,))


@lru_cache(maxsize=1)
def _term_patterns() -> tuple[tuple[DataPath, str], ...]:
    """The model's term fields, found once (walking the model for every entry cost a third of the check)."""
    return tuple(term_fields())


def _check_terms(entry: Entry, taxonomy: Taxonomy) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for pattern, vocabulary_name in _term_patterns():
        vocabulary = taxonomy[vocabulary_name]
        for path, value in _values_at(entry, pattern):
            term = vocabulary.resolve(str(value))
            if term is not None and not term.deprecated:
                continue
            where = entry.locate(*path)  # only where something is reported: locating costs
            if term is None:
                guess = vocabulary.suggest(str(value))
                out.append(error(where, "unknown-term",
                                 f"{vocabulary_name} term '{one_line(value)}' is not in taxonomy.yaml",
                                 f"did you mean '{guess}'?" if guess else
                                 f"see the '{vocabulary_name}' vocabulary in taxonomy.yaml"))
            else:
                out.append(warning(where, "deprecated-term",
                                   f"{vocabulary_name} term '{one_line(value)}' is deprecated",
                                   f"use '{term.replaced_by}' instead" if term.replaced_by else None))
    return out


def _check_identifiers(entry: Entry) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    checks = (("doi", identifiers.doi_problem, "invalid-doi", "DOI"),
              ("arxiv", identifiers.arxiv_problem, "invalid-arxiv", "arXiv id"))
    holders: list[tuple[DataPath, Any]] = [((), entry)] + [(("versions", i), v) for i, v in enumerate(entry.versions)]
    for prefix, holder in holders:
        for name, problem_of, code, label in checks:
            value = getattr(holder, name)
            problem = problem_of(value) if value else None
            if problem:
                out.append(error(entry.locate(*prefix, name), code, f"malformed {label} '{one_line(value)}'", problem))
    for index, person in enumerate(entry.people):
        if person.email and (problem := identifiers.email_problem(person.email)):
            out.append(error(entry.locate("people", index, "email"), "invalid-email",
                             f"malformed e-mail address '{one_line(person.email)}'", problem))
        if person.orcid and (problem := identifiers.orcid_problem(person.orcid)):
            out.append(error(entry.locate("people", index, "orcid"), "invalid-orcid",
                             f"invalid ORCID iD '{one_line(person.orcid)}' for {one_line(person.name)}", problem))
    return out


_NAME_ACCIDENTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\s\d{4}$"), "ends in a database's number for telling namesakes apart",
     "drop the number (DBLP writes 'Wei Wang 0001')"),
    (re.compile(r","), "holds a comma, as BibTeX's 'Family, Given' does",
     "write the name as the person writes it, e.g. 'Ada Example'"),
    (re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE), "holds 'and', as a BibTeX list of two names does",
     "give each person an item of `people` of their own"),
    (re.compile(r"[\\{}$]"), "holds LaTeX markup", "write the characters themselves, e.g. 'Müller' for M{\\\"u}ller"),
    (re.compile(r"^others$", re.IGNORECASE), "is BibTeX's 'others', not a person",
     "name the remaining authors from the paper"),
)


def _check_adc_ranges(entry: Entry) -> list[Diagnostic]:
    """`adc_bits: [low, high]` runs upwards, as a metric's range does."""
    holders: list[tuple[DataPath, Any]] = [(("precision",), entry.precision)]
    holders += [(("metrics", i, "conditions", "precision"), m.conditions.precision) for i, m in enumerate(entry.metrics)]
    out = []
    for path, precision in holders:
        bits = precision.adc_bits if precision is not None else None
        if isinstance(bits, list) and bits[0] > bits[1]:
            out.append(error(entry.locate(*path, "adc_bits"), "bad-range", f"adc_bits {bits} runs backwards",
                             "write [low, high]"))
    return out


def _check_person_names(entry: Entry) -> list[Diagnostic]:
    """Names that look like accidents of a BibTeX import (survey import-bib reports them when it meets them)."""
    out: list[Diagnostic] = []
    for index, person in enumerate(entry.people):
        for pattern, what, hint in _NAME_ACCIDENTS:
            if pattern.search(person.name):
                out.append(warning(entry.locate("people", index, "name"), "suspicious-name",
                                   f"the name '{one_line(person.name)}' {what}", hint))
                break
    return out


def _check_bibtex(entry: Entry) -> list[Diagnostic]:
    if not entry.bibtex:
        return []
    from survey.load.bibtex import parse_record

    record, problems = parse_record(entry.bibtex)
    base = entry.locate("bibtex")
    out = []
    for problem in problems:
        # A block scalar (`bibtex: |`) starts on the line after the key.
        line = base.line + problem.line
        code = "bibtex-multiple" if "records" in problem.message else "bibtex-syntax"
        out.append(error(Location(base.path, line, 1), code, one_line(problem.message),
                         "check braces and commas; one record such as @inproceedings{key, title = {...}, ...}"))
    if record is not None and entry.doi and record.fields.get("doi") and \
            identifiers.normalise_doi(record.fields["doi"]) != identifiers.normalise_doi(entry.doi):
        out.append(warning(base, "bibtex-mismatch",
                           f"BibTeX doi '{one_line(record.fields['doi'])}' differs from the entry's doi",
                           "keep one DOI for the work"))
    return out


def _check_metric(entry: Entry, index: int, metric: Metric, taxonomy: Taxonomy) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    here = ("metrics", index)
    kind = taxonomy["metric"].resolve(metric.kind) if metric.kind else None  # model.py lets `kind` be None
    if metric.value is None and metric.range is None:
        out.append(error(entry.locate(*here), "missing-value", "metric has neither `value` nor `range`",
                         "write `value: 2.8` or `range: [1.2, 3.4]`"))
    elif metric.value is not None and metric.range is not None:
        out.append(error(entry.locate(*here, "range"), "value-and-range", "metric has both `value` and `range`",
                         "keep one of them"))
    elif metric.range is not None and metric.range[0] > metric.range[1]:
        out.append(error(entry.locate(*here, "range"), "bad-range", f"range {metric.range} runs backwards",
                         "write [low, high]"))
    if metric.source is None:
        out.append(error(entry.locate(*here), "missing-source", f"{one_line(metric.kind)} metric has no source",
                         "add `source: {locator: Table 3, quote: \"...\"}` with a verbatim quote holding the number"))
    else:
        out.extend(_check_quote_number(entry, index, metric, metric.source.quote))
    unit_known = units.is_unit(metric.unit)
    dimension = kind.dimension if kind is not None else None
    if not unit_known:
        guess = units.suggest_unit(metric.unit, dimension, _canonical_units(taxonomy))
        out.append(error(entry.locate(*here, "unit"), "unknown-unit",
                         f"unit '{one_line(metric.unit)}' is not a known unit",
                         f"did you mean '{guess}'?" if guess else
                         "write units such as x, %, TOPS/W, GOPS/mm^2, uJ/token, ms, GB/s"
                         + ("" if units.simple_enough(metric.unit) else
                            f" (at most {limits.MAX_UNIT_CHARS} characters and {limits.MAX_UNIT_POWERS} powers, "
                            "each a whole number of at most two digits: mm^2, not 10^10^10)")))
    elif kind is not None and kind.dimension and not units.same_dimension(metric.unit, kind.dimension):
        guess = units.suggest_unit(metric.unit, kind.dimension, _canonical_units(taxonomy))
        out.append(error(entry.locate(*here, "unit"), "unit-dimension",
                         f"unit '{one_line(metric.unit)}' does not fit metric kind '{kind.id}'",
                         f"expected {units.dimension_text(kind.dimension)} such as '{kind.canonical_unit}', "
                         f"but '{one_line(metric.unit)}' is {units.dimension_text(metric.unit)} "
                         f"(read as {units.reading(metric.unit)})" + (f"; did you mean '{guess}'?" if guess else "")))
    elif kind is not None and kind.plausible and kind.canonical_unit:
        factor = units.factor(metric.unit, kind.canonical_unit)
        low, high = kind.plausible
        for value in {metric.low, metric.high} - {None}:
            converted = value * factor  # type: ignore[operator]
            if not low <= converted <= high:
                out.append(warning(entry.locate(*here, "range" if metric.range else "value"), "implausible-value",
                                   f"{value:g} {one_line(metric.unit)} is far outside the plausible range of {kind.id} "
                                   f"({low:g} to {high:g} {kind.canonical_unit})",
                                   "check the number, its unit and its prefix"))
                break
    if kind is not None and kind.relative and not (metric.baseline or "").strip():
        out.append(error(entry.locate(*here), "missing-baseline", f"relative metric '{kind.id}' has no baseline",
                         "add `baseline:` naming what it is relative to, e.g. 'NVIDIA A100 GPU'"))
    for name, dimension, default in (("voltage", "V", "V"), ("frequency", "MHz", "MHz")):
        value = getattr(metric.conditions, name)
        if isinstance(value, str) and not (units.is_unit(value) and units.same_dimension(value, dimension)):
            out.append(error(entry.locate(*here, "conditions", name), "unit-dimension",
                             f"condition {name} '{one_line(value)}' is not a {name}",
                             f"write it as e.g. '0.9 {default}'" if name == "voltage" else
                             f"write it as e.g. '200 {default}'"))
    return out


def _canonical_units(taxonomy: Taxonomy) -> tuple[str, ...]:
    return tuple(term.canonical_unit for term in taxonomy["metric"] if term.canonical_unit)


def _check_quote_number(entry: Entry, index: int, metric: Metric, quote: str) -> list[Diagnostic]:
    """The quote is the evidence for the number: it has to write it (in any of the forms papers use)."""
    from survey.check.quote_numbers import quote_holds, shown_numbers

    numbers = metric.range if metric.range is not None else [metric.value] if metric.value is not None else []
    unit = metric.unit.strip()
    ratio, percent = unit in ("x", "X", "×", "times"), unit in ("%", "percent")
    missing = [n for n in numbers if not quote_holds(quote, float(n), ratio, percent)]
    if not missing:
        return []
    what = " and ".join(f"{float(n):g}" for n in missing)
    return [warning(entry.locate("metrics", index, "source", "quote"), "quote-number",
                    f"the quote of {one_line(metric.kind)} metric {index + 1} does not contain {what}; "
                    f"it writes {shown_numbers(quote)}",
                    "quote the sentence that states the number, or correct `value:`/`range:` to what it says")]


def check_cross_entry(kb: KnowledgeBase) -> list[Diagnostic]:
    """Rules across entries: unique ids and DOIs, one ORCID per person, known references."""
    out: list[Diagnostic] = []
    entries = [f.entry for f in kb.files if f.entry is not None]
    first_id: dict[str, Entry] = {}
    first_doi: dict[str, tuple[Entry, DataPath]] = {}
    orcids: dict[str, tuple[str, Location]] = {}
    for entry in entries:
        if entry.id in first_id:
            other = first_id[entry.id]
            out.append(error(entry.locate("id"), "duplicate-id", f"id '{entry.id}' is also used by {other.path}",
                             "every entry needs its own id", related=[other.locate("id")]))
        else:
            first_id[entry.id] = entry
        dois = [(("doi",), entry.doi)] + [(("versions", i, "doi"), v.doi) for i, v in enumerate(entry.versions)]
        for path, doi in dois:
            if not doi:
                continue
            key = identifiers.normalise_doi(doi)
            if key in first_doi and first_doi[key][0] is not entry:
                other, other_path = first_doi[key]
                out.append(error(entry.locate(*path), "duplicate-doi",
                                 f"DOI '{one_line(doi)}' is also used by {other.path}",
                                 "one work, one entry: merge them or record the other as a version",
                                 related=[other.locate(*other_path)]))
            else:
                first_doi.setdefault(key, (entry, path))
        for index, person in enumerate(entry.people):
            if not person.orcid:
                continue
            name = normalise(person.name)
            where = entry.locate("people", index, "orcid")
            if name in orcids and orcids[name][0] != person.orcid:
                out.append(error(where, "orcid-conflict",
                                 f"{one_line(person.name)} has ORCID {one_line(person.orcid)} here but "
                                 f"{one_line(orcids[name][0])} elsewhere",
                                 "one person has one ORCID iD: correct the wrong one",
                                 related=[orcids[name][1]]))
            orcids.setdefault(name, (person.orcid, where))
    out.extend(check_spellings(entries))
    suggestions = IdSuggestions(first_id)
    for entry in entries:
        for index, ref in enumerate(entry.draws_on):
            if ref not in first_id:
                guess = suggestions.closest(ref)
                out.append(error(entry.locate("draws_on", index), "unknown-entry",
                                 f"draws_on names '{one_line(ref)}', which is no entry's id",
                                 f"did you mean '{guess}'?" if guess else "add an entry for the paper first"))
    return out
