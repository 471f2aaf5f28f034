"""Derive: format-neutral views of the knowledge base (tables, metrics, coverage, graph, figures). No markup here."""
