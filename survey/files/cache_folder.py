"""Where survey keeps what it may recompute: one folder inside the knowledge base, gitignored."""

CACHE_DIR = ".survey-cache"  # caches of the knowledge base (gitignored); anything in it may be deleted
