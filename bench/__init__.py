"""`make bench`: Sahl served as in production, driven by wrk, next to a bare asyncpg floor."""
