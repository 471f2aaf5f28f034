"""Terms as views show them: canonical ids in taxonomy order, labels, families; the one value of a list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from survey.load.taxonomy import Vocabulary


def canonical(vocab: Vocabulary, text: str | None) -> str | None:
    term = vocab.resolve(text) if text else None
    return term.id if term else None


def canonical_all(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    """Known term ids for `texts`, deduplicated, in taxonomy order."""
    found = {t for t in (canonical(vocab, x) for x in texts) if t}
    order = list(vocab.terms)
    return sorted(found, key=order.index)


def term_labels(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    """Labels of the known terms, then unknown words as written (sorted), so nothing silently disappears."""
    texts = list(texts)
    known = [vocab.terms[t].label for t in canonical_all(vocab, texts)]
    return known + sorted({x for x in texts if canonical(vocab, x) is None})


def term_label(vocab: Vocabulary, text: str | None) -> str | None:
    if not text:
        return None
    term = vocab.resolve(text)
    return term.label if term else text


def root_ids(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    roots = {vocab.root(t) for t in canonical_all(vocab, texts)}
    order = list(vocab.terms)
    return sorted(roots, key=order.index)


def memory_family(vocab: Vocabulary, term_id: str) -> str:
    """The second level of the memory hierarchy above `term_id` (hbm3 -> dram); a root stays itself."""
    chain = [term_id, *vocab.ancestors(term_id)]
    return chain[-2] if len(chain) >= 2 else chain[-1]


def memory_families(vocab: Vocabulary, texts: Iterable[str]) -> list[str]:
    order = list(vocab.terms)
    return sorted({memory_family(vocab, t) for t in canonical_all(vocab, texts)}, key=order.index)


def single(values: Sequence[str | None]) -> str | None:
    distinct = sorted({v for v in values if v})
    return distinct[0] if len(distinct) == 1 else None
