"""`python -m dsar` is the `dsar` command."""

from dsar.cli import main

main()
