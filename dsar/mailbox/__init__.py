"""Inbound e-mail: IMAP mailboxes read into drafts; replies joined to their requests."""
