"""Commands of the `dsar` CLI, one module each; `dsar.cli` registers them."""
