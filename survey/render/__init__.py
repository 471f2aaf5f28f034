"""Backends: the LaTeX paper and its bibliography, query exports, CITATION.cff, the JSON Schema of an entry."""
