"""Status phrases and money as customers and agents read them."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest

from actions.backend.base import (
    Address,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Refund,
    RefundStatus,
    Shipment,
)
from actions.backend.describe import (
    describe_last_event,
    describe_status,
    format_money,
    overdue_since,
)

UTC = timezone.utc
SHIPMENT = Shipment(
    carrier="DPD",
    tracking_number="15501048200042",
    tracking_url="https://track.dpd.co.uk/parcels/15501048200042",
    shipped_at=datetime(2026, 6, 2, 15, 0, tzinfo=UTC),
    estimated_delivery=date(2026, 6, 6),
    last_event="Parcel at DPD hub, Hinckley",
    last_event_at=datetime(2026, 6, 3, 6, 0, tzinfo=UTC),
)
ORDER = Order(
    number="10482",
    status=OrderStatus.IN_TRANSIT,
    placed_at=datetime(2026, 6, 1, 19, 0, tzinfo=UTC),
    customer=Customer("Dana Whitfield", "dana.whitfield@example.com"),
    delivery_address=Address("12 Buckingham Gate", "London", "SW1A 1AA"),
    items=(OrderItem("SHO-001", "Trail running shoes", 1, 8900),),
    total_pence=8900,
    shipment=SHIPMENT,
)


def order(status: OrderStatus, **changes: object) -> Order:
    return dataclasses.replace(ORDER, status=status, **changes)


@pytest.mark.parametrize(
    "status, changes, expected",
    [
        (OrderStatus.PLACED, {"shipment": None}, "placed on 1 June, not yet dispatched"),
        (OrderStatus.PROCESSING, {"shipment": None}, "being prepared for dispatch since 1 June"),
        (OrderStatus.SHIPPED, {}, "dispatched with DPD on 2 June, expected 6 June"),
        (OrderStatus.IN_TRANSIT, {}, "in transit with DPD since 3 June, expected 6 June"),
        (OrderStatus.DELAYED, {}, "delayed with DPD since 3 June, now expected 6 June"),
        (OrderStatus.OUT_FOR_DELIVERY, {}, "out for delivery with DPD since 3 June"),
        (
            OrderStatus.DELIVERED,
            {
                "shipment": dataclasses.replace(
                    SHIPMENT, delivered_at=datetime(2026, 6, 5, 11, tzinfo=UTC)
                )
            },
            "delivered by DPD on 5 June",
        ),
        (
            OrderStatus.CANCELLED,
            {"cancelled_at": datetime(2026, 6, 2, 8, tzinfo=UTC)},
            "cancelled on 2 June",
        ),
        (OrderStatus.RETURNED, {}, "returned"),
        (OrderStatus.IN_TRANSIT, {"shipment": None}, "in transit"),
    ],
)
def test_phrase_per_status(status: OrderStatus, changes: dict, expected: str) -> None:
    assert describe_status(order(status, **changes)) == expected


def test_late_parcel_says_it_was_expected() -> None:
    assert describe_status(ORDER, today=date(2026, 6, 9)) == (
        "in transit with DPD since 3 June, was expected 6 June"
    )


def test_overdue_only_while_on_the_way_and_after_the_promised_day() -> None:
    assert overdue_since(ORDER, today=date(2026, 6, 9)) == date(2026, 6, 6)
    assert overdue_since(ORDER, today=date(2026, 6, 6)) is None  # due today is not late
    delivered = order(OrderStatus.DELIVERED)
    assert overdue_since(delivered, today=date(2026, 6, 9)) is None
    assert overdue_since(order(OrderStatus.IN_TRANSIT, shipment=None), date(2026, 6, 9)) is None
    no_promise = order(
        OrderStatus.DELAYED, shipment=dataclasses.replace(SHIPMENT, estimated_delivery=None)
    )
    assert overdue_since(no_promise, today=date(2026, 6, 9)) is None


def test_out_for_delivery_today() -> None:
    assert describe_status(order(OrderStatus.OUT_FOR_DELIVERY), today=date(2026, 6, 3)) == (
        "out for delivery with DPD today"
    )


def test_year_shown_only_when_it_is_not_this_year() -> None:
    assert describe_status(order(OrderStatus.PLACED), today=date(2027, 1, 4)) == (
        "placed on 1 June 2026, not yet dispatched"
    )


def test_uk_calendar_day_not_utc() -> None:
    late_evening = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London (BST)
    assert describe_status(order(OrderStatus.PLACED, placed_at=late_evening)) == (
        "placed on 2 June, not yet dispatched"
    )


def test_returned_mentions_the_latest_refund() -> None:
    pending = Refund(
        "RF-10482-1",
        8900,
        RefundStatus.PENDING,
        "Return received",
        datetime(2026, 6, 20, tzinfo=UTC),
    )
    processed = dataclasses.replace(
        pending, status=RefundStatus.PROCESSED, processed_at=datetime(2026, 6, 22, 9, tzinfo=UTC)
    )

    assert describe_status(order(OrderStatus.RETURNED, refunds=(pending,))) == (
        "returned, refund of £89.00 pending"
    )
    assert describe_status(order(OrderStatus.RETURNED, refunds=(processed,))) == (
        "returned, £89.00 refunded on 22 June"
    )


def test_last_event_for_agents() -> None:
    assert describe_last_event(ORDER) == "3 June: Parcel at DPD hub, Hinckley"
    assert describe_last_event(order(OrderStatus.PLACED, shipment=None)) == ""


@pytest.mark.parametrize(
    "pence, text",
    [
        (8900, "£89.00"),
        (0, "£0.00"),
        (5, "£0.05"),
        (395, "£3.95"),
        (124950, "£1,249.50"),
        (-500, "-£5.00"),
    ],
)
def test_format_money(pence: int, text: str) -> None:
    assert format_money(pence) == text
