"""Contributor tools: `survey new` (scaffold), `survey fmt` (formatting), `survey import-bib`."""
