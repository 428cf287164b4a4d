"""Order backend: look up, verify, cancel and return orders (see `base`).

Actions use `get_backend()` and the names re-exported here; which backend runs
is configuration (`ORDER_BACKEND`), see `factory`.
"""

from actions.backend.base import (
    Address,
    BackendError,
    BackendUnavailable,
    ConfigError,
    Customer,
    NotAllowed,
    NotAllowedReason,
    Order,
    OrderBackend,
    OrderItem,
    OrderNotFound,
    OrderStatus,
    Refund,
    RefundStatus,
    ReturnAuthorization,
    Shipment,
    normalize_order_number,
)
from actions.backend.describe import describe_last_event, describe_status, format_money
from actions.backend.factory import get_backend

__all__ = [
    "Address",
    "BackendError",
    "BackendUnavailable",
    "ConfigError",
    "Customer",
    "NotAllowed",
    "NotAllowedReason",
    "Order",
    "OrderBackend",
    "OrderItem",
    "OrderNotFound",
    "OrderStatus",
    "Refund",
    "RefundStatus",
    "ReturnAuthorization",
    "Shipment",
    "describe_last_event",
    "describe_status",
    "format_money",
    "get_backend",
    "normalize_order_number",
]
