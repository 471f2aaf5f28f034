"""The survey's co-author list, format-neutral: who, in which order, with which affiliations and consent.

Order: the groups follow `coauthors.roles` in paper/metadata.yaml (chairs, speakers, presenters); chairs keep
the metadata's order, every other group is sorted by family name.

Name rule (documented for contributors): the family name is the last word of `name`, together with the
particles before it (van, von, der, de, la, di, du, ...). Lower-case particles (`Anna van der Berg`) are
name particles and are ignored for sorting (she sorts under B); capitalised ones (`Martin Van Buren`) belong to
the family name and sort with it (under V). Hyphenated names (`Juan Gómez-Luna`) are one family name.
`Family, Given` with a comma gives the parts explicitly, and `family_name` in paper/metadata.yaml overrides the
rule for one person (Spanish double surnames, family-name-first romanisation). Sorting ignores case, accents
and letters such as Ł or ß (Łukasz sorts as Lukasz, Müller as Muller). A name in Chinese, Japanese or Korean
characters alone is read family name first; `name_native` beside a romanised `name` is only displayed.

Identity: two records are the same person when they share an ORCID; else, when both have e-mail addresses,
when they share one; else when their names fold to the same text (or their `name_native` are equal).

Consent: the person's note under `people:` in paper/metadata.yaml, else the strongest state their entries give
(declined > confirmed > invited), else the default of their role (`coauthors.default_consent`). Only the states
in `coauthors.listed` are printed in the draft, and a refusal never is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from survey.report.diagnostics import Diagnostic, Location, warning

if TYPE_CHECKING:
    from survey.load.knowledge_base import KnowledgeBase
    from survey.load.metadata import CoauthorPolicy, Metadata, Place

CONSENT_STATES = ("confirmed", "invited", "declined")

_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "delle", "di", "da", "dos", "das", "du",
                        "la", "le", "les", "ten", "ter", "zu", "zur"})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Letters that Unicode does not decompose into a base letter plus accents.
_UNDECOMPOSABLE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d",
                                 "Þ": "Th", "þ": "th", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
                                 "ı": "i", "Ħ": "H", "ħ": "h"})


def fold(text: str) -> str:
    """Text for comparing and sorting names: no accents, no case, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(c, "").startswith(("CJK UNIFIED", "HANGUL", "HIRAGANA", "KATAKANA")) for c in text)


@dataclass(frozen=True)
class NameParts:
    """A personal name split for sorting and for CITATION.cff."""

    given: str
    particle: str  # lower-case particles such as 'van der', ignored for sorting
    family: str    # 'Berg', 'Gómez-Luna', 'Van Buren'
    suffix: str = ""

    @property
    def family_with_particle(self) -> str:
        return f"{self.particle} {self.family}".strip()

    def sort_key(self) -> tuple[str, str, str]:
        return fold(self.family), fold(self.given), fold(self.particle)


