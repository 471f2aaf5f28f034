"""Did-you-mean for `draws_on`: difflib's answer for a small knowledge base, an equally close one for a big one."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

from survey.check.id_suggestions import IdSuggestions

REAL_IDS = sorted(p.stem for p in (Path(__file__).parents[2] / "entries").glob("*.yaml"))
WORDS = ("attacc", "neupims", "pim", "hbm", "dram", "newton", "aim", "gddr", "flash", "cxl", "sram", "rram", "llm",
         "kv", "cache", "attention", "bank", "near", "memory", "accel", "spec", "decode", "sparse", "tiny", "edge")
VENUES = ("asplos", "isca", "micro", "hpca", "dac", "iccad", "isscc", "vlsi", "date", "arxiv")


def fictional_ids(count: int, rng: random.Random) -> list[str]:
    """Ids shaped like real ones (words, a venue, a year), none of them a real work's."""
    found: set[str] = set()
    while len(found) < count:
        found.add("-".join(rng.sample(WORDS, rng.randint(1, 3))) + f"-{rng.choice(VENUES)}{rng.randint(15, 26)}")
    return sorted(found)


def typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard: a letter left out, doubled, replaced, or two letters swapped."""
    at = rng.randrange(len(text) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
    return rng.choice((text[:at] + text[at + 1:], text[:at] + text[at] + text[at:],
                       text[:at] + letter + text[at + 1:], text[:at] + text[at + 1] + text[at] + text[at + 2:]))


def ratio(first: str, second: str | None) -> float:
    return difflib.SequenceMatcher(None, first, second).ratio() if second else 0.0


def test_a_small_knowledge_base_gets_exactly_difflibs_suggestion() -> None:
    rng = random.Random(7)
    suggestions = IdSuggestions(REAL_IDS)
    for _ in range(200):
        word = typo(rng.choice(REAL_IDS), rng)
        expected = difflib.get_close_matches(word, REAL_IDS, n=1)
        assert suggestions.closest(word) == (expected[0] if expected else None), word


def test_a_big_knowledge_base_gets_a_suggestion_as_close_as_difflibs_best() -> None:
    rng = random.Random(11)
    ids = fictional_ids(2000, rng) + REAL_IDS
    indexed = IdSuggestions(ids, compare_all=100)  # the trigram index, as for a knowledge base above 1,000 entries
    known = set(ids)
    words = [w for w in (typo(rng.choice(ids), rng) for _ in range(40)) if w not in known]
    for word in words:
        best = difflib.get_close_matches(word, sorted(ids), n=1)
        assert ratio(word, indexed.closest(word)) == ratio(word, best[0] if best else None), word


def test_synthetic_numbered_ids_get_a_suggestion_as_close_as_difflibs_best() -> None:
    rng = random.Random(3)
    ids = [f"synthetic-{i:05d}" for i in range(3000)]
    indexed = IdSuggestions(ids, compare_all=100)
    for word in [typo(rng.choice(ids), rng) for _ in range(15)]:
        if word in ids:
            continue
        best = difflib.get_close_matches(word, ids, n=1)
        assert ratio(word, indexed.closest(word)) == ratio(word, best[0] if best else None), word


def test_a_reference_close_to_no_id_gets_no_suggestion_either_way() -> None:
    ids = fictional_ids(500, random.Random(5))
    for suggestions in (IdSuggestions(ids), IdSuggestions(ids, compare_all=10)):
        assert suggestions.closest("zzqx") is None
        assert suggestions.closest("") is None
    assert IdSuggestions([]).closest("attacc-asplos24") is None
    assert IdSuggestions([], compare_all=-1).closest("attacc-asplos24") is None
