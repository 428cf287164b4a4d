"""Plain-language phrases about orders for customers and agents (pure functions).

The phrases are facts, not sentences: responses in `domain.yml` wrap them, e.g.
"Your order is {order_status}." with order_status = "in transit with DPD since
3 June, expected 6 June".
"""

from __future__ import annotations

from datetime import date, datetime

from actions.backend.base import Order, OrderStatus, RefundStatus
from northwind_common.store_clock import store_date


def format_money(pence: int) -> str:
    """Pence as customers read pounds: 8900 -> "£89.00", 124950 -> "£1,249.50"."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def format_day(day: date | datetime, today: date | None = None) -> str:
    """ "3 June"; with the year only when it differs from `today`'s year."""
    if isinstance(day, datetime):
        day = store_date(day)
    text = f"{day.day} {day:%B}"
    if today is not None and day.year != today.year:
        text += f" {day.year}"
    return text


#: Statuses whose phrase names a finished event ("delivered by DPD on 3 June"): "was", not "is".
_FINISHED = (
    OrderStatus.PLACED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
    OrderStatus.RETURNED,
)


def status_verb(status: OrderStatus) -> str:
    """The verb before :func:`describe_status`'s phrase: "was delivered ...", "is in transit ..."."""
    return "was" if status in _FINISHED else "is"


def describe_status(order: Order, today: date | None = None) -> str:
    """Where the order is, e.g. "in transit with DPD since 3 June, expected 6 June".

    Args:
        order: the order to describe.
        today: the store's date now; when given, past estimates read "was expected"
            and years are shown only when they differ. Leave it out for a
            phrase that never depends on the clock.
    """
    status = order.status
    shipment = order.shipment

    def day(moment: date | datetime) -> str:
        return format_day(moment, today)

    if status is OrderStatus.PLACED:
        return f"placed on {day(order.placed_at)}, not yet dispatched"
    if status is OrderStatus.PROCESSING:
        return f"being prepared for dispatch since {day(order.placed_at)}"
    if status is OrderStatus.CANCELLED:
        return f"cancelled on {day(order.cancelled_at or order.placed_at)}"
    if status is OrderStatus.RETURNED:
        return _describe_returned(order, today)
    if shipment is None:  # inconsistent data: still say something true
        return str(status.value).replace("_", " ")

    carrier = shipment.carrier
    since = shipment.last_event_at or shipment.shipped_at
    if status is OrderStatus.DELIVERED:
        return f"delivered by {carrier} on {day(shipment.delivered_at or since)}"
    if status is OrderStatus.OUT_FOR_DELIVERY:
        if today is not None and store_date(since) == today:
            return f"out for delivery with {carrier} today"
        return f"out for delivery with {carrier} since {day(since)}"
    if status is OrderStatus.SHIPPED:
        phrase = f"dispatched with {carrier} on {day(shipment.shipped_at)}"
    elif status is OrderStatus.DELAYED:
        phrase = f"delayed with {carrier} since {day(since)}"
    else:
        phrase = f"{status.value.replace('_', ' ')} with {carrier} since {day(since)}"
    return phrase + _expected(shipment.estimated_delivery, status, today)


#: Statuses in which a parcel can still be late: it has left and not yet arrived.
_ON_THE_WAY = (
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELAYED,
)


def overdue_since(order: Order, today: date) -> date | None:
    """The promised delivery day when it has passed and the parcel is still on its way.

    "was expected 26 November" alone leaves the customer to work out that it is late;
    the bot says it plainly, and sorry, when this returns a day.
    """
    shipment = order.shipment
    if order.status not in _ON_THE_WAY or shipment is None:
        return None
    estimate = shipment.estimated_delivery
    return estimate if estimate is not None and estimate < today else None


def _expected(estimate: date | None, status: OrderStatus, today: date | None) -> str:
    if estimate is None:
        return ""
    if today is not None and estimate < today:
        return f", was expected {format_day(estimate, today)}"
    word = "now expected" if status is OrderStatus.DELAYED else "expected"
    return f", {word} {format_day(estimate, today)}"


def _describe_returned(order: Order, today: date | None) -> str:
    if not order.refunds:
        return "returned"
    latest = order.refunds[-1]
    amount = format_money(latest.amount_pence)
    if latest.status is RefundStatus.PENDING:
        return f"returned, refund of {amount} pending"
    when = latest.processed_at or latest.created_at
    return f"returned, {amount} refunded on {format_day(when, today)}"


def describe_last_event(order: Order, today: date | None = None) -> str:
    """The carrier's latest scan for agents, e.g. "5 June: Parcel at DPD hub"."""
    shipment = order.shipment
    if shipment is None or not shipment.last_event:
        return ""
    when = shipment.last_event_at or shipment.shipped_at
    return f"{format_day(when, today)}: {shipment.last_event}"
