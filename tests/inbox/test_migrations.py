"""Alembic migrations build exactly the schema the models describe, from an empty database."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from inbox.migrate import alembic_config, upgrade
from inbox.models import Base


def _check_up_and_down(url: str) -> None:
    upgrade(url)
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata
        )
        assert diff == []
        assert {"agents", "handoffs", "messages", "deliveries"} <= set(
            inspect(conn).get_table_names()
        )
    upgrade(url)  # running again at the next start is a no-op
    command.downgrade(alembic_config(url), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_sqlite_migrates_up_from_empty_and_down(tmp_path):
    _check_up_and_down(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgresql_migrates_up_from_empty_and_down(pg_database):
    _check_up_and_down(pg_database)
