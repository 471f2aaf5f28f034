"""paper/metadata.yaml: the editors' data (title, chairs, workshop, co-author policy, keywords, CCS concepts).

Loaded like an entry: safe located YAML, a strict pydantic model, and located diagnostics with did-you-mean
hints for unknown fields and unknown roles.
"""

from __future__ import annotations

import datetime
import difflib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from survey.load.identifiers import email_problem, orcid_problem
from survey.load.model_errors import diagnostics_from_validation
from survey.load.yamlsource import SourceMap, read_yaml_file
from survey.report.diagnostics import Diagnostic, Location, error, warning

METADATA_FILE = Path("paper") / "metadata.yaml"

Consent = Literal["invited", "confirmed", "declined"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Chair(_Strict):
    """A workshop chair: an editor of the survey and one of its first authors."""

    name: str = Field(min_length=1)
    name_native: str | None = None
    position: Literal["chair", "co-chair"] = "chair"
    affiliations: list[str] = Field(default_factory=list)
    email: str | None = None
    orcid: str | None = None
    consent: Consent = "confirmed"
    family_name: str | None = Field(None, description="Family name, when the last word of `name` is not it.")


class Workshop(_Strict):
    name: str
    full_name: str | None = None
    colocated_with: str | None = None
    date: datetime.date | None = None
    url: str | None = None


class CoauthorPolicy(_Strict):
    """Which roles become co-authors, and which consent states are printed in the draft."""

    roles: list[str] = Field(default_factory=lambda: ["chair", "speaker", "presenter"], min_length=1)
    listed: list[Consent] = Field(default_factory=lambda: list[Consent](["confirmed"]))
    default_consent: dict[str, Consent] = Field(default_factory=dict)

    def consent_for_role(self, role: str) -> Consent:
        return self.default_consent.get(role, "confirmed" if role == "chair" else "invited")


class PersonNote(_Strict):
    """What the editors know about one person: consent, and name parts the simple rule gets wrong."""

    name: str = Field(min_length=1)
    orcid: str | None = None
    email: str | None = None
    consent: Consent | None = None
    family_name: str | None = Field(None, description="Family name, when the last word of `name` is not it.")


class Place(_Strict):
    """Where an institution is; `name` replaces an abbreviated affiliation in print."""

    name: str | None = None
    city: str | None = None
    country: str | None = None


class CcsConcept(_Strict):
    concept: str = Field(pattern=r"^[^~]+(~[^~]+)+$",
                         description="ACM CCS 2012 path, e.g. Hardware~Emerging architectures")
    significance: Literal[100, 300, 500] = 300
    id: str | None = Field(None, pattern=r"^\d+(\.\d+)*$",
                           description="The concept's id from dl.acm.org/ccs (e.g. 10010583.10010786), for CCSXML.")


class Citation(_Strict):
    title: str | None = None
    message: str = "If you use this knowledge base, please cite it as below."


class Contribution(_Strict):
    """What one author did, in CRediT roles (taxonomy.yaml, vocabulary `credit-role`)."""

    name: str = Field(min_length=1)
    roles: list[str] = Field(min_length=1)


class History(_Strict):
    """Dates of the manuscript, as the editors write them (e.g. '20 February 2026')."""

    received: str | None = None
    revised: str | None = None
    accepted: str | None = None


class Metadata(_Strict):
    """The whole of paper/metadata.yaml."""

    title: str = Field(min_length=1)
    short_title: str | None = None
    abstract: str | None = None
    workshop: Workshop
    chairs: list[Chair] = Field(min_length=1)
    coauthors: CoauthorPolicy = Field(default_factory=CoauthorPolicy)
    people: list[PersonNote] = Field(default_factory=list)
    affiliations: dict[str, Place] = Field(default_factory=dict)
    keywords: list[str] = Field(default_factory=list)
    ccs: list[CcsConcept] = Field(default_factory=list)
    ieee_keywords: list[str] = Field(default_factory=list)
    citation: Citation = Field(default_factory=Citation)
    contributions: list[Contribution] = Field(default_factory=list)
    history: History = Field(default_factory=History)
    funding: str | None = Field(None, description="Funding statement, e.g. 'This work was supported by ...'.")

    _source: SourceMap | None = None

    def locate(self, *path: str | int) -> Location:
        """Where the value at `path` was written (the file itself when unknown)."""
        if self._source is None:
            return Location(str(METADATA_FILE))
        return self._source.locate(tuple(path))


def load_metadata(root: Path) -> tuple[Metadata | None, list[Diagnostic]]:
    """Read and validate root/paper/metadata.yaml; a missing file is a warning, not an error."""
    from survey.files.repository_paths import outside_repository
    from survey.load.knowledge_base import display_path

    path = root / METADATA_FILE
    shown = display_path(path)
    refused = outside_repository(path, root, shown)
    if refused is not None:
        return None, [refused]
    if not path.is_file():
        return None, [warning(Location(shown), "missing-metadata", f"no {METADATA_FILE} in {display_path(root)}",
                              "without it there are no chairs and the default co-author policy applies")]
    loaded = read_yaml_file(str(path), shown)
    if loaded.fatal:
        return None, loaded.diagnostics
    diagnostics = list(loaded.diagnostics)
    if not isinstance(loaded.data, dict):
        diagnostics.append(error(loaded.source.locate(()), "not-a-mapping",
                                 "paper/metadata.yaml must be a mapping of fields", "start with `title: ...`"))
        return None, diagnostics
    try:
        metadata = Metadata.model_validate(loaded.data)
    except ValidationError as exc:
        return None, diagnostics + diagnostics_from_validation(exc, loaded.data, loaded.source, Metadata)
    metadata._source = loaded.source
    diagnostics.extend(_semantic_problems(metadata, root))
    return metadata, diagnostics


def _semantic_problems(metadata: Metadata, root: Path) -> list[Diagnostic]:
    """What the model cannot see: identifiers, roles known to the taxonomy, a policy that makes sense."""
    found: list[Diagnostic] = []
    people: list[tuple[str, int, Chair | PersonNote]] = [("chairs", i, c) for i, c in enumerate(metadata.chairs)]
    people += [("people", i, p) for i, p in enumerate(metadata.people)]
    for group, index, person in people:
        if person.email and (problem := email_problem(person.email)):
            found.append(error(metadata.locate(group, index, "email"), "invalid-email",
                               f"'{person.email}' is not an e-mail address", problem))
        if person.orcid and (problem := orcid_problem(person.orcid)):
            found.append(error(metadata.locate(group, index, "orcid"), "invalid-orcid",
                               f"'{person.orcid}' is not a valid ORCID iD", problem))
    policy = metadata.coauthors
    if "declined" in policy.listed:
        index = policy.listed.index("declined")
        found.append(error(metadata.locate("coauthors", "listed", index), "listed-declined",
                           "people who declined can never be listed as co-authors", "remove 'declined'"))
    known_roles = _taxonomy_roles(root)
    if known_roles:
        for index, role in enumerate(policy.roles):
            if role not in known_roles:
                guess = difflib.get_close_matches(role, sorted(known_roles), n=1, cutoff=0.6)
                found.append(error(metadata.locate("coauthors", "roles", index), "unknown-term",
                                   f"role '{role}' is not in taxonomy.yaml",
                                   f"did you mean '{guess[0]}'?" if guess else
                                   f"known roles: {', '.join(sorted(known_roles))}"))
    credit = _taxonomy_terms(root, "credit-role")
    for index, contribution in enumerate(metadata.contributions):
        for position, role in enumerate(contribution.roles):
            if credit and role not in credit:
                guess = difflib.get_close_matches(role, sorted(credit), n=1, cutoff=0.6)
                found.append(error(metadata.locate("contributions", index, "roles", position), "unknown-term",
                                   f"CRediT role '{role}' is not in taxonomy.yaml",
                                   f"did you mean '{guess[0]}'?" if guess else
                                   "see the 'credit-role' vocabulary in taxonomy.yaml"))
    for role in policy.default_consent:
        if role not in policy.roles:
            found.append(warning(metadata.locate("coauthors", "default_consent", role), "unused-consent-role",
                                 f"default consent for '{role}', which is not a co-author role",
                                 f"co-author roles: {', '.join(policy.roles)}"))
    return found


def _taxonomy_roles(root: Path) -> set[str]:
    """Role ids from taxonomy.yaml (empty when it cannot be read; `survey check` reports that)."""
    return _taxonomy_terms(root, "role")


def _taxonomy_terms(root: Path, name: str) -> set[str]:
    """Term ids of one vocabulary of taxonomy.yaml (empty when it or the vocabulary is missing)."""
    from survey.load.taxonomy import load_taxonomy

    path = root / "taxonomy.yaml"
    if not path.is_file():
        return set()
    taxonomy, _ = load_taxonomy(str(path))
    if taxonomy is None:
        return set()
    try:
        vocabulary = taxonomy[name]
    except KeyError:
        return set()
    return {term.id for term in vocabulary}


# --- validation errors -> located diagnostics --------------------------------------------------------------------

