"""(Re)build the demo order database, deterministically.

    python -m tools.orders.seed [--database-url URL] [--today YYYY-MM-DD]

Drops and recreates every table, then writes ~40 customers and 120 orders
placed over the 60 days before "today" (default: the real date), in every
status, from a fixed random seed: the same "today" always gives the same rows.

Well-known demo orders (relative to today = T; "now" is T 12:00 UTC):

| order | customer | factor | state |
|---|---|---|---|
| 10482 | Dana Whitfield | dana.whitfield@example.com / SW1A 1AA | in transit with DPD, stuck since T-9, was expected T-7 |
| 10501 | Siobhán Gallagher | siobhan.gallagher@example.com / BT9 6AA | placed today, cancellable |
| 10502 | Ciarán Doyle | ciaran.doyle@example.co.uk / CF10 3AT | processing, cancellable |
| 10377 | Zoë Harper | zoe.harper@example.com / M20 2RN | delivered T-10, returnable (2 items) |
| 10290 | Tomás Ferreira | tomas.ferreira@example.org / BS8 1TH | returned, refund of £75.00 pending |
| 10215 | Aisha Khan | aisha.khan@example.com / LS6 2AB | cancelled T-20, refund processed |
| 10160 | Gareth Price | gareth.price@example.co.uk / SA1 4PQ | delivered T-40, return window closed |
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from actions.backend.base import OrderStatus, RefundStatus
from actions.backend.sql import DEFAULT_LABEL_BASE_URL, create_order_engine
from actions.backend.sql_models import (
    Base,
    CustomerRow,
    OrderItemRow,
    OrderRow,
    RefundRow,
    ReturnRow,
    ShipmentRow,
)
from tools.orders.seed_data import (
    CARRIER_WEIGHTS,
    CARRIERS,
    CATALOGUE,
    CITIES,
    CUSTOMERS,
    DELAY_EVENTS,
    HUBS,
    INWARD_LETTERS,
    PRODUCTS,
    STREETS,
    TRACKING_URLS,
)

RANDOM_SEED = 20261125
ORDER_COUNT = 120
HISTORY_DAYS = 60
FREE_DELIVERY_FROM_PENCE = 5000
DELIVERY_FEE_PENCE = 395

DEMO_ORDER_NUMBERS = (10482, 10501, 10502, 10377, 10290, 10215, 10160)

# status -> (relative weight, youngest age in days, oldest age in days)
STATUS_PLAN: dict[OrderStatus, tuple[int, int, int]] = {
    OrderStatus.PLACED: (6, 0, 1),
    OrderStatus.PROCESSING: (8, 0, 2),
    OrderStatus.SHIPPED: (8, 1, 3),
    OrderStatus.IN_TRANSIT: (14, 2, 6),
    OrderStatus.DELAYED: (6, 5, 14),
    OrderStatus.OUT_FOR_DELIVERY: (5, 2, 6),
    OrderStatus.DELIVERED: (45, 4, HISTORY_DAYS),
    OrderStatus.CANCELLED: (10, 1, HISTORY_DAYS),
    OrderStatus.RETURNED: (8, 15, HISTORY_DAYS),
}


def seed_now(today: date) -> datetime:
    """The moment the seeded data is "as of": noon UTC on `today`.

    Pass `lambda: seed_now(today)` as the backend's clock in tests and demos.
    """
    return datetime.combine(today, time(12, 0), tzinfo=timezone.utc)


def email_for(name: str, domain: str) -> str:
    """ASCII email from a name: "Siobhán O'Neill" -> "siobhan.oneill@<domain>"."""
    folded = name.translate(str.maketrans("łŁıøØ", "lLioO"))
    ascii_name = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    local = ".".join(
        "".join(ch for ch in part if ch.isalnum() or ch == "-").lower()
        for part in ascii_name.split()
    )
    return f"{local}@{domain}"


@dataclass
class _Builder:
    """Writes rows for one seeding run; all randomness comes from `rng`."""

    session: Session
    rng: random.Random
    now: datetime
    customers: list[CustomerRow]
    addresses: dict[int, tuple[str, str, str]]

    def clip(self, moment: datetime) -> datetime:
        """No event after "now" (minus an hour, so "now" is never equal)."""
        return min(moment, self.now - timedelta(hours=1))

    def tracking_number(self, carrier: str) -> str:
        digits = lambda n: "".join(self.rng.choice("0123456789") for _ in range(n))  # noqa: E731
        if carrier == "DPD":
            return "1550" + digits(10)
        if carrier == "Royal Mail":
            letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
            return f"{letters}{digits(9)}GB"
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        return "H" + "".join(self.rng.choice(alphabet) for _ in range(15))

    def order(
        self,
        number: int,
        customer: CustomerRow,
        address: tuple[str, str, str],
        status: OrderStatus,
        placed_at: datetime,
        lines: Sequence[tuple[str, int]],
    ) -> OrderRow:
        items = [
            OrderItemRow(
                sku=sku, name=PRODUCTS[sku][0], quantity=qty, unit_price_pence=PRODUCTS[sku][1]
            )
            for sku, qty in lines
        ]
        subtotal = sum(i.quantity * i.unit_price_pence for i in items)
        fee = 0 if subtotal >= FREE_DELIVERY_FROM_PENCE else DELIVERY_FEE_PENCE
        line1, city, postcode = address
        row = OrderRow(
            number=number,
            customer=customer,
            status=status.value,
            placed_at=placed_at,
            address_line1=line1,
            address_line2="",
            city=city,
            postcode=postcode,
            country="GB",
            delivery_fee_pence=fee,
            total_pence=subtotal + fee,
            items=items,
        )
        self.session.add(row)
        return row

    def ship(
        self,
        row: OrderRow,
        carrier: str,
        shipped_at: datetime,
        estimated: date,
        last_event: str,
        last_event_at: datetime,
        delivered_at: datetime | None = None,
    ) -> None:
        tracking = self.tracking_number(carrier)
        row.shipment = ShipmentRow(
            carrier=carrier,
            tracking_number=tracking,
            tracking_url=TRACKING_URLS[carrier].format(tracking),
            shipped_at=shipped_at,
            estimated_delivery=estimated,
            last_event=last_event,
            last_event_at=last_event_at,
            delivered_at=delivered_at,
        )

    def refund(
        self, row: OrderRow, amount: int, reason: str, at: datetime, processed_at: datetime | None
    ) -> None:
        row.refunds.append(
            RefundRow(
                reference=f"RF-{row.number}-{len(row.refunds) + 1}",
                amount_pence=amount,
                status=(RefundStatus.PROCESSED if processed_at else RefundStatus.PENDING).value,
                reason=reason,
                created_at=at,
                processed_at=processed_at,
            )
        )

    def authorise_return(
        self, row: OrderRow, sku: str | None, amount: int, at: datetime, status: str
    ) -> None:
        rma = f"RMA-{row.number}-{len(row.returns) + 1:02d}"
        row.returns.append(
            ReturnRow(
                rma_number=rma,
                sku=sku,
                label_url=f"{DEFAULT_LABEL_BASE_URL}{rma}.pdf",
                refund_amount_pence=amount,
                status=status,
                created_at=at,
            )
        )

    # --- random orders ---------------------------------------------------------

    def random_lines(self) -> list[tuple[str, int]]:
        skus = self.rng.sample(
            [sku for sku, _, _ in CATALOGUE], self.rng.choice((1, 1, 1, 2, 2, 3))
        )
        return [
            (sku, 2 if PRODUCTS[sku][1] < 2500 and self.rng.random() < 0.3 else 1) for sku in skus
        ]

    def random_order(self, number: int, status: OrderStatus, age_days: int) -> None:
        customer = self.rng.choice(self.customers)
        address = self.addresses[customer.id]
        placed_at = self.clip(self.now - timedelta(days=age_days, minutes=self.rng.randint(0, 600)))
        row = self.order(number, customer, address, status, placed_at, self.random_lines())
        if status is OrderStatus.CANCELLED:
            row.cancelled_at = self.clip(placed_at + timedelta(hours=self.rng.randint(1, 20)))
            processed = row.cancelled_at + timedelta(days=3)
            self.refund(
                row,
                row.total_pence,
                "Order cancelled",
                row.cancelled_at,
                processed if processed < self.now else None,
            )
            return
        if status in (OrderStatus.PLACED, OrderStatus.PROCESSING):
            return
        carrier = self.rng.choices(CARRIERS, CARRIER_WEIGHTS)[0]
        shipped_at = self.clip(placed_at + timedelta(hours=self.rng.randint(16, 30)))
        estimated = (shipped_at + timedelta(days=self.rng.randint(2, 3))).date()
        hub = self.rng.choice(HUBS[carrier])
        if status is OrderStatus.SHIPPED:
            self.ship(
                row, carrier, shipped_at, estimated, f"Parcel handed to {carrier}", shipped_at
            )
        elif status is OrderStatus.IN_TRANSIT:
            event_at = self.clip(shipped_at + timedelta(hours=self.rng.randint(8, 20)))
            self.ship(
                row, carrier, shipped_at, estimated, f"Parcel at {carrier} hub, {hub}", event_at
            )
        elif status is OrderStatus.DELAYED:
            event_at = self.clip(shipped_at + timedelta(days=self.rng.randint(1, 3)))
            estimated = estimated + timedelta(days=self.rng.randint(2, 6))
            self.ship(row, carrier, shipped_at, estimated, self.rng.choice(DELAY_EVENTS), event_at)
        elif status is OrderStatus.OUT_FOR_DELIVERY:
            event_at = self.now - timedelta(hours=self.rng.randint(2, 5))
            self.ship(row, carrier, shipped_at, event_at.date(), "Out for delivery", event_at)
        else:  # delivered or returned
            delivered_at = self.clip(shipped_at + timedelta(days=self.rng.randint(1, 3), hours=3))
            where = self.rng.choice(("handed to customer", "left in porch", "left with neighbour"))
            self.ship(
                row,
                carrier,
                shipped_at,
                estimated,
                f"Delivered, {where}",
                delivered_at,
                delivered_at,
            )
            self.after_delivery(row, status, delivered_at)

    def after_delivery(self, row: OrderRow, status: OrderStatus, delivered_at: datetime) -> None:
        if status is OrderStatus.RETURNED:
            started = self.clip(delivered_at + timedelta(days=self.rng.randint(2, 10)))
            received = self.clip(started + timedelta(days=self.rng.randint(2, 4)))
            self.authorise_return(row, None, row.total_pence, started, "received")
            processed = received + timedelta(days=2)
            self.refund(
                row,
                row.total_pence,
                "Return received",
                received,
                processed if processed < self.now and self.rng.random() < 0.8 else None,
            )
        elif self.rng.random() < 0.12 and (self.now - delivered_at).days <= 25:
            item = row.items[0]
            started = self.clip(delivered_at + timedelta(days=self.rng.randint(1, 4)))
            self.authorise_return(
                row, item.sku, item.quantity * item.unit_price_pence, started, "authorised"
            )


def _random_address(rng: random.Random) -> tuple[str, str, str]:
    city, outwards = rng.choice(CITIES)
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}", city, f"{rng.choice(outwards)} {inward}"


def _demo_orders(b: _Builder) -> None:
    """The documented orders (see the module docstring); tests rely on them."""
    c = {row.name: row for row in b.customers}
    now, addr = b.now, b.addresses

    def at(days_ago: float, hour: int = 10) -> datetime:
        return datetime.combine(
            now.date() - timedelta(days=days_ago), time(hour), tzinfo=timezone.utc
        )

    dana = c["Dana Whitfield"]
    row = b.order(10482, dana, addr[dana.id], OrderStatus.IN_TRANSIT, at(11, 19), [("SHO-001", 1)])
    b.ship(
        row,
        "DPD",
        at(10, 8),
        (now - timedelta(days=7)).date(),
        "Parcel at DPD hub, Hinckley",
        at(9, 6),
    )
    assert row.shipment is not None  # set just above
    row.shipment.tracking_number = "15501048200042"
    row.shipment.tracking_url = TRACKING_URLS["DPD"].format("15501048200042")

    siobhan = c["Siobhán Gallagher"]
    b.order(
        10501,
        siobhan,
        addr[siobhan.id],
        OrderStatus.PLACED,
        now - timedelta(hours=2),
        [("CLO-001", 1), ("SHO-007", 1)],
    )

    ciaran = c["Ciarán Doyle"]
    b.order(10502, ciaran, addr[ciaran.id], OrderStatus.PROCESSING, at(1, 16), [("HOM-006", 1)])

    def demo(
        number: int, name: str, status: OrderStatus, placed: datetime, lines: list[tuple[str, int]]
    ) -> OrderRow:
        customer = c[name]
        return b.order(number, customer, addr[customer.id], status, placed, lines)

    def arrived(
        row: OrderRow, carrier: str, shipped: datetime, eta_days_ago: int, how: str, at: datetime
    ) -> None:
        """Shipped, and delivered ``at`` (also its last tracking event)."""
        b.ship(row, carrier, shipped, (now - timedelta(days=eta_days_ago)).date(), how, at, at)

    lines = [("OUT-001", 1), ("OUT-005", 1)]
    row = demo(10377, "Zoë Harper", OrderStatus.DELIVERED, at(14, 9), lines)
    arrived(row, "Royal Mail", at(13, 15), 10, "Delivered, left in porch", at(10, 13))

    row = demo(10290, "Tomás Ferreira", OrderStatus.RETURNED, at(30, 11), [("HOM-001", 1)])
    arrived(row, "Evri", at(29, 14), 26, "Delivered, handed to customer", at(25, 12))
    b.authorise_return(row, None, row.total_pence, at(8, 9), "received")
    b.refund(row, row.total_pence, "Return received", at(3, 10), None)

    row = demo(10215, "Aisha Khan", OrderStatus.CANCELLED, at(21, 20), [("CLO-004", 1)])
    row.cancelled_at = at(20, 9)
    b.refund(row, row.total_pence, "Order cancelled", at(20, 9), at(17, 15))

    lines = [("SHO-004", 1), ("OUT-006", 1)]
    row = demo(10160, "Gareth Price", OrderStatus.DELIVERED, at(44, 8), lines)
    arrived(row, "DPD", at(43, 12), 41, "Delivered, handed to customer", at(40, 11))


def build_rows(session: Session, today: date) -> None:
    """Add every customer and order for `today` to `session` (no commit)."""
    rng = random.Random(RANDOM_SEED)
    customers: list[CustomerRow] = []
    addresses: dict[int, tuple[str, str, str]] = {}
    for index, (name, domain, address) in enumerate(CUSTOMERS, start=1):
        customers.append(CustomerRow(id=index, name=name, email=email_for(name, domain)))
        addresses[index] = address or _random_address(rng)
    session.add_all(customers)
    builder = _Builder(session, rng, seed_now(today), customers, addresses)
    _demo_orders(builder)

    free_numbers = [n for n in range(10100, 10600) if n not in DEMO_ORDER_NUMBERS]
    numbers = sorted(rng.sample(free_numbers, ORDER_COUNT - len(DEMO_ORDER_NUMBERS)))
    statuses = list(STATUS_PLAN)
    weights = [STATUS_PLAN[s][0] for s in statuses]
    # every status at least once, the rest by weight
    planned = statuses + rng.choices(statuses, weights, k=len(numbers) - len(statuses))
    ages = [rng.randint(STATUS_PLAN[s][1], STATUS_PLAN[s][2]) for s in planned]
    # older orders get lower numbers, as a real shop's counter would
    plan = sorted(zip(ages, range(len(planned)), planned), key=lambda p: (-p[0], p[1]))
    for number, (age, _, status) in zip(numbers, plan):
        builder.random_order(number, status, age)


def reset_database(engine: Engine) -> None:
    """Drop and recreate every table of the order database."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def seed_database(database_url: str, today: date) -> dict[str, int]:
    """Rebuild the database at `database_url` for `today`; returns row counts."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_order_engine(database_url)
    try:
        reset_database(engine)
        with Session(engine, future=True) as session, session.begin():
            build_rows(session, today)
        with Session(engine, future=True) as session:
            return {
                table.name: len(session.execute(table.select()).all())
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    from actions.backend.factory import load_settings

    parser = argparse.ArgumentParser(
        prog="python -m tools.orders.seed", description="(Re)build the demo order database."
    )
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL (default: ORDER_DATABASE_URL or var/orders.db)"
    )
    parser.add_argument(
        "--today", type=_parse_day, default=date.today(), help="YYYY-MM-DD the data is relative to"
    )
    args = parser.parse_args(argv)
    database_url = args.database_url
    if not database_url:
        database_url = load_settings({**os.environ, "ORDER_BACKEND": "sql"}).database_url
    counts = seed_database(database_url, args.today)
    safe_url = make_url(database_url).render_as_string(hide_password=True)
    summary = ", ".join(f"{count} {table}" for table, count in counts.items())
    print(f"seeded {safe_url} for {args.today.isoformat()}: {summary}")
    numbers = ", ".join(str(n) for n in DEMO_ORDER_NUMBERS)
    print(f"demo orders: {numbers} (see docs/order-api.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
