"""Every backend keeps the same promises on the seeded demo orders.

Runs once per backend kind (SQLite, PostgreSQL, HTTP); see conftest.py.
Tests that change data each own one demo order.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.backend.base import (
    NotAllowed,
    OrderBackend,
    OrderNotFound,
    OrderStatus,
    RefundStatus,
)
from actions.backend.describe import describe_status, format_money
from northwind_common.store_clock import store_date
from tests.actions.backend.conftest import TODAY

pytestmark = pytest.mark.asyncio


async def test_dana_order_has_every_documented_fact(backend: OrderBackend) -> None:
    order = await backend.get_order("10482")

    assert order.number == "10482"
    assert order.status is OrderStatus.IN_TRANSIT
    assert (order.customer.name, order.customer.email) == (
        "Dana Whitfield",
        "dana.whitfield@example.com",
    )
    assert order.delivery_address.postcode == "SW1A 1AA"
    assert [(i.sku, i.name, i.quantity, i.unit_price_pence) for i in order.items] == [
        ("SHO-001", "Trail running shoes", 1, 8900)
    ]
    assert format_money(order.total_pence) == "£89.00"
    assert order.shipment is not None and order.shipment.carrier == "DPD"
    assert order.shipment.tracking_url.endswith(order.shipment.tracking_number)
    assert store_date(order.shipment.last_event_at) == TODAY - timedelta(days=9)
    assert order.placed_at.tzinfo is not None
    assert (
        describe_status(order, TODAY)
        == "in transit with DPD since 17 November, was expected 19 November"
    )


@pytest.mark.parametrize("typed", ["#10482", "ORD-10482", " 10482 "])
async def test_order_numbers_as_customers_type_them(backend: OrderBackend, typed: str) -> None:
    assert (await backend.get_order(typed)).number == "10482"


@pytest.mark.parametrize("number", ["10999", "99999", "abc", "", "1048"])
async def test_unknown_or_malformed_order_is_not_found(backend: OrderBackend, number: str) -> None:
    with pytest.raises(OrderNotFound):
        await backend.get_order(number)


@pytest.mark.parametrize(
    "factor",
    [
        "dana.whitfield@example.com",
        "  Dana.Whitfield@EXAMPLE.com ",
        "SW1A 1AA",
        "sw1a1aa",
        " Sw1A  1aA ",
    ],
)
async def test_verify_accepts_email_or_postcode_in_any_case_and_spacing(
    backend: OrderBackend, factor: str
) -> None:
    assert await backend.verify_customer("10482", factor) is True


@pytest.mark.parametrize(
    "factor",
    ["dana@example.com", "SW1A 1AB", "", "   ", "zoe.harper@example.com", "dana.whitfield"],
)
async def test_verify_rejects_anything_else(backend: OrderBackend, factor: str) -> None:
    assert await backend.verify_customer("10482", factor) is False


async def test_verify_on_unknown_order_is_not_found(backend: OrderBackend) -> None:
    with pytest.raises(OrderNotFound):
        await backend.verify_customer("10999", "dana.whitfield@example.com")


async def test_cancel_placed_order_refunds_it_and_only_once(backend: OrderBackend) -> None:
    cancelled = await backend.cancel_order("10501")

    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.cancelled_at is not None
    assert [(r.amount_pence, r.status) for r in cancelled.refunds] == [
        (cancelled.total_pence, RefundStatus.PENDING)
    ]
    assert (await backend.get_order("10501")).status is OrderStatus.CANCELLED
    with pytest.raises(NotAllowed) as refusal:
        await backend.cancel_order("10501")
    assert refusal.value.reason == "already_cancelled"


async def test_cancel_processing_order(backend: OrderBackend) -> None:
    assert (await backend.cancel_order("10502")).status is OrderStatus.CANCELLED


@pytest.mark.parametrize(
    "number, reason",
    [
        ("10482", "already_shipped"),
        ("10160", "already_delivered"),
        ("10290", "already_returned"),
        ("10215", "already_cancelled"),
    ],
)
async def test_cancel_refused_once_it_left_the_warehouse(
    backend: OrderBackend, number: str, reason: str
) -> None:
    before = await backend.get_order(number)
    with pytest.raises(NotAllowed) as refusal:
        await backend.cancel_order(number)
    assert refusal.value.reason == reason
    assert await backend.get_order(number) == before


async def test_return_one_item_then_the_rest_of_the_order(backend: OrderBackend) -> None:
    order = await backend.get_order("10377")
    jacket = order.item("OUT-001")
    assert jacket is not None

    first = await backend.start_return("10377", "out-001")
    assert first.rma_number == "RMA-10377-01"
    assert (first.order_number, first.sku, first.refund_amount_pence) == ("10377", "OUT-001", 12000)
    assert first.label_url.startswith("https://") and first.label_url.endswith("RMA-10377-01.pdf")

    with pytest.raises(NotAllowed) as again:
        await backend.start_return("10377", "OUT-001")
    assert again.value.reason == "return_already_started"

    rest = await backend.start_return("10377", None)
    assert rest.sku is None
    assert rest.refund_amount_pence == order.total_pence - 12000
    assert [r.rma_number for r in (await backend.get_order("10377")).returns] == [
        "RMA-10377-01",
        "RMA-10377-02",
    ]


@pytest.mark.parametrize(
    "number, sku, reason",
    [
        ("10160", None, "return_window_closed"),
        ("10482", None, "not_delivered"),
        ("10290", None, "already_returned"),
        ("10215", None, "already_cancelled"),
        ("10377", "HOM-001", "item_not_on_order"),
    ],
)
async def test_return_refusals(backend: OrderBackend, number: str, sku: str, reason: str) -> None:
    with pytest.raises(NotAllowed) as refusal:
        await backend.start_return(number, sku)
    assert refusal.value.reason == reason


async def test_return_of_unknown_order_is_not_found(backend: OrderBackend) -> None:
    with pytest.raises(OrderNotFound):
        await backend.start_return("10999", None)


async def test_refunds_pending_and_processed(backend: OrderBackend) -> None:
    pending = await backend.get_refunds("10290")
    processed = await backend.get_refunds("10215")

    assert [(r.reference, r.amount_pence, r.status) for r in pending] == [
        ("RF-10290-1", 7500, RefundStatus.PENDING)
    ]
    assert processed[0].status is RefundStatus.PROCESSED and processed[0].processed_at is not None
    assert await backend.get_refunds("10482") == []
    with pytest.raises(OrderNotFound):
        await backend.get_refunds("10999")
