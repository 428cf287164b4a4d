"""The tables of the bot's outbox to the inbox, and their versioned upgrade.

The outbox lives in its own small database (``OUTBOX_DATABASE_URL``, by default
``var/outbox.db``), which outlives a release: items may wait in it across an upgrade.
``outbox_schema`` holds the version of the tables; :func:`upgrade` creates a new
database at :data:`SCHEMA_VERSION`, and brings an older one up by running the steps
after its version, in order, in one transaction, keeping every row. A database from
before the version table is version 1 or 2, told apart by its columns.

A change to the tables is a new step at the end of :data:`STEPS` (never an edit of
one that shipped; a step spells its columns as they were then, with alembic's
operations, which know each database's ALTER TABLE) and the same change on the model
below.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, DateTime, Integer, String, Text, delete, insert, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import registry
from sqlalchemy.orm.decl_api import DeclarativeMeta

from northwind_common.declarative import KeywordConstructor

_registry = registry()


class OutboxBase(KeywordConstructor, metaclass=DeclarativeMeta):
    """The outbox database's declarative base."""

    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata


class OutboxItem(OutboxBase):
    """One request waiting for (or done with) delivery to the inbox."""

    __tablename__ = "outbox_items"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_key = Column(String(64), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    payload = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    delivered_at = Column(DateTime(timezone=True), nullable=True, index=True)
    rejected_at = Column(DateTime(timezone=True), nullable=True)  # since version 2
    response = Column(Text, nullable=True)


class OutboxSchema(OutboxBase):
    """One row: the version of the outbox's tables."""

    __tablename__ = "outbox_schema"

    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False)


def _add_rejected_at(op: Operations) -> None:
    """1 → 2: an item the inbox refuses is kept, marked, for an operator (not retried)."""
    op.add_column("outbox_items", Column("rejected_at", DateTime(timezone=True), nullable=True))


# STEPS[n - 1] takes the tables from version n to n + 1.
STEPS: tuple[Callable[[Operations], None], ...] = (_add_rejected_at,)
SCHEMA_VERSION = len(STEPS) + 1


def _stamped(connection: Connection) -> int | None:
    """The version written in ``outbox_schema``; None when there is none."""
    if OutboxSchema.__tablename__ not in inspect(connection).get_table_names():
        return None
    version = connection.execute(select(OutboxSchema.version)).scalar_one_or_none()
    return None if version is None else int(version)


def _version(connection: Connection) -> int | None:
    """The tables' version; None for a new database."""
    stamped = _stamped(connection)
    if stamped is not None:
        return stamped
    if OutboxItem.__tablename__ not in inspect(connection).get_table_names():
        return None
    # Made before the version table: the first release had no rejected_at.
    columns = {c["name"] for c in inspect(connection).get_columns(OutboxItem.__tablename__)}
    return 2 if "rejected_at" in columns else 1


def upgrade(engine: Engine) -> int | None:
    """Create the outbox's tables, or bring them to :data:`SCHEMA_VERSION`; returns the
    version found (None: a new database)."""
    with engine.begin() as connection:
        found = _version(connection)
        if found is None:
            OutboxBase.metadata.create_all(connection)
        elif found > SCHEMA_VERSION:
            raise RuntimeError(
                f"the outbox database is at version {found}, newer than this release"
                f" ({SCHEMA_VERSION}): deliver or move it before running an older release"
            )
        else:
            OutboxBase.metadata.tables[OutboxSchema.__tablename__].create(
                connection, checkfirst=True
            )
            op = Operations(MigrationContext.configure(connection))
            for step in STEPS[found - 1 :]:
                step(op)
        if _stamped(connection) != SCHEMA_VERSION:
            connection.execute(delete(OutboxSchema))
            connection.execute(insert(OutboxSchema).values(id=1, version=SCHEMA_VERSION))
    return found
