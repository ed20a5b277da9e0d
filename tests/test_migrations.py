"""Migrations build the schema from empty on both databases, and match the models exactly."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from dsar.extensions import db
from tests.conftest import build_app, make_database_url

# SQLAlchemy cannot reflect expression indexes; _index_names checks that one by name.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index"
)


@pytest.fixture
def empty_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = build_app(make_database_url(request, backend, tmp_path), tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_from_empty_then_models_match(empty_app) -> None:  # type: ignore[no-untyped-def]
    with empty_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "controller",
            "request",
            "request_event",
            "staff_user",
            "outbox_message",
            "stored_file",
            "staff_controller",
        } <= tables
        with db.engine.connect() as connection, warnings.catch_warnings():
            # Expression indexes cannot be reflected; the test below checks that one by name.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
            warnings.filterwarnings("ignore", "autogenerate skipping")
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []


def test_downgrade_to_base_and_up_again(empty_app) -> None:  # type: ignore[no-untyped-def]
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert "request" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "request" in inspect(db.engine).get_table_names()


def test_queue_and_scheduler_indexes_exist(empty_app) -> None:  # type: ignore[no-untyped-def]
    with empty_app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        request_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("request")}
        assert ("status", "due_date") in request_indexes
        assert ("assignee_id",) in request_indexes
        assert ("subject_email",) in request_indexes
        uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("request")}
        uniques |= {
            tuple(ix["column_names"]) for ix in inspector.get_indexes("request") if ix["unique"]
        }
        assert ("reference",) in uniques
        assert "ix_request_status_effective_due" in _index_names(db.engine)
        assert {
            "ix_request_working_due",
            "ix_request_open_status",
            "ix_request_subject_email_lower",  # the subject's other requests (0023)
        } <= _index_names(db.engine)


def test_migrated_partial_indexes_match_the_models(empty_app) -> None:  # type: ignore[no-untyped-def]
    """Autogenerate cannot compare partial indexes: the migration must say what the model says.

    The queue's queries use the model's status list; an index with another list would be
    silently unused (SQLite matches the terms literally).
    """
    from sqlalchemy.schema import CreateIndex

    from dsar.requests.models import Request

    with empty_app.app_context():
        upgrade()
        dialect = db.engine.dialect
        for name in ("ix_request_working_due", "ix_request_open_status"):
            [index] = [ix for ix in Request.__table__.indexes if ix.name == name]
            expected = str(CreateIndex(index).compile(dialect=dialect)).split(" WHERE ", 1)[1]
            actual = _index_predicate(db.engine, name)
            assert "status" in actual
            assert _quoted(actual) == _quoted(expected)  # the same statuses in the same order


def _quoted(sql: str) -> list[str]:
    return re.findall(r"'(\w+)'", sql)


def _index_predicate(engine, name: str) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
            ).scalar_one()
            return sql.split(" WHERE ", 1)[1]
        return connection.exec_driver_sql(
            "SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %(name)s",
            {"name": name},
        ).scalar_one()


def _index_names(engine) -> set[str]:  # type: ignore[no-untyped-def]
    """Index names straight from the catalogue (expression indexes are not reflected)."""
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE tablename = 'request'"
    )
    with engine.connect() as connection:
        return {row[0] for row in connection.exec_driver_sql(query)}


def _tally(engine) -> int | None:  # type: ignore[no-untyped-def]
    """The open-request tally's sum, None without the table (revisions 0005 to 0007 have it)."""
    if "open_request_tally" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        sql = "SELECT coalesce(sum(n), 0) FROM open_request_tally"
        return connection.exec_driver_sql(sql).scalar()


def _triggers(engine) -> set[str]:  # type: ignore[no-untyped-def]
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with engine.connect() as connection:
        return {row[0] for row in connection.exec_driver_sql(query)}


def test_0008_drops_the_tally_and_its_downgrade_restores_it(empty_app, now) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from dsar.controllers.models import Controller
    from dsar.controllers.operations import sync_controllers
    from tests.factories import make_request

    with empty_app.app_context():
        upgrade(revision="0007")
        # Today's factory writes request.answered_at (0012), the controller's holidays (0016),
        # request.merged_into_id (0026), the event's hash scheme (0028) and looks for webhook
        # endpoints (0027): the old schema gets them.
        from dsar.webhooks.models import WebhookEndpoint

        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE request ADD COLUMN answered_at TIMESTAMP")
            connection.exec_driver_sql("ALTER TABLE request ADD COLUMN merged_into_id INTEGER")
            connection.exec_driver_sql(
                "ALTER TABLE request_event ADD COLUMN hash_scheme VARCHAR(16) DEFAULT 'sha256'"
            )
            connection.exec_driver_sql("ALTER TABLE controller ADD COLUMN municipality VARCHAR(32)")
            connection.exec_driver_sql("ALTER TABLE controller ADD COLUMN extra_holidays JSON")
            WebhookEndpoint.__table__.create(connection)
        sync_controllers(db.session, empty_app.extensions["dsar.registers"], now)
        controller = db.session.execute(select(Controller)).scalars().one()
        for _ in range(3):
            make_request(db.session, controller, now)
        make_request(db.session, controller, now, received_at=None)  # unconfirmed: not tallied
        db.session.commit()
        assert _tally(db.engine) == 3
        assert len(_triggers(db.engine)) == 3

        upgrade(revision="0008")
        assert _tally(db.engine) is None
        assert _triggers(db.engine) == set()
        make_request(db.session, controller, now)  # writes to request need nothing of it
        db.session.commit()

        downgrade(revision="0007")
        assert _tally(db.engine) == 4  # counted from the requests there are
        make_request(db.session, controller, now)
        db.session.commit()
        assert _tally(db.engine) == 5  # the triggers are back
        db.session.remove()
