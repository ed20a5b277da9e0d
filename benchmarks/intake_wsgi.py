"""gunicorn entry point for the intake benchmark: the real app, configured from DSAR_* variables."""

from dsar import create_app

app = create_app()
