"""The taxonomy graph: challenges -> sub-challenges -> works, built with networkx, and a layout-free description."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx  # type: ignore[import-untyped]

    from survey.load.model import Entry
    from survey.load.taxonomy import Taxonomy

CHALLENGE_PREFIX = "challenge:"
WORK_PREFIX = "work:"


@dataclass(frozen=True)
class GraphNode:
    """One node: a challenge (layer 0), a sub-challenge (layer 1, ...) or a work (last layer)."""

    id: str  # "challenge:<term id>" or "work:<entry id>"
    kind: str  # "challenge", "sub-challenge" or "work"
    ref: str  # the taxonomy term id or entry id
    label: str
    layer: int
    order: int  # position within its layer, for drawing left to right
    parent: str | None = None  # node id of the parent challenge, for sub-challenges


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str


@dataclass(frozen=True)
class TaxonomyGraph:
    """Nodes and edges in a deterministic order; `nx` is the networkx graph they describe."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    nx: Any = field(default=None, compare=False, repr=False)

    def node(self, node_id: str) -> GraphNode:
        return next(n for n in self.nodes if n.id == node_id)

    def successors(self, node_id: str) -> list[str]:
        return [e.target for e in self.edges if e.source == node_id]

    @property
    def layers(self) -> list[list[GraphNode]]:
        depth = max((n.layer for n in self.nodes), default=-1)
        return [[n for n in self.nodes if n.layer == layer] for layer in range(depth + 1)]


def build_taxonomy_graph(taxonomy: Taxonomy, entries: Iterable[Entry]) -> TaxonomyGraph:
    """Challenges and sub-challenges from the taxonomy, with an edge to every work naming one of them."""
    import networkx as nx

    vocab = taxonomy["challenge"]
    graph: nx.DiGraph = nx.DiGraph()
    ordered_terms = _depth_first(vocab.roots(), vocab.children)
    for term_id in ordered_terms:
        term = vocab.terms[term_id]
        depth = len(vocab.ancestors(term_id))
        graph.add_node(CHALLENGE_PREFIX + term_id, kind="challenge" if depth == 0 else "sub-challenge",
                       ref=term_id, label=term.label, layer=depth)
        if term.parent and term.parent in vocab.terms:
            graph.add_edge(CHALLENGE_PREFIX + term.parent, CHALLENGE_PREFIX + term_id)
    work_layer = max((graph.nodes[n]["layer"] for n in graph.nodes), default=-1) + 1
    for entry in sorted(entries, key=lambda e: e.id):
        addressed = sorted({t.id for t in (vocab.resolve(c) for c in entry.challenges) if t is not None},
                           key=ordered_terms.index)
        if not addressed:
            continue
        graph.add_node(WORK_PREFIX + entry.id, kind="work", ref=entry.id, label=entry.title, layer=work_layer)
        for term_id in addressed:
            graph.add_edge(CHALLENGE_PREFIX + term_id, WORK_PREFIX + entry.id)
    return describe(graph)


def describe(graph: nx.DiGraph) -> TaxonomyGraph:
    """A layout-free description of `graph`: nodes by layer in insertion order, edges in node order."""
    position: dict[str, int] = {}
    nodes: list[GraphNode] = []
    counts: dict[int, int] = {}
    for node_id in sorted(graph.nodes, key=lambda n: graph.nodes[n]["layer"]):  # stable: keeps insertion order
        data = graph.nodes[node_id]
        order = counts.get(data["layer"], 0)
        counts[data["layer"]] = order + 1
        parents = [p for p in graph.predecessors(node_id) if graph.nodes[p]["kind"] != "work"]
        parent = parents[0] if data["kind"] == "sub-challenge" and parents else None
        nodes.append(GraphNode(node_id, data["kind"], data["ref"], data["label"], data["layer"], order, parent))
        position[node_id] = len(position)
    edges = sorted((GraphEdge(s, t) for s, t in graph.edges), key=lambda e: (position[e.source], position[e.target]))
    return TaxonomyGraph(nodes, edges, graph)


def _depth_first(roots: list[str], children: Any) -> list[str]:
    ordered: list[str] = []

    def visit(term_id: str) -> None:
        if term_id in ordered:
            return
        ordered.append(term_id)
        for child in children(term_id):
            visit(child)

    for root in roots:
        visit(root)
    return ordered
