"""The outbox's tables upgrade in place: an older release's items keep waiting (SQLite and
PostgreSQL; actions/to_inbox/outbox_schema.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    inspect,
    select,
)
from sqlalchemy.engine import Engine

from actions.to_inbox.inbox_outbox import KIND_HANDOFF, KIND_MESSAGE, InboxOutbox
from actions.to_inbox.outbox_schema import SCHEMA_VERSION, OutboxItem, OutboxSchema, upgrade
from tests.inbox.conftest import throwaway_pg_database

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty outbox database: a file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.db'}"
        return
    with throwaway_pg_database("outbox_test") as url:
        yield url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    made = create_engine(url, future=True)
    yield made
    made.dispose()


def first_release_table(with_rejected_at: bool) -> Table:
    """``outbox_items`` as the first release made it (no version table), optionally with
    the ``rejected_at`` a later release added in place before versions existed."""
    columns = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("handoff_key", String(64), nullable=False, index=True),
        Column("kind", String(32), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("last_error", Text),
        Column("delivered_at", DateTime(timezone=True), index=True),
        Column("response", Text),
    ]
    if with_rejected_at:
        columns.append(Column("rejected_at", DateTime(timezone=True)))
    return Table("outbox_items", MetaData(), *columns)


OLD_ROWS = [
    # delivered: kept as the record of what the inbox answered
    {"handoff_key": "k1", "kind": KIND_HANDOFF, "payload": '{"handoff_key": "k1"}',
     "created_at": T0, "attempts": 1, "delivered_at": T0, "response": '{"status": "waiting"}'},
    # waiting, after a failed try
    {"handoff_key": "k1", "kind": KIND_MESSAGE, "payload": '{"message_id": "m1"}',
     "created_at": T0, "attempts": 2, "last_error": "inbox unavailable"},
    {"handoff_key": "k2", "kind": KIND_HANDOFF, "payload": '{"handoff_key": "k2"}',
     "created_at": T0, "attempts": 0},
]  # fmt: skip


def make_old_outbox(engine: Engine, *, with_rejected_at: bool = False) -> None:
    table = first_release_table(with_rejected_at)
    with engine.begin() as connection:
        table.create(connection)
        for row in OLD_ROWS:  # one by one: the rows name different columns
            connection.execute(table.insert().values(**row))


def stored(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(
                    OutboxItem.id,
                    OutboxItem.handoff_key,
                    OutboxItem.kind,
                    OutboxItem.payload,
                    OutboxItem.attempts,
                    OutboxItem.last_error,
                    OutboxItem.delivered_at.is_not(None),
                    OutboxItem.response,
                ).order_by(OutboxItem.id)
            )
        ]


def version_row(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(select(OutboxSchema.version)).scalars())


async def test_a_first_release_outbox_is_upgraded_without_losing_rows(
    url: str, engine: Engine
) -> None:
    make_old_outbox(engine)
    assert "rejected_at" not in {c["name"] for c in inspect(engine).get_columns("outbox_items")}

    box = InboxOutbox(url)
    try:
        assert await box.pending_count() == 2  # the two waiting items still wait
        assert stored(engine) == [
            (1, "k1", KIND_HANDOFF, '{"handoff_key": "k1"}', 1, None, True, '{"status": "waiting"}'),
            (2, "k1", KIND_MESSAGE, '{"message_id": "m1"}', 2, "inbox unavailable", False, None),
            (3, "k2", KIND_HANDOFF, '{"handoff_key": "k2"}', 0, None, False, None),
        ]  # fmt: skip
        assert version_row(engine) == [SCHEMA_VERSION]
        # The column the upgrade added works: a refused item is marked and stops waiting.
        box._mark_sync(3, None, "422: bad payload", rejected=True)
        assert await box.pending_count() == 1
        new_id = await box.enqueue(KIND_MESSAGE, "k1", {"message_id": "m2"})
        assert new_id == 4  # ids go on after the old rows
    finally:
        assert box._engine is not None
        box._engine.dispose()


def test_an_upgraded_outbox_opens_again_without_running_a_step(engine: Engine) -> None:
    make_old_outbox(engine)
    assert upgrade(engine) == 1  # found at version 1, upgraded
    before = stored(engine)
    assert upgrade(engine) == SCHEMA_VERSION  # a second time: nothing to do
    assert stored(engine) == before and version_row(engine) == [SCHEMA_VERSION]


def test_an_unversioned_outbox_that_has_rejected_at_is_version_2(engine: Engine) -> None:
    make_old_outbox(engine, with_rejected_at=True)
    # Adding rejected_at again would fail (duplicate column): the step must not run.
    assert upgrade(engine) == 2
    assert len(stored(engine)) == len(OLD_ROWS) and version_row(engine) == [SCHEMA_VERSION]


def test_a_new_outbox_is_created_at_the_latest_version(engine: Engine) -> None:
    assert upgrade(engine) is None
    assert version_row(engine) == [SCHEMA_VERSION]
    assert {c["name"] for c in inspect(engine).get_columns("outbox_items")} >= {"rejected_at"}


def test_an_outbox_from_a_newer_release_is_refused(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(OutboxSchema.__table__.update().values(version=SCHEMA_VERSION + 1))
    with pytest.raises(RuntimeError, match="newer than this release"):
        upgrade(engine)
    assert version_row(engine) == [SCHEMA_VERSION + 1]  # left as it was
