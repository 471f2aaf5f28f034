"""One person, one spelling: the same person written two ways across entries is a warning."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from survey.load.model import Entry
from survey.report.diagnostics import Diagnostic, Location, one_line, warning


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_tokens(name: str) -> tuple[list[str], str]:
    """Given-name tokens and the family name of a 'Given Family' name, folded for comparison."""
    words = _fold(name).replace(".", ". ").replace(",", " ").split()
    if not words:
        return [], ""
    given: list[str] = []
    for word in words[:-1]:
        parts = [part.strip(".") for part in word.split("-") if part.strip(".")]
        # a hyphenated given name ('Jin-Seong') is one name, not a name and a middle name; initials ('J.-S.') stay
        # initials
        given.extend(parts if all(len(part) == 1 for part in parts) else ["".join(parts)])
    return given, words[-1].replace("-", "").rstrip(".")


def _token_matches(short: str, long: str) -> tuple[bool, bool]:
    """(matches, matched as a full word): 'x' matches 'xiaobo' as an initial, 'sharon' matches 'sharon' fully."""
    if short == long:
        return True, len(short) > 1
    if len(short) == 1 and long.startswith(short):
        return True, False
    if len(long) == 1 and short.startswith(long):
        return True, False
    return False, False


def same_person(first: str, second: str) -> bool:
    """Whether two differently written names are very likely one person.

    Same family name, and the given names of one align in order with those of the other (each word equal, or an
    initial of it), with at least one whole given name in common or the same number of given names; so
    'X. Sharon Hu', 'Xiaobo Sharon Hu' and 'Sharon Hu' are one person, while 'J. Kim' and 'Jaehyun Kim' are not
    claimed to be.
    """
    given_a, family_a = name_tokens(first)
    given_b, family_b = name_tokens(second)
    if not family_a or family_a != family_b:
        return False
    if "".join(given_a) == "".join(given_b):  # 'Jung Ho' and 'Jung-Ho', 'Yu' and 'Yu.'
        return True
    short, long = sorted((given_a, given_b), key=len)
    if not short:
        return False
    position, whole = 0, False
    for token in short:
        while position < len(long):
            matched, full = _token_matches(token, long[position])
            position += 1
            if matched:
                whole = whole or full
                break
        else:
            return False
    return whole or len(short) == len(long) > 1


def check_spellings(entries: list[Entry]) -> list[Diagnostic]:
    """A warning at each spelling of a person that differs from the first spelling met (by file order)."""
    seen: dict[str, list[tuple[str, str | None, Location]]] = defaultdict(list)
    out: list[Diagnostic] = []
    reported: set[tuple[str, str]] = set()
    apart = {frozenset((_fold(person.name), _fold(other))) for entry in entries for person in entry.people
             for other in person.not_same_as}  # pairs an entry says are two people
    for entry in entries:
        for index, person in enumerate(entry.people):
            _, family = name_tokens(person.name)
            if not family:
                continue
            spellings = seen[family]
            for name, orcid, where in spellings:
                if name == person.name or (orcid and person.orcid and orcid != person.orcid):
                    continue
                if where.path == entry.path:  # two people of one author list are two people
                    continue
                if frozenset((_fold(name), _fold(person.name))) in apart:
                    continue
                if (orcid and person.orcid == orcid) or same_person(name, person.name):
                    pair = (name, person.name)
                    if pair not in reported:
                        reported.add(pair)
                        out.append(warning(entry.locate("people", index, "name"), "person-spelling",
                                           f"'{one_line(person.name)}' looks like '{one_line(name)}' "
                                           f"written another way ({where.path})",
                                           "write one person's name the same way in every entry; if they are "
                                           "two people, give both their ORCID iDs, or add `not_same_as: "
                                           f"[{one_line(name)}]` to this person", related=[where]))
                    break
            if all(name != person.name for name, _, _ in spellings):
                spellings.append((person.name, person.orcid, entry.locate("people", index, "name")))
    return out
