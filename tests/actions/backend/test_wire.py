"""The order API's JSON shapes round-trip and reject what they do not describe."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from actions.backend import wire
from actions.backend.sql import SqlOrderBackend
from tests.actions.backend.conftest import copy_of, pinned_clock


@pytest.fixture(scope="module")
def demo_orders(seeded_sqlite_template: Path) -> list:
    backend = SqlOrderBackend(copy_of(seeded_sqlite_template, "wire.db"), clock=pinned_clock)

    async def load() -> list:
        return [await backend.get_order(n) for n in ("10482", "10501", "10377", "10290", "10215")]

    orders = asyncio.run(load())
    backend.dispose()
    return orders


def test_demo_orders_round_trip(demo_orders: list) -> None:
    for order in demo_orders:
        assert wire.order_from_json(wire.order_to_json(order)) == order


def test_times_are_utc_with_z_and_dates_plain(demo_orders: list) -> None:
    body = wire.order_to_json(demo_orders[0])

    assert body["placed_at"].endswith("Z") and len(body["placed_at"]) == 20
    assert len(body["shipment"]["estimated_delivery"]) == 10
    assert body["total_pence"] == 8900


def test_offsets_are_converted_to_utc(demo_orders: list) -> None:
    body = wire.order_to_json(demo_orders[0])
    body["placed_at"] = "2026-11-15T20:00:00+01:00"

    assert wire.order_from_json(body).placed_at.isoformat() == "2026-11-15T19:00:00+00:00"


@pytest.mark.parametrize(
    "change",
    [
        {"status": "lost_in_space"},
        {"total_pence": "89.00"},
        {"total_pence": 89.0},
        {"placed_at": "yesterday"},
        {"items": None},
        {"customer": "Dana"},
    ],
)
def test_wrong_shapes_are_rejected(demo_orders: list, change: dict) -> None:
    body = {**wire.order_to_json(demo_orders[0]), **change}

    with pytest.raises(wire.WireFormatError):
        wire.order_from_json(body)


@pytest.mark.parametrize("body", [None, [], {"refunds": None}, {"refunds": [{"reference": "x"}]}])
def test_bad_refund_lists_are_rejected(body: object) -> None:
    with pytest.raises(wire.WireFormatError):
        wire.refunds_from_json(body)
