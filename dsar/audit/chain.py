"""The audit chain's starting value, shared by the models and dsar.audit.request_trail."""

GENESIS = "0" * 64
