"""The demo controller: a fictional Berlin shop whose register reads a generated SQLite file."""
