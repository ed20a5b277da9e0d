"""Demo staff and requests for the README's run command: deterministic, into an empty DB."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.accounts.models import Role, StaffUser
from dsar.accounts.operations import create_staff
from dsar.controllers.models import Controller
from dsar.requests.models import Request
from dsar.requests.operations import NewRequest, apply_action, create_request
from dsar.requests.workflow import Action, Channel, RequestType

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - development demo only, printed to the user
DEMO_STAFF = (
    ("dpo@demo.example", "Dana Datenschutz", Role.DPO),
    ("agent@demo.example", "Alex Agent", Role.AGENT),
    ("admin@demo.example", "Ada Admin", Role.ADMIN),
)
NAMES = (
    "Zoë Schmidt",
    "Jędrzej Kowalski",
    "Anna Müller-Lüdenscheidt",
    "山田 太郎",
    "Liam O'Brien",
    "Fatma Yılmaz",
    "Jonas Becker",
    "Sofia Rossi",
    "Mats Andersson",
    "Élodie Martin",
)


@dataclass(frozen=True)
class DemoResult:
    staff: tuple[str, ...]
    password: str
    requests: int


def database_is_empty(session: Session) -> bool:
    requests = session.execute(select(func.count()).select_from(Request)).scalar()
    staff = session.execute(select(func.count()).select_from(StaffUser)).scalar()
    return not requests and not staff


def load_demo(session: Session, controller: Controller, now: datetime) -> DemoResult:
    """Create demo staff and a spread of requests received over the last weeks."""
    rng = random.Random(2026)  # deterministic: the same demo every time
    staff = [
        create_staff(
            session, email=e, name=n, role=r, password=DEMO_PASSWORD, now=now, actor="system"
        )
        for e, n, r in DEMO_STAFF
    ]
    types = list(RequestType)
    channels = [Channel.WEB, Channel.WEB, Channel.WEB, Channel.EMAIL, Channel.POST]
    count = 24
    for index in range(count):
        name = NAMES[index % len(NAMES)]
        received = now - timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23))
        local = name.split()[0].lower().encode("ascii", "ignore").decode() or "subject"
        request = create_request(
            session,
            NewRequest(
                controller=controller,
                type=types[index % len(types)],
                channel=channels[index % len(channels)],
                language="de" if index % 2 else "en",
                subject_name=name,
                subject_email=f"{local}.{index}@example.org",
                details={"message": "Demo request"},
                received_at=received,
            ),
            actor="demo",
            now=received,
        ).request
        if index % 3 == 0:
            request.assignee = staff[1]
        if index % 4 == 1:
            apply_action(session, request, Action.VERIFY_IDENTITY, actor="demo", now=received)
            if index % 8 == 5:
                apply_action(session, request, Action.PREPARE_ANSWER, actor="demo", now=now)
    session.flush()
    return DemoResult(tuple(e for e, _, _ in DEMO_STAFF), DEMO_PASSWORD, count)
