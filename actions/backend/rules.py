"""Store rules for verifying, cancelling and returning (pure functions).

Backends that own the data (the SQL demo) apply these; an order API applies its
own and reports refusals as `409` with the same reason codes.
"""

from __future__ import annotations

import hmac
from datetime import date

from actions.backend.base import (
    CANCELLABLE_STATUSES,
    RETURN_WINDOW_DAYS,
    NotAllowed,
    NotAllowedReason,
    Order,
    OrderStatus,
)
from northwind_common.store_clock import store_date


def normalize_email(text: str) -> str:
    return text.strip().casefold()


def normalize_postcode(text: str) -> str:
    return "".join(text.split()).upper()


def matches_factor(order: Order, factor: str) -> bool:
    """True if `factor` is the order's email or delivery postcode.

    Email: trimmed and case-insensitive. Postcode: case-insensitive and ignoring
    every space, so "sw1a1aa" and " SW1A  1AA" both match "SW1A 1AA".
    Compared in constant time, as the factor is a (weak) secret.
    """
    if not isinstance(factor, str) or not factor.strip():
        return False
    email_ok = _same(normalize_email(factor), normalize_email(order.customer.email))
    postcode_ok = _same(
        normalize_postcode(factor), normalize_postcode(order.delivery_address.postcode)
    )
    return email_ok or postcode_ok


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def check_cancellable(order: Order) -> None:
    """Raise `NotAllowed` unless the warehouse can still stop the order."""
    if order.status in CANCELLABLE_STATUSES:
        return
    reason = {
        OrderStatus.CANCELLED: NotAllowedReason.ALREADY_CANCELLED,
        OrderStatus.DELIVERED: NotAllowedReason.ALREADY_DELIVERED,
        OrderStatus.RETURNED: NotAllowedReason.ALREADY_RETURNED,
    }.get(order.status, NotAllowedReason.ALREADY_SHIPPED)
    raise NotAllowed(reason, f"order {order.number} is {order.status.value}")


def plan_return(order: Order, sku: str | None, today: date) -> tuple[str | None, int]:
    """Check a return may start and work out what it covers.

    Returns:
        (the order line's SKU or None for the rest of the order, expected refund
        in pence). A single item refunds its line total; the whole order refunds
        the total (delivery included) minus returns already started.

    Raises:
        NotAllowed: not delivered, outside the window, unknown SKU or already started.
        TypeError: `sku` is neither a string nor None (a bug in the caller).
    """
    if sku is not None and not isinstance(sku, str):
        raise TypeError(f"sku must be a string or None, not {type(sku).__name__}")
    if order.status is OrderStatus.RETURNED:
        raise NotAllowed(NotAllowedReason.ALREADY_RETURNED, f"order {order.number}")
    if order.status is OrderStatus.CANCELLED:
        raise NotAllowed(NotAllowedReason.ALREADY_CANCELLED, f"order {order.number}")
    delivered_at = order.shipment.delivered_at if order.shipment else None
    if order.status is not OrderStatus.DELIVERED or delivered_at is None:
        raise NotAllowed(
            NotAllowedReason.NOT_DELIVERED, f"order {order.number} is {order.status.value}"
        )
    days_since = (today - store_date(delivered_at)).days
    if days_since > RETURN_WINDOW_DAYS:
        raise NotAllowed(
            NotAllowedReason.RETURN_WINDOW_CLOSED,
            f"delivered {days_since} days ago, window is {RETURN_WINDOW_DAYS}",
        )
    whole_order_started = any(r.sku is None for r in order.returns)
    if sku is None:
        already = sum(r.refund_amount_pence for r in order.returns)
        if whole_order_started or already >= order.total_pence:
            raise NotAllowed(NotAllowedReason.RETURN_ALREADY_STARTED, f"order {order.number}")
        return None, order.total_pence - already
    item = order.item(sku)
    if item is None:
        raise NotAllowed(NotAllowedReason.ITEM_NOT_ON_ORDER, f"{sku!r} not on order {order.number}")
    if whole_order_started or any(r.sku == item.sku for r in order.returns):
        raise NotAllowed(NotAllowedReason.RETURN_ALREADY_STARTED, f"{item.sku} on {order.number}")
    return item.sku, item.line_total_pence
