"""Did-you-mean for entry ids, at a bounded cost however many entries the knowledge base holds.

`difflib.get_close_matches` compares a word with every candidate; over 10,000 entry ids that costs tens of
milliseconds for each unknown `draws_on` reference. Up to `COMPARE_ALL` ids it is still asked directly. Above,
an index of the ids' letter trigrams picks the `CANDIDATES` ids that share the most uncommon trigrams with the
reference (reading posting lists rarest first, within a budget), and difflib chooses among those: a typo keeps
most trigrams of the id it was meant to be, so that id is among the candidates.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable

COMPARE_ALL = 1000  # up to this many ids, difflib compares with each (cheap enough, and exactly its answer)
CANDIDATES = 40  # ids difflib compares with above that
POSTINGS_BUDGET = 20000  # ids read from the trigram index per reference, beyond its rarest trigram


def _trigrams(text: str) -> set[str]:
    padded = f"\0{text}\0"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class IdSuggestions:
    """The closest known id to a misspelt one, or None when none is close (difflib's cutoff of 0.6)."""

    def __init__(self, ids: Iterable[str], compare_all: int = COMPARE_ALL) -> None:
        self._ids = sorted(ids)
        self._compare_all = compare_all
        self._index: dict[str, list[int]] | None = None

    def closest(self, word: str) -> str | None:
        found = difflib.get_close_matches(word, self._candidates(word), n=1)
        return found[0] if found else None

    def _candidates(self, word: str) -> list[str]:
        if len(self._ids) <= self._compare_all:
            return self._ids
        index = self._trigram_index()
        lists = sorted((index[gram] for gram in _trigrams(word) if gram in index), key=len)
        shared: Counter[int] = Counter()
        read = 0
        for number, postings in enumerate(lists):
            if number and read + len(postings) > POSTINGS_BUDGET:
                break
            shared.update(postings)
            read += len(postings)
        return [self._ids[number] for number, _ in shared.most_common(CANDIDATES)]  # ties: in id order

    def _trigram_index(self) -> dict[str, list[int]]:
        if self._index is None:
            index: dict[str, list[int]] = {}
            for number, entry_id in enumerate(self._ids):
                for gram in _trigrams(entry_id):
                    index.setdefault(gram, []).append(number)
            self._index = index
        return self._index
