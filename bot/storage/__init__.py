"""Safe persistence: atomic files and the SQLite operational store."""
