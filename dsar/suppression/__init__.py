"""The suppression list (who must not be contacted or re-imported) and erasure tombstones
(what an erasure did, so it can be done again after a backup is restored); both keep lookup
values only as salted HMACs (docs/suppression.md)."""
