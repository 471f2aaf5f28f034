"""`survey new`: a new entry file with every field present and a comment saying what goes in it.

A draft is plain data keyed by the entry model's field names (`{"title": ..., "people": [{"name": ...}]}`);
`render_entry` writes it as YAML in the model's field order (the order `survey fmt` keeps), with the taxonomy's
terms listed beside each controlled field, and `write_new_entry` never overwrites a file.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from survey.load.taxonomy import Taxonomy

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/entry.schema.json"
Draft = dict[str, Any]

# What to write in each top-level field, for the comment above it. Fields the model gains later still appear,
# with the model's own description.
_GUIDE = {
    "id": "lower-case kebab-case; equals the file name without .yaml",
    "type": "what the entry records",
    "title": "title of the work or talk, as published",
    "people": "everyone named: `name` and `role` required; also name_native, affiliations, email, orcid, consent "
              "(invited|confirmed|declined). Never invent an e-mail, ORCID or affiliation",
    "venue": "where it appeared, e.g. \"ISCA 2024\"",
    "year": "year of publication or presentation",
    "doi": "bare DOI, e.g. 10.1145/3620665.3640422",
    "arxiv": "arXiv id in quotes, e.g. \"2406.12345\"",
    "url": "https://... where the work can be read",
    "bibtex": "one BibTeX record, as a block: `bibtex: |` then the record indented",
    "draws_on": "for talks: ids of the entries (published works) the talk draws on",
    "versions": "other versions: - {kind: arxiv|preprint|conference|journal|extension|talk, venue, year, doi, "
                "arxiv, url, title}",
    "precision": "numeric formats: {weights: [int8], activations: [int8], kv_cache: [...], accumulation: [...], "
                 "adc_bits: 5, notes: \"...\"}",
    "models": "model names as the paper writes them, e.g. [GPT-3 175B, LLaMA-2 70B], or "
              "{name: OPT-66B, parameters_billion: 66} where the paper states the size",
    "short_name": "the name tables and figures print, at most 24 characters, e.g. AttAcc",
    "scope": "why the work is in the survey (rules in paper/scope.yaml)",
    "primary_architecture": "the one architecture class tables list the work under, when `architecture` has several",
    "operators": "operators the design runs in or near memory",
    "host": "what runs outside PIM: {processor: gpu|npu|cpu|soc|fpga|standalone, operators: [softmax], notes: \"...\"}",
    "workloads": "datasets or tasks, e.g. [GLUE, WikiText-2]",
    "evaluation": "how results were obtained: - {method: <evaluation term>, tool: <simulator term>, node_nm: 28}",
    "summary": "two to four sentences in your own words; no numbers that are not in `metrics`",
    "verified_by": "- {role: author|editor, name: \"...\", date: 2024-10-04}",
    "notes": "notes for the editors (where each fact was read); not printed",
    "metrics": "reported numbers, each with its source; one item looks like:",
}
_METRIC_EXAMPLE = """\
  - kind: speedup            # a metric term: see taxonomy.yaml
    value: 2.5               # or range: [1.2, 3.4]
    qualifier: up-to         # peak | average | geomean | up-to | min | max | median
    unit: x                  # x, %, TOPS/W, GOPS/mW, uJ/token, ms, GB/s, mm^2, ...
    conditions: {model: Example-LM 7B, phase: decode, level: system}
    baseline: Example GPU    # required for relative kinds (speedup, ...)
    source: {locator: Table 3, quote: "verbatim sentence that contains 2.5x"}"""
_STOP_WORDS = {"a", "an", "the", "on", "of", "for", "in", "with", "and", "to", "via", "using", "towards", "toward",
               "is", "at", "by", "from"}
_ASCII_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d",
                             "Đ": "D", "þ": "th", "ı": "i", "œ": "oe"})
_PLAIN = re.compile(r"^[^\W\d][\w .,/()+-]*$")
_NOT_PLAIN = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


class DraftError(ValueError):
    """A draft value that cannot go into an entry (unknown term, bad id, ...): the message says what to do."""


def entry_fields() -> list[tuple[str, str | None, str]]:
    """(field, vocabulary or None, guide) for every top-level field of the entry model, in its order."""
    from survey.load.model import Entry

    out = []
    for name, info in Entry.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        vocabulary = extra.get("x-vocabulary")
        guide = _GUIDE.get(name, (info.description or name).rstrip("."))
        out.append((name, str(vocabulary) if vocabulary else None, guide))
    return out


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of `text` ('Müller' -> ['muller'])."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD)).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded.lower())


def family_name(name: str) -> str:
    """The family name of 'First Last' or 'Last, First'."""
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    return parts[-1] if parts else ""


def derive_id(title: str, people: list[str], year: int | None) -> str:
    """A stable id from the record: first significant title word, first author's family name, two-digit year."""
    words = [w for w in ascii_words(title) if w not in _STOP_WORDS] or ["entry"]
    family = "".join(ascii_words(family_name(people[0]))) if people else ""
    suffix = f"{family}{year % 100:02d}" if family and year else family or (f"{year % 100:02d}" if year else "")
    return "-".join(part for part in (words[0], suffix) if part)


