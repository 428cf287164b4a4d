"""JSON shapes of the order API (docs/order-api.md) <-> the dataclasses in `base`.

`HttpOrderBackend` parses with the `*_from_json` functions; the stub API renders
with the `*_to_json` functions, so both sides of the contract share one mapping.
Times are ISO-8601 UTC ("2026-11-17T06:00:00Z"), dates "YYYY-MM-DD", money pence.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any

from actions.backend.base import (
    Address,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Refund,
    RefundStatus,
    ReturnAuthorization,
    Shipment,
)

Json = dict[str, Any]


class WireFormatError(ValueError):
    """A JSON body does not have the documented shape."""


def _time_to_json(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time_from_json(text: Any) -> datetime | None:
    """An optional time: ``None`` stays ``None``."""
    return None if text is None else _required_time_from_json(text)


def _required_time_from_json(text: Any) -> datetime:
    """A time that must be there; ``None`` is malformed, like any other non-time."""
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return (
        moment.replace(tzinfo=timezone.utc)
        if moment.tzinfo is None
        else moment.astimezone(timezone.utc)
    )


def _date_from_json(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def _pence(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireFormatError(f"money must be an integer of pence, got {value!r}")
    return value


def order_to_json(order: Order) -> Json:
    ship = order.shipment
    return {
        "number": order.number,
        "status": order.status.value,
        "placed_at": _time_to_json(order.placed_at),
        "cancelled_at": _time_to_json(order.cancelled_at),
        "customer": {"name": order.customer.name, "email": order.customer.email},
        "delivery_address": {
            "line1": order.delivery_address.line1,
            "line2": order.delivery_address.line2,
            "city": order.delivery_address.city,
            "postcode": order.delivery_address.postcode,
            "country": order.delivery_address.country,
        },
        "items": [
            {
                "sku": i.sku,
                "name": i.name,
                "quantity": i.quantity,
                "unit_price_pence": i.unit_price_pence,
            }
            for i in order.items
        ],
        "delivery_fee_pence": order.delivery_fee_pence,
        "total_pence": order.total_pence,
        "shipment": None
        if ship is None
        else {
            "carrier": ship.carrier,
            "tracking_number": ship.tracking_number,
            "tracking_url": ship.tracking_url,
            "shipped_at": _time_to_json(ship.shipped_at),
            "estimated_delivery": ship.estimated_delivery.isoformat()
            if ship.estimated_delivery
            else None,
            "last_event": ship.last_event,
            "last_event_at": _time_to_json(ship.last_event_at),
            "delivered_at": _time_to_json(ship.delivered_at),
        },
        "refunds": [refund_to_json(r) for r in order.refunds],
        "returns": [return_to_json(r) for r in order.returns],
    }


def refund_to_json(refund: Refund) -> Json:
    return {
        "reference": refund.reference,
        "amount_pence": refund.amount_pence,
        "status": refund.status.value,
        "reason": refund.reason,
        "created_at": _time_to_json(refund.created_at),
        "processed_at": _time_to_json(refund.processed_at),
    }


def return_to_json(authorisation: ReturnAuthorization) -> Json:
    return {
        "rma_number": authorisation.rma_number,
        "order_number": authorisation.order_number,
        "sku": authorisation.sku,
        "label_url": authorisation.label_url,
        "refund_amount_pence": authorisation.refund_amount_pence,
        "created_at": _time_to_json(authorisation.created_at),
    }


def order_from_json(data: Any) -> Order:
    """Parse an order body.

    Raises:
        WireFormatError: a field is missing or has the wrong type/value.
    """
    try:
        ship = data.get("shipment")
        address = data["delivery_address"]
        return Order(
            number=str(data["number"]),
            status=OrderStatus(data["status"]),
            placed_at=_required_time_from_json(data["placed_at"]),
            cancelled_at=_time_from_json(data.get("cancelled_at")),
            customer=Customer(
                name=str(data["customer"]["name"]), email=str(data["customer"]["email"])
            ),
            delivery_address=Address(
                line1=str(address["line1"]),
                line2=str(address.get("line2") or ""),
                city=str(address["city"]),
                postcode=str(address["postcode"]),
                country=str(address.get("country") or "GB"),
            ),
            items=tuple(
                OrderItem(
                    sku=str(i["sku"]),
                    name=str(i["name"]),
                    quantity=int(i["quantity"]),
                    unit_price_pence=_pence(i["unit_price_pence"]),
                )
                for i in data["items"]
            ),
            delivery_fee_pence=_pence(data.get("delivery_fee_pence", 0)),
            total_pence=_pence(data["total_pence"]),
            shipment=None if ship is None else _shipment_from_json(ship),
            refunds=tuple(refund_from_json(r) for r in data.get("refunds") or ()),
            returns=tuple(return_from_json(r) for r in data.get("returns") or ()),
        )
    except WireFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise WireFormatError(f"bad order JSON: {error!r}") from error


def _shipment_from_json(ship: Mapping[str, Any]) -> Shipment:
    return Shipment(
        carrier=str(ship["carrier"]),
        tracking_number=str(ship["tracking_number"]),
        tracking_url=str(ship["tracking_url"]),
        shipped_at=_required_time_from_json(ship["shipped_at"]),
        estimated_delivery=_date_from_json(ship.get("estimated_delivery")),
        last_event=str(ship.get("last_event") or ""),
        last_event_at=_time_from_json(ship.get("last_event_at")),
        delivered_at=_time_from_json(ship.get("delivered_at")),
    )


def refund_from_json(data: Any) -> Refund:
    try:
        return Refund(
            reference=str(data["reference"]),
            amount_pence=_pence(data["amount_pence"]),
            status=RefundStatus(data["status"]),
            reason=str(data.get("reason") or ""),
            created_at=_required_time_from_json(data["created_at"]),
            processed_at=_time_from_json(data.get("processed_at")),
        )
    except WireFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise WireFormatError(f"bad refund JSON: {error!r}") from error


def refunds_from_json(data: Any) -> list[Refund]:
    try:
        return [refund_from_json(r) for r in data["refunds"]]
    except (KeyError, TypeError) as error:
        raise WireFormatError(f"bad refunds JSON: {error!r}") from error


def return_from_json(data: Any) -> ReturnAuthorization:
    try:
        return ReturnAuthorization(
            rma_number=str(data["rma_number"]),
            order_number=str(data["order_number"]),
            sku=None if data.get("sku") is None else str(data["sku"]),
            label_url=str(data["label_url"]),
            refund_amount_pence=_pence(data["refund_amount_pence"]),
            created_at=_required_time_from_json(data["created_at"]),
        )
    except WireFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise WireFormatError(f"bad return JSON: {error!r}") from error
