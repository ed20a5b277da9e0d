"""The declarative base, a naming convention for constraints, and a timezone-aware UTC column."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Enum, MetaData, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC and always hands back aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column: attach a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(cls: type[enum.Enum], length: int = 32) -> Enum:
    """Enums stored as their lowercase values in a VARCHAR: readable, and no ALTER TYPE later."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def table_of(model: type[Base]) -> Table:
    """The model's Table (`Model.__table__` is typed as any FromClause, a join included)."""
    return Base.metadata.tables[model.__tablename__]


def insert_for(dialect: str) -> Callable[[Any], postgresql.Insert | sqlite.Insert]:
    """The dialect's `insert`, which knows ON CONFLICT (SQLite and PostgreSQL both do)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def dialect_insert(session: Session, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT for `table` (see `insert_for`)."""
    return insert_for(session.get_bind().dialect.name)(table)


M = TypeVar("M", bound=Base)


def locked_row(session: Session, model: type[M], key: str, values: dict[str, Any]) -> M:
    """`model`'s row whose unique column `key` holds `values[key]`, inserted from `values`
    first if there is none, locked until the commit and read as its last holder committed it.

    The INSERT comes first on purpose: on SQLite it makes the transaction the one writer
    before the row is read; on PostgreSQL the row lock (FOR UPDATE) queues the others. So
    transactions that read, count and write the row one after the other never read the same.
    """
    session.execute(
        dialect_insert(session, model).values(values).on_conflict_do_nothing(index_elements=[key])
    )
    return session.execute(
        select(model)
        .where(getattr(model, key) == values[key])
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
