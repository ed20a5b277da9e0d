"""The audit trails: one hash chain per request and one for staff accounts, and their verifiers."""
