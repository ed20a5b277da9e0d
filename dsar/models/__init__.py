"""Typed SQLAlchemy 2.0 models, one module per aggregate."""

from dsar.models.base import Base, UTCDateTime
from dsar.models.claims import ClaimMethod, ClaimState, LookupClaim
from dsar.models.controllers import Controller
from dsar.models.files import FilePurpose, StoredFile
from dsar.models.fulfilment import (
    Exclusion,
    Export,
    ExportKind,
    FindingStatus,
    LinkEnd,
    ManualTask,
    SearchFinding,
    SearchRun,
    Transmission,
    TransmissionStatus,
)
from dsar.models.jobs import DeletionStatus, JobRun, PlannedDeletion, PurgedRequestStatistic
from dsar.models.letters import Letter, LetterStatus
from dsar.models.outbox import OutboxMessage, OutboxStatus
from dsar.models.requests import Request, RequestEvent
from dsar.models.staff import (
    AuditHead,
    Role,
    SignInThrottle,
    StaffEvent,
    StaffUser,
    staff_controller,
)

__all__ = [
    "AuditHead",
    "Base",
    "ClaimMethod",
    "ClaimState",
    "Controller",
    "DeletionStatus",
    "Exclusion",
    "Export",
    "ExportKind",
    "FilePurpose",
    "Letter",
    "LookupClaim",
    "LetterStatus",
    "FindingStatus",
    "JobRun",
    "LinkEnd",
    "ManualTask",
    "OutboxMessage",
    "OutboxStatus",
    "PlannedDeletion",
    "PurgedRequestStatistic",
    "Request",
    "RequestEvent",
    "SearchFinding",
    "SearchRun",
    "SignInThrottle",
    "Transmission",
    "TransmissionStatus",
    "Role",
    "StaffEvent",
    "StaffUser",
    "StoredFile",
    "UTCDateTime",
    "staff_controller",
]
