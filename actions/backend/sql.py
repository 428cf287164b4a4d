"""`SqlOrderBackend`: the order backend on the demo database (SQLite or PostgreSQL).

SQLAlchemy is synchronous, and actions run on rasa_sdk's event loop, so every
operation runs in a worker thread (`asyncio.to_thread`) inside one transaction
(`with SessionFactory.begin()`). The engine is created on first use, never at
import time (rasa_sdk imports every module of `actions/` at start-up).

The data-access functions below take `*, session` and never commit; the
backend's operations own the transaction.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.pool import StaticPool

from actions.backend import rules
from actions.backend.base import (
    Address,
    BackendUnavailable,
    Customer,
    Order,
    OrderItem,
    OrderNotFound,
    OrderStatus,
    Refund,
    RefundStatus,
    ReturnAuthorization,
    Shipment,
    normalize_order_number,
)
from actions.backend.sql_models import OrderRow, RefundRow, ReturnRow
from northwind_common.store_clock import Clock, store_date, utc_now

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_LABEL_BASE_URL = "https://returns.example.com/labels/"
"""Where the (pretend) carrier keeps printable return labels: `<base><RMA>.pdf`."""


def create_order_engine(database_url: str) -> Engine:
    """An engine that is safe to use from worker threads.

    SQLite connections may move between threads (`check_same_thread=False`); an
    in-memory SQLite database is shared through one connection (`StaticPool`),
    otherwise every thread would see its own empty database.
    """
    url = make_url(database_url)
    options: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False}
        if url.database in (None, "", ":memory:"):
            options["poolclass"] = StaticPool
    elif url.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": 5}
    return create_engine(url, **options)


# --- data access (no commits) -------------------------------------------------


def find_order(number: str, *, session: Session, for_update: bool = False) -> OrderRow | None:
    """The order row with everything `order_from_row` reads, loaded up front."""
    query = (
        select(OrderRow)
        .where(OrderRow.number == int(number))
        .options(
            selectinload(OrderRow.customer),
            selectinload(OrderRow.items),
            selectinload(OrderRow.shipment),
            selectinload(OrderRow.refunds),
            selectinload(OrderRow.returns),
        )
    )
    if for_update:
        query = query.with_for_update(of=OrderRow)
    row: OrderRow | None = session.execute(query).scalars().first()
    return row


def get_order_row(number: str, *, session: Session, for_update: bool = False) -> OrderRow:
    row = find_order(number, session=session, for_update=for_update)
    if row is None:
        raise OrderNotFound(number)
    return row


def add_refund(
    row: OrderRow, *, amount_pence: int, reason: str, at: datetime, session: Session
) -> RefundRow:
    """A pending refund with the next reference, e.g. "RF-10501-1"."""
    refund = RefundRow(
        reference=f"RF-{row.number}-{len(row.refunds) + 1}",
        amount_pence=amount_pence,
        status=RefundStatus.PENDING.value,
        reason=reason,
        created_at=at,
    )
    row.refunds.append(refund)
    session.flush()
    return refund


def add_return(
    row: OrderRow,
    *,
    sku: str | None,
    refund_amount_pence: int,
    label_base_url: str,
    at: datetime,
    session: Session,
) -> ReturnRow:
    """An authorised return with the next RMA number, e.g. "RMA-10377-01"."""
    rma_number = f"RMA-{row.number}-{len(row.returns) + 1:02d}"
    authorised = ReturnRow(
        rma_number=rma_number,
        sku=sku,
        label_url=f"{label_base_url}{rma_number}.pdf",
        refund_amount_pence=refund_amount_pence,
        created_at=at,
    )
    row.returns.append(authorised)
    session.flush()
    return authorised


# --- storage shapes -> domain shapes -----------------------------------------


def order_from_row(row: OrderRow) -> Order:
    ship = row.shipment
    return Order(
        number=str(row.number),
        status=OrderStatus(row.status),
        placed_at=row.placed_at,
        cancelled_at=row.cancelled_at,
        customer=Customer(name=row.customer.name, email=row.customer.email),
        delivery_address=Address(
            line1=row.address_line1,
            line2=row.address_line2 or "",
            city=row.city,
            postcode=row.postcode,
            country=row.country,
        ),
        items=tuple(
            OrderItem(
                sku=i.sku, name=i.name, quantity=i.quantity, unit_price_pence=i.unit_price_pence
            )
            for i in row.items
        ),
        total_pence=row.total_pence,
        delivery_fee_pence=row.delivery_fee_pence,
        shipment=None
        if ship is None
        else Shipment(
            carrier=ship.carrier,
            tracking_number=ship.tracking_number,
            tracking_url=ship.tracking_url,
            shipped_at=ship.shipped_at,
            estimated_delivery=ship.estimated_delivery,
            last_event=ship.last_event or "",
            last_event_at=ship.last_event_at,
            delivered_at=ship.delivered_at,
        ),
        refunds=tuple(refund_from_row(r) for r in row.refunds),
        returns=tuple(return_from_row(r, row.number) for r in row.returns),
    )


def refund_from_row(row: RefundRow) -> Refund:
    return Refund(
        reference=row.reference,
        amount_pence=row.amount_pence,
        status=RefundStatus(row.status),
        reason=row.reason or "",
        created_at=row.created_at,
        processed_at=row.processed_at,
    )


def return_from_row(row: ReturnRow, order_number: int) -> ReturnAuthorization:
    return ReturnAuthorization(
        rma_number=row.rma_number,
        order_number=str(order_number),
        sku=row.sku,
        label_url=row.label_url,
        refund_amount_pence=row.refund_amount_pence,
        created_at=row.created_at,
    )


# --- the backend ----------------------------------------------------------------


class SqlOrderBackend:
    """`OrderBackend` on a SQLAlchemy database seeded by `tools.orders.seed`.

    Args:
        database_url: any SQLAlchemy URL, e.g. "sqlite:////abs/var/orders.db".
        clock: returns "now" as aware UTC; tests pin it to the seed's date.
        label_base_url: prefix of return-label URLs.
    """

    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock = utc_now,
        label_base_url: str = DEFAULT_LABEL_BASE_URL,
    ) -> None:
        self.database_url = database_url
        self._clock = clock
        self._label_base_url = label_base_url
        self._engine: Engine | None = None
        self._sessions: sessionmaker | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        safe_url = make_url(self.database_url).render_as_string(hide_password=True)
        return f"SqlOrderBackend({safe_url!r})"

    def _session_factory(self) -> sessionmaker:
        with self._lock:
            if self._sessions is None:
                self._engine = create_order_engine(self.database_url)
                self._sessions = sessionmaker(self._engine, future=True, expire_on_commit=False)
            return self._sessions

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown); the next call reconnects."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine, self._sessions = None, None

    async def _run(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self._run_in_transaction, work)

    def _run_in_transaction(self, work: Callable[[Session], T]) -> T:
        try:
            with self._session_factory().begin() as session:
                return work(session)
        except SQLAlchemyError as error:
            logger.warning("order database failed: %s", error.__class__.__name__, exc_info=True)
            raise BackendUnavailable("the order database is not reachable") from error

    async def get_order(self, order_number: str) -> Order:
        number = normalize_order_number(order_number)
        return await self._run(lambda s: order_from_row(get_order_row(number, session=s)))

    async def verify_customer(self, order_number: str, factor: str) -> bool:
        order = await self.get_order(order_number)
        return rules.matches_factor(order, factor)

    async def cancel_order(self, order_number: str) -> Order:
        number = normalize_order_number(order_number)

        def cancel(session: Session) -> Order:
            row = get_order_row(number, session=session, for_update=True)
            rules.check_cancellable(order_from_row(row))
            now = self._clock()
            row.status = OrderStatus.CANCELLED.value
            row.cancelled_at = now
            add_refund(
                row, amount_pence=row.total_pence, reason="Order cancelled", at=now, session=session
            )
            return order_from_row(row)

        return await self._run(cancel)

    async def start_return(self, order_number: str, sku: str | None = None) -> ReturnAuthorization:
        number = normalize_order_number(order_number)

        def start(session: Session) -> ReturnAuthorization:
            row = get_order_row(number, session=session, for_update=True)
            now = self._clock()
            line_sku, amount = rules.plan_return(order_from_row(row), sku, store_date(now))
            authorised = add_return(
                row,
                sku=line_sku,
                refund_amount_pence=amount,
                label_base_url=self._label_base_url,
                at=now,
                session=session,
            )
            return return_from_row(authorised, row.number)

        return await self._run(start)

    async def get_refunds(self, order_number: str) -> list[Refund]:
        order = await self.get_order(order_number)
        return list(order.refunds)
