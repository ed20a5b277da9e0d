"""The audit chain's starting value, shared by the models and dsar.audit."""

GENESIS = "0" * 64
