"""Every rule an entry and the knowledge base must satisfy, as diagnostics; `check --changed`."""
