"""Files to typed, located objects: YAML with source maps, entries, taxonomy, units, metadata, the knowledge base."""
