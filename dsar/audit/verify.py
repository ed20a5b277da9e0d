"""`dsar audit verify`: every chain, and every chain against the newest signed checkpoint."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dsar.audit.chain import BrokenLink
from dsar.audit.checkpoint import checkpoint_breaks, standing
from dsar.audit.request_trail import chain_breaks
from dsar.audit.staff_trail import verify_staff_chain


def audit_breaks(session: Session) -> list[BrokenLink]:
    """One line per broken chain or forged checkpoint, naming the request and event; [] if intact.

    A chain broken in itself is named by its first broken link; a chain intact in itself but
    short of, or different from, the newest signed checkpoint (a deleted request, a deleted
    last event with its head rewound, a rebuilt chain) by the checkpoint's event.
    """
    found = standing(session)
    breaks = chain_breaks(session, keyed_from=found.keyed_from("request_event"))
    staff = verify_staff_chain(session, keyed_from=found.keyed_from("staff_event"))
    breaks += [staff] if staff is not None else []
    named = {broken.chain for broken in breaks}
    return breaks + [b for b in checkpoint_breaks(session, found) if b.chain not in named]
