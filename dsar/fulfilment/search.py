"""Search every source for a verified subject; record counts and samples; blockers.

An unreachable source, or one that does not match the register, is recorded as such and
blocks the export and completion: dsar never answers with a silently partial export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.fulfilment.claims import check_claims, claim_blockers, verified_subject
from dsar.fulfilment.manual_findings import findings_of
from dsar.fulfilment.manual_tasks import open_manual_task, tasks_of
from dsar.fulfilment.models import FindingStatus, SearchFinding, SearchRun
from dsar.redaction.operations import redaction_blockers
from dsar.register import Register, find_register
from dsar.register.datasources import (
    Column,
    FileField,
    FileSource,
    ManualSource,
    SqlSource,
)
from dsar.representatives.gate import disclosure_allowed, representation_blockers
from dsar.requests.models import Request
from dsar.requests.workflow import Status, Verification
from dsar.sources import Connector, RegisterMismatch, SourceUnreachable, Subject, connector_for
from dsar.sources.base import PartFound

SAMPLE_SIZE = 3
ConnectorFactory = Callable[[SqlSource | FileSource | ManualSource], Connector | None]


class FulfilmentError(Exception):
    """The request cannot be searched or exported now; the message says why."""


def identity_settled(request: Request) -> bool:
    """Verified, or in progress (the workflow moves there only once identity is settled); for a
    representative's request, their identity and authority verified too (B4)."""
    settled = request.verification is Verification.VERIFIED or request.status is Status.IN_PROGRESS
    return settled and disclosure_allowed(request)


def register_for(registers: Iterable[Register], request: Request) -> Register:
    """The loaded register of the request's controller."""
    register = find_register(registers, request.controller.slug)
    if register is None:
        raise FulfilmentError(
            f"no processing register is loaded for controller {request.controller.slug!r}"
        )
    return register


def part_categories(source: SqlSource | FileSource, part: str) -> list[str]:
    """The data categories a table or file holds, in register order."""
    specs: Sequence[Column | FileField]
    if isinstance(source, FileSource):
        specs = source.fields
    else:
        table = source.table(part)
        specs = table.columns if table else []
    return list(dict.fromkeys(c for spec in specs for c in spec.categories))


def run_search(
    session: Session,
    request: Request,
    register: Register,
    *,
    actor: str,
    now: datetime,
    sample_size: int = SAMPLE_SIZE,
    connectors: ConnectorFactory = connector_for,
) -> SearchRun:
    """Search every source of the register for the request's subject; audited."""
    if not identity_settled(request):
        raise FulfilmentError(
            Said(N_("verify the requester's identity before searching for their data"))
        )
    check_claims(session, request, register, actor=actor, now=now, connectors=connectors)
    subject = verified_subject(session, request)
    run = SearchRun(
        request_id=request.id, register_sha256=register.sha256, actor=actor, started_at=now
    )
    session.add(run)
    for source in register.sources:
        if isinstance(source, ManualSource):
            open_manual_task(session, request, source, language=request.language, now=now)
            run.findings.append(
                SearchFinding(
                    source_id=source.id, status=FindingStatus.MANUAL, categories=source.categories
                )
            )
            continue
        run.findings.extend(_search_source(source, subject, sample_size, connectors))
    run.finished_at = now
    session.flush()
    record_event(
        session,
        request,
        "search_sources",
        actor=actor,
        now=now,
        payload={
            "run": run.id,
            "register_sha256": register.sha256,
            "rows": sum(f.row_count for f in run.findings),
            "blocked": [f.source_id for f in run.findings if _blocking(f)],
        },
    )
    return run


def _search_source(
    source: SqlSource | FileSource,
    subject: Subject,
    sample_size: int,
    connectors: ConnectorFactory,
) -> list[SearchFinding]:
    connector = connectors(source)
    assert connector is not None
    try:
        parts = connector.search(subject, sample_size)
    except SourceUnreachable as error:
        return [
            SearchFinding(source_id=source.id, status=FindingStatus.UNREACHABLE, message=str(error))
        ]
    except RegisterMismatch as error:
        return [
            SearchFinding(source_id=source.id, status=FindingStatus.MISMATCH, message=str(error))
        ]
    finally:
        connector.close()
    return [_found(source, part) for part in parts]


def _found(source: SqlSource | FileSource, part: PartFound) -> SearchFinding:
    recipients, unmapped = part_recipients(source, part)
    return SearchFinding(
        source_id=source.id,
        part=part.name,
        status=FindingStatus.FOUND,
        row_count=part.count,
        columns=part.columns,
        key_columns=list(part.key_columns),
        categories=part_categories(source, part.name),
        sample=part.sample,
        recipients=recipients,
        unmapped_recipients=unmapped,
    )


def part_recipients(source: SqlSource | FileSource, part: PartFound) -> tuple[list[str], list[str]]:
    """The register recipients the subject's rows of `part` went to (register order), and the
    disclosure column's values the register maps to no recipient."""
    container = source.table(part.name) if isinstance(source, SqlSource) else source
    disclosures = container.disclosures if container else None
    if disclosures is None or not part.count:
        return [], []
    return disclosures.recipients(part.disclosed)


def _blocking(finding: SearchFinding) -> bool:
    return finding.status in (FindingStatus.UNREACHABLE, FindingStatus.MISMATCH)


def latest_run(session: Session, request: Request) -> SearchRun | None:
    return session.execute(
        select(SearchRun)
        .where(SearchRun.request_id == request.id)
        .order_by(SearchRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def completion_blockers(session: Session, request: Request) -> list[str]:
    """Why the request's data cannot be exported (or the request completed) yet; [] if it can."""
    unverified = representation_blockers(request)
    if unverified:  # a representative not verified: nothing is exported (B4)
        return unverified
    run = latest_run(session, request)
    if run is None:
        return [Said(N_("the sources have not been searched yet"))]
    sentences = {
        FindingStatus.UNREACHABLE: N_("%(source)s: unreachable — %(message)s"),
        FindingStatus.MISMATCH: N_("%(source)s: register does not match — %(message)s"),
    }
    problems: list[str] = [
        Said(sentences[f.status], source=f.source_id, message=f.message)
        for f in run.findings
        if _blocking(f)
    ]
    problems += [
        Said(N_("%(source)s: manual search not done yet"), source=t.source_name)
        for t in tasks_of(session, request, done=False)
    ]
    extracts = (f.file_id for fs in findings_of(session, request).values() for f in fs if f.file_id)
    problems += redaction_blockers(session, request, extracts)
    return problems + claim_blockers(session, request, run.started_at)
