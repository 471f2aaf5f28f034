"""The query language, its index over the knowledge base, and the cache of that index."""
