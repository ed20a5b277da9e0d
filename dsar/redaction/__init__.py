"""Redacted copies of documents in a subject's copy (Art. 15(4)): docs/redaction.md."""
