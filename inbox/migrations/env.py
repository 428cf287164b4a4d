"""Alembic environment: online migrations only, URL or connection given by inbox.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import inbox.agent_tools.models  # noqa: F401  (its tables join Base.metadata)
import inbox.followup.models  # noqa: F401  (its table joins Base.metadata)
from inbox.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Use the connection handed in by the caller, else open one from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), future=True)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
