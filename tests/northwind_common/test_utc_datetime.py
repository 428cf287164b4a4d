"""One UtcDateTime column type: aware UTC out, naive input taken as UTC, on a real SQLite."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, Integer, create_engine, select
from sqlalchemy.orm import Session, declarative_base

from northwind_common.utc_datetime import UtcDateTime

Base = declarative_base()


class Row(Base):
    __tablename__ = "rows"
    id = Column(Integer, primary_key=True)
    at = Column(UtcDateTime)


def test_round_trip_on_sqlite() -> None:
    engine = create_engine("sqlite://", future=True)
    Base.metadata.create_all(engine)
    paris = timezone(timedelta(hours=1))
    with Session(engine, future=True) as session:
        session.add_all(
            [
                Row(id=1, at=datetime(2026, 12, 3, 11, 0, tzinfo=paris)),
                Row(id=2, at=datetime(2026, 12, 3, 10, 0)),  # naive: UTC
                Row(id=3, at=None),
            ]
        )
        session.commit()
        rows = session.execute(select(Row).order_by(Row.id)).scalars().all()
        expected = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
        assert [row.at for row in rows] == [expected, expected, None]
        assert rows[0].at.tzinfo is timezone.utc
