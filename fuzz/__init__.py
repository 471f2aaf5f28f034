"""Fuzzing of the loader, checker, query parser, BibTeX import and LaTeX escaping (run it with fuzz/run.py)."""
