"""Safe file access: atomic replacement, files that stay inside the knowledge base, the cache folder."""