def split_name(name: str, family_name: str | None = None) -> NameParts:
    """Split `name` by the documented rule; `family_name` overrides it."""
    name = " ".join(name.split())
    if family_name:
        family_name = " ".join(family_name.split())
        given = name.replace(family_name, " ", 1) if family_name in name else name
        return _with_particles(" ".join(given.split()), family_name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return _with_particles(given, family.split())
    if _is_cjk(name) and " " not in name:
        return NameParts(given=name[1:], particle="", family=name[:1])
    tokens = name.split()
    suffix = ""
    if len(tokens) > 2 and tokens[-1].lower() in _SUFFIXES:
        suffix = tokens.pop()
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    parts = _with_particles(" ".join(tokens[:start]), tokens[start:])
    return NameParts(parts.given, parts.particle, parts.family, suffix)


def _with_particles(given: str, family_tokens: list[str]) -> NameParts:
    """Leading lower-case particles of the family name become the name particle."""
    split = 0
    while split < len(family_tokens) - 1 and family_tokens[split].islower() \
            and family_tokens[split] in _PARTICLES:
        split += 1
    return NameParts(given=given, particle=" ".join(family_tokens[:split]), family=" ".join(family_tokens[split:]))


@dataclass(frozen=True)
class Affiliation:
    """An institution as printed; `city` and `country` are None when paper/metadata.yaml does not say."""

    name: str
    city: str | None = None
    country: str | None = None

    @property
    def key(self) -> str:
        return fold(self.name)


@dataclass(frozen=True)
class Author:
    """One co-author, merged over all the records (chair list, entries) that name them."""

    name: str
    parts: NameParts
    role: str
    consent: str
    affiliations: tuple[Affiliation, ...] = ()
    name_native: str | None = None
    position: str | None = None  # 'chair' or 'co-chair' for the chairs
    emails: tuple[str, ...] = ()
    orcid: str | None = None
    entries: tuple[str, ...] = ()  # ids of the entries that name them

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None


@dataclass(frozen=True)
class AuthorList:
    """Co-authors in print order; affiliations are numbered by first appearance and shared."""

    authors: tuple[Author, ...]
    listed_states: frozenset[str] = frozenset({"confirmed"})
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def affiliations(self) -> tuple[Affiliation, ...]:
        seen: dict[str, Affiliation] = {}
        for author in self.authors:
            for affiliation in author.affiliations:
                seen.setdefault(affiliation.key, affiliation)
        return tuple(seen.values())

    def affiliation_numbers(self, author: Author) -> list[int]:
        """1-based numbers of the author's affiliations in this list."""
        numbers = {a.key: i for i, a in enumerate(self.affiliations, start=1)}
        return [numbers[a.key] for a in author.affiliations]

    def may_appear(self, author: Author) -> bool:
        return author.consent != "declined" and author.consent in self.listed_states

    def listed(self) -> AuthorList:
        """Only those who may appear in the draft (affiliations renumbered)."""
        return AuthorList(tuple(a for a in self.authors if self.may_appear(a)), self.listed_states, self.diagnostics)

    def pending(self) -> list[Author]:
        return [a for a in self.authors if a.consent == "invited"]

    def declined(self) -> list[Author]:
        return [a for a in self.authors if a.consent == "declined"]


@dataclass
class _Record:
    """One mention of a co-author: a chair in paper/metadata.yaml or a person on an entry."""

    name: str
    role: str
    name_native: str | None = None
    affiliations: list[str] = field(default_factory=list)
    email: str | None = None
    orcid: str | None = None
    consent: str | None = None
    position: str | None = None
    family_name: str | None = None
    entry: str | None = None
    location: Location | None = None
    affiliation_locations: list[Location] = field(default_factory=list)  # of each of `affiliations`


@dataclass
class _Identity:
    """What identifies a person seen so far (all their ORCIDs, e-mails, folded names, native names)."""

    orcids: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    natives: set[str] = field(default_factory=set)

    def add(self, orcid: str | None, email: str | None, name: str, native: str | None) -> None:
        if orcid:
            self.orcids.add(orcid.upper())
        if email:
            self.emails.add(email.lower())
        self.names.add(fold(name))
        if native:
            self.natives.add(native.strip())

    def matches(self, orcid: str | None, email: str | None, name: str, native: str | None) -> bool:
        """ORCID decides when both have one; else e-mail when both have one; else the name."""
        if orcid and self.orcids:
            return orcid.upper() in self.orcids
        if email and self.emails:
            return email.lower() in self.emails
        return fold(name) in self.names or bool(native and native.strip() in self.natives)


def _identity_keys(orcid: str | None, email: str | None, name: str, native: str | None) -> list[tuple[str, str]]:
    """What _Identity.add records for these values, as keys of one index."""
    keys = [("name", fold(name))]
    if orcid:
        keys.append(("orcid", orcid.upper()))
    if email:
        keys.append(("email", email.lower()))
    if native:
        keys.append(("native", native.strip()))
    return keys


def build_author_list(kb: KnowledgeBase, metadata: Metadata | None) -> AuthorList:
    """The co-author list: chairs (metadata order), then speakers, then presenters, each by family name."""
    from survey.load.metadata import CoauthorPolicy as DefaultPolicy

    policy = metadata.coauthors if metadata else DefaultPolicy()
    records = _chair_records(metadata) + _entry_records(kb, policy.roles)
    groups: list[tuple[_Identity, list[_Record]]] = []
    # A group can match only if it shares an ORCID, e-mail, folded name or native name with the record: look at
    # those groups alone (in their order), so that grouping stays linear in the number of co-authors.
    holders: dict[tuple[str, str], set[int]] = {}
    for record in records:
        keys = _identity_keys(record.orcid, record.email, record.name, record.name_native)
        candidates = sorted(set().union(*(holders.get(key, set()) for key in keys)))
        match = next((i for i in candidates
                      if groups[i][0].matches(record.orcid, record.email, record.name, record.name_native)), None)
        if match is None:
            match = len(groups)
            groups.append((_Identity(), []))
        identity, members = groups[match]
        members.append(record)
        identity.add(record.orcid, record.email, record.name, record.name_native)
        for key in keys:
            holders.setdefault(key, set()).add(match)

    diagnostics: list[Diagnostic] = []
    notes = _person_notes(metadata, groups, diagnostics)
    places = {fold(name): place for name, place in (metadata.affiliations.items() if metadata else [])}
    authors = [_merge(members, notes.get(index, {}), policy, places) for index, (_, members) in enumerate(groups)]
    diagnostics.extend(_missing_countries(groups, places))

    rank = {role: i for i, role in enumerate(policy.roles)}
    chair_order = {id(a): i for i, a in enumerate(a for a in authors if a.role == "chair")}

    def order(author: Author) -> tuple[Any, ...]:
        within = (chair_order[id(author)],) if author.role == "chair" else author.parts.sort_key()
        return rank.get(author.role, len(rank)), within, fold(author.name), author.name

    return AuthorList(tuple(sorted(authors, key=order)), frozenset(policy.listed), tuple(diagnostics))


def _chair_records(metadata: Metadata | None) -> list[_Record]:
    if metadata is None:
        return []
    return [_Record(name=c.name, role="chair", name_native=c.name_native, affiliations=list(c.affiliations),
                    email=c.email, orcid=c.orcid, consent=c.consent, position=c.position,
                    family_name=c.family_name, location=metadata.locate("chairs", i),
                    affiliation_locations=[metadata.locate("chairs", i, "affiliations", j)
                                           for j in range(len(c.affiliations))])
            for i, c in enumerate(metadata.chairs)]


def _entry_records(kb: KnowledgeBase, roles: list[str]) -> list[_Record]:
    vocabulary = kb.taxonomy["role"] if kb.taxonomy and "role" in kb.taxonomy.vocabularies else None
    records: list[_Record] = []
    for entry in sorted(kb.entries, key=lambda e: e.id):
        for index, person in enumerate(entry.people):
            term = vocabulary.resolve(person.role) if vocabulary and person.role else None
            role = term.id if term else person.role
            if role not in roles:
                continue
            records.append(_Record(name=person.name, role=role, name_native=person.name_native,
                                   affiliations=list(person.affiliations), email=person.email, orcid=person.orcid,
                                   consent=person.consent, entry=entry.id,
                                   location=entry.locate("people", index, "name"),
                                   affiliation_locations=[entry.locate("people", index, "affiliations", j)
                                                          for j in range(len(person.affiliations))]))
    return records


def _person_notes(metadata: Metadata | None, groups: list[tuple[_Identity, list[_Record]]],
                  diagnostics: list[Diagnostic]) -> dict[int, dict[str, str]]:
    """Consent and family name from `people:` in paper/metadata.yaml, by group index; unmatched notes warn."""
    found: dict[int, dict[str, str]] = {}
    if metadata is None:
        return found
    for index, note in enumerate(metadata.people):
        match = next((i for i, (identity, _) in enumerate(groups)
                      if identity.matches(note.orcid, note.email, note.name, None)), None)
        if match is None:
            diagnostics.append(warning(metadata.locate("people", index, "name"), "unknown-person",
                                       f"'{note.name}' is not a co-author of any entry",
                                       "check the spelling against the entry, or remove the note"))
            continue
        if note.consent:
            found.setdefault(match, {})["consent"] = note.consent
        if note.family_name:
            found.setdefault(match, {})["family_name"] = note.family_name
    return found


def _merge(records: list[_Record], note: dict[str, str], policy: CoauthorPolicy, places: dict[str, Place]) -> Author:
    first = records[0]
    rank = {role: i for i, role in enumerate(policy.roles)}
    role = min((r.role for r in records), key=lambda r: rank.get(r, len(rank)))
    consent = note.get("consent") or _strongest_consent([r.consent for r in records]) \
        or policy.consent_for_role(role)
    family_name = note.get("family_name") or next((r.family_name for r in records if r.family_name), None)
    affiliations: dict[str, Affiliation] = {}
    for record in records:
        for name in record.affiliations:
            affiliation = _place(name, places)
            affiliations.setdefault(affiliation.key, affiliation)
    return Author(
        name=first.name,
        parts=split_name(first.name, family_name),
        role=role,
        consent=consent,
        affiliations=tuple(affiliations.values()),
        name_native=next((r.name_native for r in records if r.name_native), None),
        position=next((r.position for r in records if r.position), None),
        emails=tuple(dict.fromkeys(r.email for r in records if r.email)),
        orcid=next((r.orcid for r in records if r.orcid), None),
        entries=tuple(sorted({r.entry for r in records if r.entry})),
    )


def _strongest_consent(states: list[str | None]) -> str | None:
    """A refusal anywhere wins, then a confirmation, then an invitation."""
    for state in ("declined", "confirmed", "invited"):
        if state in states:
            return state
    return None


def _place(name: str, places: dict[str, Place]) -> Affiliation:
    place = places.get(fold(name))
    if place is None:
        return Affiliation(name=name)
    return Affiliation(name=place.name or name, city=place.city, country=place.country)


def _missing_countries(groups: list[tuple[_Identity, list[_Record]]],
                       places: dict[str, Place]) -> list[Diagnostic]:
    """A warning at each file's first mention of a co-author's affiliation that has no country (acmart prints
    one for every affiliation; without it the byline says '[country unknown ...]')."""
    found: dict[tuple[str, str], Diagnostic] = {}
    for _, records in groups:
        for record in records:
            for index, name in enumerate(record.affiliations):
                place = places.get(fold(name))
                if place is not None and place.country:
                    continue
                where = (record.affiliation_locations[index] if index < len(record.affiliations) and
                         index < len(record.affiliation_locations) else record.location) \
                    or Location("paper/metadata.yaml")
                found.setdefault((where.path, fold(name)), warning(
                    where, "affiliation-without-country",
                    f"affiliation '{name}' of co-author {record.name} has no country for the byline",
                    f"add `{name}: {{city: ..., country: ...}}` under `affiliations:` in paper/metadata.yaml"))
    return list(found.values())


def author_records(authors: AuthorList) -> list[dict[str, Any]]:
    """Plain rows for JSON and CSV output: one per author, in order, with affiliation numbers."""
    return [{
        "number": number,
        "name": a.name,
        "name_native": a.name_native,
        "given_names": a.parts.given,
        "name_particle": a.parts.particle,
        "family_names": a.parts.family,
        "name_suffix": a.parts.suffix,
        "role": a.role,
        "position": a.position,
        "consent": a.consent,
        "listed": authors.may_appear(a),
        "affiliations": authors.affiliation_numbers(a),
        "emails": list(a.emails),
        "orcid": a.orcid,
        "entries": list(a.entries),
    } for number, a in enumerate(authors.authors, start=1)]


def affiliation_records(authors: AuthorList) -> list[dict[str, Any]]:
    return [{"number": n, "name": a.name, "city": a.city, "country": a.country}
            for n, a in enumerate(authors.affiliations, start=1)]
