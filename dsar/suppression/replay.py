"""Replay erasures after a backup is restored: find each tombstone's subject again, hand them
to the eraser, and report per tombstone what came back.

The eraser is given by the caller: the erasure engine's (dsar.changes.replay) erases again
through the same writers; `count_found` counts the rows found again and erases nothing (a
dry run), and the report says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.register.schema import Register
from dsar.sources import RegisterMismatch, SourceUnreachable, Subject, connector_for
from dsar.suppression.models import ErasureTombstone
from dsar.suppression.recovery import recover

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EraseReport:
    """What the eraser did for one subject: rows found per (source, part), and whether it
    erased them; `problems` name sources it could not read or change."""

    rows: Mapping[tuple[str, str], int]
    erased: bool
    problems: Sequence[str] = ()


# Erases (or counts) what a restored backup holds again of one tombstone's subject:
# dsar.changes.replay.replay_eraser erases, `count_found` only counts (a dry run).
Eraser = Callable[[Session, Register, Subject, ErasureTombstone], EraseReport]


def count_found(
    session: Session, register: Register, subject: Subject, tombstone: ErasureTombstone
) -> EraseReport:
    """The subject's rows in each part the tombstone erased (deleted or anonymised), counted
    through the read connectors' search; nothing is changed (`erased` is False)."""
    rows: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    named: dict[str, set[str]] = {}
    for part in tombstone.parts:
        if part["action"] != "keep":  # kept rows are meant to be there until their deletion
            named.setdefault(part["source"], set()).add(part["part"])
    for source_id, parts in named.items():
        source = register.source(source_id)
        connector = connector_for(source) if source is not None else None
        if connector is None:
            continue  # a manual source (or one the register no longer has): nothing to count
        try:
            for found in connector.search(subject, 0):
                if found.name in parts:
                    rows[(source_id, found.name)] = found.count
        except (SourceUnreachable, RegisterMismatch) as error:
            problems.append(str(error))
        finally:
            connector.close()
    return EraseReport(rows=rows, erased=False, problems=problems)


@dataclass
class TombstoneReplay:
    """One tombstone's replay: how many subjects came back and the eraser's reports."""

    tombstone_id: int
    controller: str
    executed_at: datetime
    subjects: int = 0
    rows: dict[tuple[str, str], int] = field(default_factory=dict)
    actions: dict[tuple[str, str], str] = field(default_factory=dict)  # what the erasure did
    erased: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def found_again(self) -> int:
        """Rows found again, all parts together (0: nothing came back)."""
        return sum(self.rows.values())


@dataclass
class ReplayReport:
    tombstones: list[TombstoneReplay] = field(default_factory=list)

    @property
    def needing_action(self) -> list[TombstoneReplay]:
        """Tombstones whose rows came back and were not erased, or whose sources failed."""
        return [t for t in self.tombstones if t.problems or (t.found_again and not t.erased)]


def replay(
    session: Session,
    register_for_controller: Callable[[Controller], Register | None],
    since: date | None,
    erase: Eraser,
    *,
    salt: str,
    controller: Controller | None = None,
) -> ReplayReport:
    """For each tombstone executed on or after `since` (the controller's local day; None: all),
    recover its subjects and call `erase` for each; report per tombstone in execution order."""
    report = ReplayReport()
    controllers = [controller] if controller is not None else _all_controllers(session)
    for owner in controllers:
        query = select(ErasureTombstone).where(ErasureTombstone.controller_id == owner.id)
        if since is not None:
            start = datetime.combine(since, time(0), ZoneInfo(owner.timezone))
            query = query.where(ErasureTombstone.executed_at >= start)
        tombstones = (
            session.execute(query.order_by(ErasureTombstone.executed_at, ErasureTombstone.id))
            .scalars()
            .all()
        )
        if not tombstones:
            continue
        register = register_for_controller(owner)
        if register is None:
            for tombstone in tombstones:
                replayed = _replayed(tombstone, owner)
                replayed.problems.append(f"no register is loaded for controller {owner.slug}")
                report.tombstones.append(replayed)
            continue
        recovery = recover(tombstones, register, salt)
        for tombstone in tombstones:
            replayed = _replayed(tombstone, owner)
            replayed.problems += _problems_of(tombstone, recovery.problems)
            subjects = recovery.subjects[tombstone.id]
            replayed.subjects = len(subjects)
            replayed.erased = bool(subjects)
            for subject in subjects:
                try:
                    with session.begin_nested():
                        done = erase(session, register, subject, tombstone)
                except Exception as error:  # noqa: BLE001 - report it, replay the others
                    log.exception("replaying erasure tombstone %s failed", tombstone.id)
                    done = EraseReport({}, False, [f"eraser: {type(error).__name__}: {error}"])
                for where, count in done.rows.items():
                    replayed.rows[where] = replayed.rows.get(where, 0) + count
                replayed.erased = replayed.erased and done.erased
                replayed.problems += [p for p in done.problems if p not in replayed.problems]
            report.tombstones.append(replayed)
    return report


def _all_controllers(session: Session) -> list[Controller]:
    return list(session.execute(select(Controller).order_by(Controller.slug)).scalars())


def _replayed(tombstone: ErasureTombstone, owner: Controller) -> TombstoneReplay:
    actions = {(part["source"], part["part"]): part["action"] for part in tombstone.parts}
    return TombstoneReplay(tombstone.id, owner.slug, tombstone.executed_at, actions=actions)


def _problems_of(tombstone: ErasureTombstone, problems: Mapping[str, str]) -> list[str]:
    named = {part["source"] for part in tombstone.parts}
    return [problem for source_id, problem in problems.items() if source_id in named]
