"""Store rules on orders built in code: verification, cancelling, returns."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest

from actions.backend.base import (
    Address,
    Customer,
    NotAllowed,
    Order,
    OrderItem,
    OrderNotFound,
    OrderStatus,
    ReturnAuthorization,
    Shipment,
    normalize_order_number,
)
from actions.backend.rules import check_cancellable, matches_factor, plan_return

UTC = timezone.utc
DELIVERED = Order(
    number="10377",
    status=OrderStatus.DELIVERED,
    placed_at=datetime(2026, 11, 12, 9, tzinfo=UTC),
    customer=Customer("Zoë Harper", "zoe.harper@example.com"),
    delivery_address=Address("81 Wilmslow Road", "Manchester", "M20 2RN"),
    items=(
        OrderItem("OUT-001", "Waterproof hiking jacket", 1, 12000),
        OrderItem("OUT-005", "Insulated water bottle", 2, 1800),
    ),
    total_pence=15600,
    shipment=Shipment(
        carrier="Royal Mail",
        tracking_number="TT123456789GB",
        tracking_url="https://www.royalmail.com/track-your-item#/tracking-results/TT123456789GB",
        shipped_at=datetime(2026, 11, 13, 15, tzinfo=UTC),
        delivered_at=datetime(2026, 11, 16, 13, tzinfo=UTC),
    ),
)
DELIVERY_DAY = date(2026, 11, 16)


def started(sku: object, amount: int) -> ReturnAuthorization:
    return ReturnAuthorization(
        "RMA-10377-01", "10377", sku, "https://x.test/l.pdf", amount, datetime.now(UTC)
    )


@pytest.mark.parametrize(
    "factor, expected",
    [
        ("zoe.harper@example.com", True),
        ("\tZOE.Harper@Example.COM\n", True),
        ("m20 2rn", True),
        ("M202RN", True),
        (" m 2 0 2 r n ", True),
        ("M20 2RP", False),
        ("zoe.harper@example.co.uk", False),
        ("", False),
        (None, False),
    ],
)
def test_matches_factor(factor: object, expected: bool) -> None:
    assert matches_factor(DELIVERED, factor) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.PROCESSING])
def test_cancellable_before_dispatch(status: OrderStatus) -> None:
    check_cancellable(dataclasses.replace(DELIVERED, status=status))  # no exception


@pytest.mark.parametrize(
    "status, reason",
    [
        (OrderStatus.SHIPPED, "already_shipped"),
        (OrderStatus.IN_TRANSIT, "already_shipped"),
        (OrderStatus.DELAYED, "already_shipped"),
        (OrderStatus.OUT_FOR_DELIVERY, "already_shipped"),
        (OrderStatus.DELIVERED, "already_delivered"),
        (OrderStatus.CANCELLED, "already_cancelled"),
        (OrderStatus.RETURNED, "already_returned"),
    ],
)
def test_not_cancellable_after_dispatch(status: OrderStatus, reason: str) -> None:
    with pytest.raises(NotAllowed) as refusal:
        check_cancellable(dataclasses.replace(DELIVERED, status=status))
    assert refusal.value.reason == reason


@pytest.mark.parametrize("days_after", [0, 29, 30])
def test_return_allowed_for_thirty_days(days_after: int) -> None:
    today = date.fromordinal(DELIVERY_DAY.toordinal() + days_after)
    assert plan_return(DELIVERED, "out-005", today) == ("OUT-005", 3600)
    assert plan_return(DELIVERED, None, today) == (None, 15600)


def test_return_window_closes_after_thirty_days() -> None:
    with pytest.raises(NotAllowed) as refusal:
        plan_return(DELIVERED, None, date(2026, 12, 17))
    assert refusal.value.reason == "return_window_closed"


def test_whole_order_return_refunds_what_is_left() -> None:
    partly = dataclasses.replace(DELIVERED, returns=(started("OUT-001", 12000),))

    assert plan_return(partly, None, DELIVERY_DAY) == (None, 3600)
    with pytest.raises(NotAllowed, match="return_already_started"):
        plan_return(partly, "OUT-001", DELIVERY_DAY)


def test_nothing_more_to_return_after_a_whole_order_return() -> None:
    whole = dataclasses.replace(DELIVERED, returns=(started(None, 15600),))
    for sku in (None, "OUT-005"):
        with pytest.raises(NotAllowed) as refusal:
            plan_return(whole, sku, DELIVERY_DAY)
        assert refusal.value.reason == "return_already_started"


@pytest.mark.parametrize(
    "status, reason",
    [
        (OrderStatus.PLACED, "not_delivered"),
        (OrderStatus.OUT_FOR_DELIVERY, "not_delivered"),
        (OrderStatus.CANCELLED, "already_cancelled"),
        (OrderStatus.RETURNED, "already_returned"),
    ],
)
def test_return_needs_a_delivered_order(status: OrderStatus, reason: str) -> None:
    with pytest.raises(NotAllowed) as refusal:
        plan_return(dataclasses.replace(DELIVERED, status=status), None, DELIVERY_DAY)
    assert refusal.value.reason == reason


@pytest.mark.parametrize("sku", ["HOM-001", "", "  "])
def test_return_of_an_item_not_on_the_order(sku: str) -> None:
    with pytest.raises(NotAllowed) as refusal:
        plan_return(DELIVERED, sku, DELIVERY_DAY)
    assert refusal.value.reason == "item_not_on_order"


def test_return_with_a_sku_of_the_wrong_type_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="sku must be a string"):
        plan_return(DELIVERED, 42, DELIVERY_DAY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw, number", [("10482", "10482"), ("#10482", "10482"), ("ord-1048200", "1048200")]
)
def test_normalize_order_number(raw: str, number: str) -> None:
    assert normalize_order_number(raw) == number


@pytest.mark.parametrize(
    "raw", [None, "", "1048", "10482a", "12345678", "10482; drop table orders"]
)
def test_normalize_rejects_what_cannot_be_an_order_number(raw: object) -> None:
    with pytest.raises(OrderNotFound):
        normalize_order_number(raw)
