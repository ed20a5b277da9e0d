"""Secure messages between staff and the subject of a request (docs/messages.md)."""
