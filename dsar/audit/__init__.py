"""The audit trails: one generic hash chain and verifier (chain), and the two trails built on it."""
