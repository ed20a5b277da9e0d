"""Signed webhooks: endpoints per controller, the events they receive, queued in the outbox."""
