"""Typed SQLAlchemy 2.0 models, one module per aggregate."""

from dsar.models.base import Base, UTCDateTime
from dsar.models.controllers import Controller
from dsar.models.files import FilePurpose, StoredFile
from dsar.models.outbox import OutboxMessage, OutboxStatus
from dsar.models.requests import Request, RequestEvent
from dsar.models.staff import Role, StaffUser, staff_controller

__all__ = [
    "Base",
    "Controller",
    "FilePurpose",
    "OutboxMessage",
    "OutboxStatus",
    "Request",
    "RequestEvent",
    "Role",
    "StaffUser",
    "StoredFile",
    "UTCDateTime",
    "staff_controller",
]
