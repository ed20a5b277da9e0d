"""Outgoing mail: the outbox model, the one way to queue a message, and its dispatcher."""
