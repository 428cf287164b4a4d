"""SQLAlchemy tables of the demo order database (storage shapes only).

Works on SQLite and PostgreSQL. Times are stored as naive UTC and come back
timezone-aware (`UtcDateTime`), so both databases behave the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

from northwind_common.utc_datetime import UtcDateTime

_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """The order database's declarative base, spelled as a class so type checkers see a type.

    SQLAlchemy 1.4's ``declarative_base()`` returns a class mypy cannot use as a base.
    """

    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata

    if TYPE_CHECKING:  # the constructor takes the columns as keywords

        def __init__(self, **columns: Any) -> None: ...

    else:
        __init__ = _registry.constructor


class CustomerRow(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    email = Column(String(254), nullable=False, unique=True)

    orders: list[OrderRow] = relationship("OrderRow", back_populates="customer")


class OrderRow(Base):
    __tablename__ = "orders"

    number = Column(Integer, primary_key=True, autoincrement=False)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    status = Column(String(20), nullable=False)
    placed_at = Column(UtcDateTime, nullable=False)
    cancelled_at = Column(UtcDateTime)
    address_line1 = Column(String(200), nullable=False)
    address_line2 = Column(String(200), nullable=False, default="")
    city = Column(String(100), nullable=False)
    postcode = Column(String(10), nullable=False)
    country = Column(String(2), nullable=False, default="GB")
    delivery_fee_pence = Column(Integer, nullable=False, default=0)
    total_pence = Column(Integer, nullable=False)

    customer: CustomerRow = relationship("CustomerRow", back_populates="orders")
    items: list[OrderItemRow] = relationship(
        "OrderItemRow", order_by="OrderItemRow.id", cascade="all, delete-orphan"
    )
    shipment: ShipmentRow | None = relationship(
        "ShipmentRow", uselist=False, cascade="all, delete-orphan"
    )
    refunds: list[RefundRow] = relationship(
        "RefundRow", order_by="RefundRow.id", cascade="all, delete-orphan"
    )
    returns: list[ReturnRow] = relationship(
        "ReturnRow", order_by="ReturnRow.id", cascade="all, delete-orphan"
    )


class OrderItemRow(Base):
    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    sku = Column(String(20), nullable=False)
    name = Column(String(120), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price_pence = Column(Integer, nullable=False)


class ShipmentRow(Base):
    __tablename__ = "shipments"

    id = Column(Integer, primary_key=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, unique=True)
    carrier = Column(String(40), nullable=False)
    tracking_number = Column(String(40), nullable=False)
    tracking_url = Column(String(300), nullable=False)
    shipped_at = Column(UtcDateTime, nullable=False)
    estimated_delivery = Column(Date)
    last_event = Column(String(200), nullable=False, default="")
    last_event_at = Column(UtcDateTime)
    delivered_at = Column(UtcDateTime)


class RefundRow(Base):
    __tablename__ = "refunds"

    id = Column(Integer, primary_key=True)
    reference = Column(String(30), nullable=False, unique=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    amount_pence = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False)
    reason = Column(String(200), nullable=False, default="")
    created_at = Column(UtcDateTime, nullable=False)
    processed_at = Column(UtcDateTime)


class ReturnRow(Base):
    __tablename__ = "returns"
    __table_args__ = (UniqueConstraint("order_number", "sku", name="uq_return_order_sku"),)

    id = Column(Integer, primary_key=True)
    rma_number = Column(String(30), nullable=False, unique=True)
    order_number = Column(ForeignKey("orders.number"), nullable=False, index=True)
    sku = Column(String(20))  # NULL: the whole order
    label_url = Column(String(300), nullable=False)
    refund_amount_pence = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False, default="authorised")
    created_at = Column(UtcDateTime, nullable=False)