def resolve_terms(taxonomy: Taxonomy, vocabulary: str, values: list[str]) -> list[str]:
    """The term ids of `values` (ids, aliases or labels); DraftError with a did-you-mean for unknown ones."""
    found = []
    for value in values:
        term = taxonomy[vocabulary].resolve(value)
        if term is None:
            guess = taxonomy[vocabulary].suggest(value)
            hint = f"; did you mean '{guess}'?" if guess else f"; known: {', '.join(term_ids(taxonomy, vocabulary))}"
            raise DraftError(f"{vocabulary} term '{value}' is not in taxonomy.yaml{hint}")
        if term.id not in found:
            found.append(term.id)
    return found


def term_ids(taxonomy: Taxonomy, vocabulary: str) -> list[str]:
    return [term.id for term in taxonomy[vocabulary] if not term.deprecated]


# Characters outside YAML's printable set: a YAML file cannot hold them as such, only as escapes in quotes.
NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _NOT_PLAIN and not text.endswith((" ", ":")):
        return text
    return NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _flow_list(values: list[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, 116 - len(indent), break_on_hyphens=False)]


def _person_lines(person: dict[str, Any]) -> list[str]:
    from survey.load.model import Person

    lines: list[str] = []
    for name in Person.model_fields:
        value = person.get(name)
        if value in (None, "", []):
            continue
        shown = _flow_list(value) if isinstance(value, list) else _scalar(value)
        lines.append(f"{'  - ' if not lines else '    '}{name}: {shown}")
    return lines


def _field_lines(name: str, value: Any) -> list[str]:
    if name == "people":
        body = [line for person in value or [] for line in _person_lines(person)]
        return ["people:", *body] if body else ["people: []"]
    if name == "bibtex" and value:
        record = [line.rstrip() for line in str(value).strip("\n").split("\n")]
        return ["bibtex: |", *[f"  {line}" if line else "" for line in record]]
    if isinstance(value, list):
        return [f"{name}: {_flow_list(value)}"]
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {_flow_list(v) if isinstance(v, list) else _scalar(v)}" for k, v in value.items())
        return [f"{name}: {{{inner}}}"]
    shown = _scalar(value)
    return [f"{name}: {shown}" if shown else f"{name}:"]


def _is_list_field(name: str) -> bool:
    from survey.load.model import Entry

    return Entry.model_fields[name].default_factory is list


def render_entry(draft: Draft, taxonomy: Taxonomy) -> str:
    """The YAML text of a new entry: every field of the model, in order, each with a comment above it."""
    lines = [SCHEMA_LINE,
             "# Written by `survey new`. Fill in what the sources state and leave the rest empty: never guess.",
             "# Field reference: docs/entry-format.md. Then run: survey check entries/<this file>"]
    for name, vocabulary, guide in entry_fields():
        many = _is_list_field(name)
        if vocabulary:
            known = ", ".join(term_ids(taxonomy, vocabulary))
            lines.extend(_comment(f"{name} ({vocabulary} terms): {guide}. One or more of: {known}"
                                  if many else f"{name}: {guide}. One of: {known}"))
        else:
            lines.extend(_comment(f"{name}: {guide}"))
        if name == "metrics":
            lines.extend(f"#{line[1:]}" if line.startswith("  ") else f"# {line}"
                         for line in _METRIC_EXAMPLE.split("\n"))
        default: Any = [] if many else None
        lines.extend(_field_lines(name, draft.get(name, default)))
    return "\n".join(lines) + "\n"


