"""The demo database: deterministic, realistic, with the documented demo orders."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from actions.backend.base import OrderStatus
from actions.backend.sql_models import Base, CustomerRow, OrderRow, ShipmentRow
from northwind_common.store_clock import store_date
from tests.actions.backend.conftest import TODAY, seeded_sqlite_template  # noqa: F401 - fixture
from tools.orders.seed import DEMO_ORDER_NUMBERS, email_for, main, seed_database, seed_now


def dump(path: Path) -> dict[str, list[tuple]]:
    engine = create_engine(f"sqlite:///{path}", future=True)
    with engine.connect() as connection:
        rows = {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key))
            ]
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return rows


@pytest.fixture(scope="module")
def seeded(seeded_sqlite_template: Path) -> dict[str, list[tuple]]:
    return dump(seeded_sqlite_template)


def test_same_day_gives_identical_rows(tmp_path: Path, seeded: dict[str, list[tuple]]) -> None:
    again = tmp_path / "again.db"
    seed_database(f"sqlite:///{again}", TODAY)
    seed_database(f"sqlite:///{again}", TODAY)  # reseeding replaces, never appends

    assert dump(again) == seeded


def test_sizes_and_every_status(seeded_sqlite_template: Path) -> None:
    engine = create_engine(f"sqlite:///{seeded_sqlite_template}", future=True)
    with engine.connect() as connection:
        orders = connection.execute(
            select(OrderRow.number, OrderRow.status, OrderRow.placed_at)
        ).all()
        names = connection.execute(select(CustomerRow.name)).scalars().all()
        carriers = set(connection.execute(select(ShipmentRow.carrier)).scalars())
    engine.dispose()

    assert len(orders) == 120 and 35 <= len(names) <= 45
    assert all(10000 <= number <= 10999 for number, _, _ in orders)
    assert set(Counter(status for _, status, _ in orders)) == {s.value for s in OrderStatus}
    assert all(0 <= (TODAY - store_date(placed)).days <= 60 for _, _, placed in orders)
    assert {"Zoë Harper", "Siobhán Gallagher", "Łukasz Nowak"} <= set(names)
    assert carriers == {"DPD", "Royal Mail", "Evri"}
    assert set(DEMO_ORDER_NUMBERS) <= {number for number, _, _ in orders}


def test_tracking_numbers_look_like_each_carriers(seeded_sqlite_template: Path) -> None:
    patterns = {"DPD": r"\d{14}", "Royal Mail": r"[A-Z]{2}\d{9}GB", "Evri": r"H[A-Z0-9]{15}"}
    engine = create_engine(f"sqlite:///{seeded_sqlite_template}", future=True)
    with engine.connect() as connection:
        shipments = connection.execute(
            select(ShipmentRow.carrier, ShipmentRow.tracking_number)
        ).all()
    engine.dispose()

    assert shipments and all(re.fullmatch(patterns[c], n) for c, n in shipments)


def test_another_day_moves_the_demo_orders_with_it(
    tmp_path: Path, seeded: dict[str, list[tuple]]
) -> None:
    path = tmp_path / "later.db"
    seed_database(f"sqlite:///{path}", TODAY + timedelta(days=5))

    placed_at = [c.name for c in OrderRow.__table__.columns].index("placed_at")
    later = {row[0]: row[placed_at] for row in dump(path)["orders"]}
    before = {row[0]: row[placed_at] for row in seeded["orders"]}
    assert {later[n] - before[n] for n in DEMO_ORDER_NUMBERS} == {timedelta(days=5)}


@pytest.mark.parametrize(
    "name, domain, email",
    [
        ("Siobhán O'Neill", "example.com", "siobhan.oneill@example.com"),
        ("Łukasz Nowak", "example.com", "lukasz.nowak@example.com"),
        ("Ayşe Yılmaz", "example.org", "ayse.yilmaz@example.org"),
        ("Lily-Rose Turner", "example.co.uk", "lily-rose.turner@example.co.uk"),
    ],
)
def test_emails_are_ascii(name: str, domain: str, email: str) -> None:
    assert email_for(name, domain) == email


def test_command_line_seeds_the_given_url_and_day(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "nested" / "cli.db"

    assert main(["--database-url", f"sqlite:///{path}", "--today", TODAY.isoformat()]) == 0
    assert "120 orders" in capsys.readouterr().out
    assert seed_now(TODAY).date() == TODAY and path.exists()


def test_command_line_rejects_a_bad_day(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--today", "26/11/2026"])
    assert exit_info.value.code == 2
    assert "not a date" in capsys.readouterr().err
