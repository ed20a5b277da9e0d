"""Answers anyone can verify: signed export manifests, letter receipts, their checks."""