def check_draft(draft: Draft, taxonomy: Taxonomy) -> Draft:
    """The draft with controlled terms resolved to their ids and the id checked; DraftError otherwise."""
    out = dict(draft)
    entry_id = str(out.get("id") or "")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry_id):
        raise DraftError(f"id '{entry_id}' is not lower-case kebab-case, e.g. 'attacc-asplos24'")
    for name, vocabulary, _ in entry_fields():
        if vocabulary and out.get(name):
            values = out[name] if isinstance(out[name], list) else [out[name]]
            resolved = resolve_terms(taxonomy, vocabulary, [str(v) for v in values])
            out[name] = resolved if isinstance(out[name], list) else resolved[0]
    people = []
    for person in out.get("people") or []:
        person = dict(person)
        if person.get("role"):
            person["role"] = resolve_terms(taxonomy, "role", [str(person["role"])])[0]
        people.append(person)
    out["people"] = people
    return out


def write_new_entry(root: Path, draft: Draft, taxonomy: Taxonomy) -> Path:
    """Write entries/<id>.yaml from `draft`; FileExistsError when it exists (never overwrites)."""
    text = render_entry(check_draft(draft, taxonomy), taxonomy)
    from survey.files.repository_paths import refuse_link_out

    path = root / "entries" / f"{draft['id']}.yaml"
    refuse_link_out(path.parent, root, "entries")  # a committed link `entries` would take the write outside
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": fails instead of overwriting
        handle.write(text)
    return path


def parse_person(spec: str, default_role: str) -> dict[str, Any]:
    """'NAME[; ROLE[; AFFILIATION; ...]]' as a person."""
    parts = [p.strip() for p in spec.split(";")]
    if not parts[0]:
        raise DraftError(f"--person '{spec}' has no name; write 'Ada Example; presenter; Example University'")
    person: dict[str, Any] = {"name": parts[0], "role": parts[1] if len(parts) > 1 and parts[1] else default_role}
    if len(parts) > 2:
        person["affiliations"] = [p for p in parts[2:] if p]
    return person


def talk_role(taxonomy: Taxonomy, entry_type: str | None) -> str:
    """The role of the first person for an entry type: presenter of a poster, speaker of a talk, else author."""
    term = taxonomy["contribution-type"].resolve(entry_type) if entry_type else None
    return {"poster": "presenter", "keynote": "speaker", "invited-talk": "speaker"}.get(term.id if term else "",
                                                                                         "author")


def prompt_missing(draft: Draft, taxonomy: Taxonomy, ask: Callable[..., Any]) -> Draft:
    """Ask for what the draft lacks, offering the taxonomy's terms; `ask` is click.prompt (or a stand-in)."""
    import click

    from survey.report.terminal import echo

    out = dict(draft)
    if not out.get("type"):
        out["type"] = ask("Type", type=click.Choice(term_ids(taxonomy, "contribution-type")), default="poster")
    if not out.get("title"):
        out["title"] = ask("Title").strip()
    if not out.get("people"):
        people: list[dict[str, Any]] = []
        role = talk_role(taxonomy, out["type"])
        while True:
            name = ask(f"Person {len(people) + 1} name (empty when done)", default="", show_default=False).strip()
            if not name:
                break
            chosen = ask("  role", type=click.Choice(term_ids(taxonomy, "role")), default=role)
            affiliation = ask("  affiliation (empty if unknown)", default="", show_default=False).strip()
            people.append({"name": name, "role": chosen, **({"affiliations": [affiliation]} if affiliation else {})})
            role = "author"
        out["people"] = people
    for name, label in (("venue", "Venue"), ("year", "Year"), ("doi", "DOI"), ("arxiv", "arXiv id"), ("url", "URL")):
        if not out.get(name):
            answer = ask(f"{label} (empty if none)", default="", show_default=False).strip()
            out[name] = (int(answer) if name == "year" and answer.isdigit() else answer) or None
    for name, vocabulary, _ in entry_fields():
        if not vocabulary or name in ("type",) or out.get(name):
            continue
        known = term_ids(taxonomy, vocabulary)
        many = _is_list_field(name)
        while True:
            answer = ask(f"{name}: {'comma-separated, from' if many else 'one of'} {', '.join(known)} (empty to skip)",
                         default="", show_default=False)
            try:
                terms = resolve_terms(taxonomy, vocabulary, [a.strip() for a in answer.split(",") if a.strip()])
                if not many and len(terms) > 1:
                    raise DraftError(f"{name} takes one term, not {len(terms)}")
                out[name] = terms if many else (terms[0] if terms else None)
                break
            except DraftError as exc:
                echo(f"  {exc}", err=True)
    if not out.get("id"):
        suggested = derive_id(out.get("title") or "", [p["name"] for p in out.get("people", [])], out.get("year"))
        out["id"] = ask("Entry id (file name)", default=suggested).strip()
    return out
