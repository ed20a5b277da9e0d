"""Data-source connectors behind one small interface (`dsar.sources.base.Connector`)."""

from __future__ import annotations

from dsar.register.datasources import FileSource, ManualSource, SqlSource
from dsar.sources.base import (
    Connector,
    PartFound,
    PartSpec,
    RegisterMismatch,
    SourceUnreachable,
    Subject,
)
from dsar.sources.files import FileConnector
from dsar.sources.sql import SqlConnector


def connector_for(source: SqlSource | FileSource | ManualSource) -> Connector | None:
    """The connector for a SQL or file source; None for a manual source (a task for staff)."""
    if isinstance(source, SqlSource):
        return SqlConnector(source)
    if isinstance(source, FileSource):
        return FileConnector(source)
    return None


__all__ = [
    "Connector",
    "FileConnector",
    "PartFound",
    "PartSpec",
    "RegisterMismatch",
    "SourceUnreachable",
    "SqlConnector",
    "Subject",
    "connector_for",
]
