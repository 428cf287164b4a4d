"""The order backend contract: data shapes, errors and the interface.

Custom actions only talk to an `OrderBackend`; which implementation runs
(`SqlOrderBackend` for the demo database, `HttpOrderBackend` for a company's own
order API) is configuration, see `actions.backend.factory`.

Exceptions raised by every backend:

    BackendError                  anything the backend could not do
     ├── BackendUnavailable       database/API down, timed out or answered nonsense
     ├── OrderNotFound            no order with that number (or not a valid number)
     └── NotAllowed               the rules forbid it; `.reason` is a stable code
                                  such as "already_shipped" that actions map to a
                                  customer-facing response

    ConfigError                   (not a BackendError) the environment is wrong;
                                  raised at start-up, never while chatting

Money is always an `int` of pence; times are timezone-aware UTC `datetime`s;
dates that customers see (estimated delivery) are plain `date`s.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from northwind_common.order_numbers import order_number_digits

RETURN_WINDOW_DAYS = 30
"""Days after delivery during which a return can be started."""


class OrderStatus(str, enum.Enum):
    """Where an order is in its life; the value is what the database/API stores."""

    PLACED = "placed"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELAYED = "delayed"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


CANCELLABLE_STATUSES = frozenset({OrderStatus.PLACED, OrderStatus.PROCESSING})
"""Statuses in which the warehouse has not yet handed the parcel to a carrier."""

WITH_CARRIER_STATUSES = frozenset(
    {
        OrderStatus.SHIPPED,
        OrderStatus.IN_TRANSIT,
        OrderStatus.DELAYED,
        OrderStatus.OUT_FOR_DELIVERY,
    }
)


class RefundStatus(str, enum.Enum):
    """A refund is pending until the payment provider confirms it."""

    PENDING = "pending"
    PROCESSED = "processed"


class NotAllowedReason(str, enum.Enum):
    """Stable reason codes carried by `NotAllowed` (and the API's 409 body)."""

    ALREADY_SHIPPED = "already_shipped"
    ALREADY_DELIVERED = "already_delivered"
    ALREADY_CANCELLED = "already_cancelled"
    ALREADY_RETURNED = "already_returned"
    NOT_DELIVERED = "not_delivered"
    RETURN_WINDOW_CLOSED = "return_window_closed"
    RETURN_ALREADY_STARTED = "return_already_started"
    ITEM_NOT_ON_ORDER = "item_not_on_order"


class BackendError(Exception):
    """Base class of everything a backend raises on purpose."""


class BackendUnavailable(BackendError):
    """The store behind the backend cannot answer right now; try later or hand off."""


class OrderNotFound(BackendError):
    """No order has this number."""

    def __init__(self, order_number: str) -> None:
        super().__init__(f"no order with number {order_number!r}")
        self.order_number = order_number


class NotAllowed(BackendError):
    """The request is understood but the order's state forbids it.

    Attributes:
        reason: a `NotAllowedReason` value (plain `str`, so an API may add codes).
        detail: a sentence for logs and agents, not for customers.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        code = str(reason.value if isinstance(reason, enum.Enum) else reason)
        super().__init__(f"{code}: {detail}" if detail else code)
        self.reason = code
        self.detail = detail


class ConfigError(Exception):
    """The backend configuration in the environment is missing or invalid."""


@dataclasses.dataclass(frozen=True)
class Customer:
    name: str
    email: str


@dataclasses.dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postcode: str
    line2: str = ""
    country: str = "GB"


@dataclasses.dataclass(frozen=True)
class OrderItem:
    sku: str
    name: str
    quantity: int
    unit_price_pence: int

    @property
    def line_total_pence(self) -> int:
        return self.quantity * self.unit_price_pence


@dataclasses.dataclass(frozen=True)
class Shipment:
    """The carrier's view of the parcel; `last_event` is the carrier's own words."""

    carrier: str
    tracking_number: str
    tracking_url: str
    shipped_at: datetime
    estimated_delivery: date | None = None
    last_event: str = ""
    last_event_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclasses.dataclass(frozen=True)
class Refund:
    reference: str
    amount_pence: int
    status: RefundStatus
    reason: str
    created_at: datetime
    processed_at: datetime | None = None


@dataclasses.dataclass(frozen=True)
class ReturnAuthorization:
    """A started return: what the customer needs to send the parcel back.

    `sku` is None when the whole order is being returned.
    """

    rma_number: str
    order_number: str
    sku: str | None
    label_url: str
    refund_amount_pence: int
    created_at: datetime


@dataclasses.dataclass(frozen=True)
class Order:
    number: str
    status: OrderStatus
    placed_at: datetime
    customer: Customer
    delivery_address: Address
    items: tuple[OrderItem, ...]
    total_pence: int
    delivery_fee_pence: int = 0
    shipment: Shipment | None = None
    refunds: tuple[Refund, ...] = ()
    returns: tuple[ReturnAuthorization, ...] = ()
    cancelled_at: datetime | None = None

    def item(self, sku: str) -> OrderItem | None:
        """The line with this SKU (case-insensitive), if the order has one."""
        wanted = sku.strip().upper()
        return next((i for i in self.items if i.sku.upper() == wanted), None)


@runtime_checkable
class OrderBackend(Protocol):
    """What custom actions may ask about orders. Every method may raise
    `BackendUnavailable`; every method taking an order number raises
    `OrderNotFound` for an unknown or malformed one."""

    async def get_order(self, order_number: str) -> Order:
        """The order with everything a customer may ask about."""
        ...

    async def verify_customer(self, order_number: str, factor: str) -> bool:
        """True if `factor` is the order's email (case/space-insensitive) or its
        delivery postcode (case- and space-insensitive)."""
        ...

    async def cancel_order(self, order_number: str) -> Order:
        """Cancel while placed/processing; raises `NotAllowed` otherwise."""
        ...

    async def start_return(self, order_number: str, sku: str | None = None) -> ReturnAuthorization:
        """Start a return of one SKU (or the whole order when `sku` is None)
        within `RETURN_WINDOW_DAYS` of delivery; raises `NotAllowed` otherwise."""
        ...

    async def get_refunds(self, order_number: str) -> list[Refund]:
        """Refunds issued for the order, oldest first."""
        ...


def normalize_order_number(raw: object) -> str:
    """Digits of an order number as customers type it ("#10482", "ord-10482").

    Raises:
        OrderNotFound: if `raw` cannot be an order number at all.
    """
    digits = order_number_digits(raw)
    if digits is None:
        raise OrderNotFound(str(raw))
    return digits
