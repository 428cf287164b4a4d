"""Benchmark of the inbox (not a test): API latency with a realistic amount of data and
the time from a handoff's creation to its row on a connected agent's queue page.

    .venv/bin/python scripts/bench_inbox.py                       # SQLite in a temp dir
    .venv/bin/python scripts/bench_inbox.py --database-url postgresql://postgres@127.0.0.1:5432/inbox_bench
    .venv/bin/python scripts/bench_inbox.py --output docs/benchmarks-inbox.md

Seeds 1,000 open and 50,000 closed conversations (3 messages each; the closed ones
spread over four agents, four outcomes, a rating on two in five and an abusive customer
in one in twenty), starts
``python -m inbox serve`` in a subprocess on a free port, measures with httpx and a
headless Debian chromium (Playwright), and prints a Markdown report.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox import migrate  # noqa: E402
from inbox.agent_tools.models import CannedReply  # noqa: E402
from inbox.auth.security import hash_password  # noqa: E402
from inbox.models import Agent, Handoff, Message, Rating  # noqa: E402
from tests.browser import launch_chromium  # noqa: E402

NAMES = [
    "Dana Whitfield",
    "Sam Okafor",
    "Lea Martin",
    "Ravi Patel",
    "Mia Chen",
    "Tom Walsh",
    "Ana Costa",
]
PRIORITIES = [("low", 0), ("normal", 1), ("high", 2), ("urgent", 3)]
PASSWORD = "benchmark-password-1"
COLLEAGUES = [("sam", "Sam"), ("kim", "Kim"), ("lee", "Lee")]
OUTCOMES = ["resolved", "resolved", "handed_back", "abandoned", "customer_ended"]


def summary(name: str, order: str, n: int) -> dict:
    return {
        "version": 1,
        "customer": {"name": name, "email": f"c{n}@example.com", "verified": n % 3 != 0},
        "goal": f"Find out why order {order} has not arrived",
        "facts": {
            "order_number": order,
            "order_status": "in transit since 3 June",
            "items": ["Trail running shoes"],
        },
        "bot_attempts": [{"what": f"Looked up order {order}", "outcome": "ok"}],
        "escalation": {
            "trigger": "frustration",
            "reasons": ["3 failed attempts"],
            "explanation": "sentiment falling",
            "timeline": [
                {"turn": t, "score": round(t / 6, 2), "level": "annoyed"} for t in range(1, 6)
            ],
        },
        "priority": "normal",
        "suggested_opening": f"Hi {name.split()[0]}, I can see order {order}.",
        "transcript": [
            {
                "speaker": "customer",
                "text": f"where is order {order}",
                "at": "2026-11-25T09:58:00Z",
            },
            {"speaker": "bot", "text": "Let me check that for you.", "at": "2026-11-25T09:58:01Z"},
        ],
    }


def seed(url: str, open_count: int, closed_count: int) -> list[str]:
    """Insert agents, handoffs and messages in bulk; return the open keys."""
    migrate.upgrade(url)
    engine = create_engine(url, future=True)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rng = random.Random(7)
    open_keys: list[str] = []
    with engine.begin() as conn:
        conn.execute(
            Agent.__table__.insert(),
            [
                {
                    "username": "bench",
                    "display_name": "Bench",
                    "password_hash": hash_password(PASSWORD),
                    "role": "admin",
                    "available": True,
                    "active": True,
                    "created_at": now,
                }
            ],
        )
        agent_id = conn.execute(text("SELECT id FROM agents WHERE username = 'bench'")).scalar_one()
        conn.execute(
            Agent.__table__.insert(),
            [
                {
                    "username": u,
                    "display_name": d,
                    "password_hash": "x",
                    "role": "agent",
                    "available": True,
                    "active": True,
                    "created_at": now,
                }
                for u, d in COLLEAGUES
            ],
        )
        closers = [agent_id] + list(
            conn.execute(
                text("SELECT id FROM agents WHERE username != 'bench' ORDER BY id")
            ).scalars()
        )
        conn.execute(
            CannedReply.__table__.insert(),
            [
                {
                    "shortcut": f"reply{i}",
                    "title": f"Reply {i}",
                    "body": "Hi {first_name}, about order {order_number}: {order_status}.",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(30)
            ],
        )
    total = open_count + closed_count
    batch = 2000
    next_id = 1
    for start in range(0, total, batch):
        handoffs, messages, ratings = [], [], []
        for n in range(start, min(total, start + batch)):
            is_open = n < open_count
            key = str(uuid.uuid4())
            name = rng.choice(NAMES)
            order = str(10000 + n)
            created = now - timedelta(
                minutes=rng.randint(1, 600) if is_open else rng.randint(600, 600_000)
            )
            prio, rank = rng.choice(PRIORITIES)
            status = (
                "waiting" if is_open and n % 4 else ("claimed" if is_open else rng.choice(OUTCOMES))
            )
            closer = rng.choice(closers) if status != "abandoned" else None
            handoffs.append(
                {
                    "id": next_id,
                    "key": key,
                    "conversation_id": f"web-{key[:12]}",
                    "channel": "socketio",
                    "created_at": created,
                    "received_at": created,
                    "priority": prio,
                    "priority_rank": rank,
                    "reason": "3 failed attempts to find the order; asked for a person",
                    "frustration_level": "annoyed",
                    "summary": summary(name, order, n),
                    "brief": f"{name} wants to know where order {order} is.",
                    "suggested_opening": f"Hi, I can see order {order}.",
                    "customer_name": name,
                    "customer_email": f"c{n}@example.com",
                    "order_number": order,
                    "search_text": f"{name}\nc{n}@example.com\n{order}\nwhere is order {order}".lower(),
                    "status": status,
                    "claimed_by_id": (agent_id if is_open else closer)
                    if status != "waiting"
                    else None,
                    "claimed_at": created + timedelta(minutes=3) if status != "waiting" else None,
                    "closed_at": created + timedelta(minutes=20) if not is_open else None,
                    "resolution": "sorted" if not is_open else None,
                }
            )
            for m in range(3):
                messages.append(
                    {
                        "handoff_id": next_id,
                        "message_id": f"m{m}",
                        "sender": "customer" if m != 1 else "agent",
                        "text": f"message {m} about order {order}",
                        "sent_at": created + timedelta(minutes=m),
                        "received_at": created + timedelta(minutes=m),
                        "agent_id": agent_id if m == 1 else None,
                        "agent_name": "Bench" if m == 1 else None,
                        "delivery_status": "delivered" if m == 1 else None,
                        "abusive": m == 2 and n % 20 == 0,
                    }
                )
            if not is_open and closer is not None and n % 5 < 2:
                ratings.append(
                    {
                        "conversation_id": f"web-{key[:12]}",
                        "rating_id": f"r{n}",
                        "handoff_id": next_id,
                        "handoff_key": key,
                        "agent_id": closer,
                        "score": rng.randint(1, 5),
                        "created_at": created + timedelta(minutes=25),
                        "updated_at": created + timedelta(minutes=25),
                    }
                )
            if is_open:
                open_keys.append(key)
            next_id += 1
        with engine.begin() as conn:
            conn.execute(Handoff.__table__.insert(), handoffs)
            conn.execute(Message.__table__.insert(), messages)
            if ratings:
                conn.execute(Rating.__table__.insert(), ratings)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # ids were given explicitly: move the sequence past them
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('handoffs', 'id'), (SELECT max(id) FROM handoffs))"
                )
            )
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    return open_keys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": q[94], "max": ordered[-1]}


SERVER_PID: int | None = None  # the inbox under test, for its CPU time


def server_cpu_ns() -> int:
    """CPU time the server's threads have run, in ns (Linux schedstat; 0 elsewhere).

    Requests are sequential, so the difference around one request is the server time
    that request cost, without the time it waited for a core on a busy machine.
    """
    if SERVER_PID is None:
        return 0
    total = 0
    for task in Path(f"/proc/{SERVER_PID}/task").glob("*"):
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a pool thread that just ended
    return total


def timed(n: int, call: Callable[[int], httpx.Response]) -> dict[str, float]:
    samples, cpu = [], []
    before = getattr(call, "before", None)
    for i in range(n):
        if before is not None:
            before(i)
        cpu_start = server_cpu_ns()
        start = time.perf_counter()
        response = call(i)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((server_cpu_ns() - cpu_start) / 1e6)
        response.raise_for_status()
    out = percentiles(samples)
    server = percentiles(cpu)
    out.update(cpu_p50=server["p50"], cpu_p95=server["p95"])
    return out


def page_latency(base: str, bot: httpx.Client, rounds: int) -> dict[str, float]:
    """Creation (POST sent) -> row in the DOM of a logged-in queue page, wall clock."""
    from playwright.sync_api import sync_playwright

    samples = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", "bench")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#queue-live.on", timeout=30_000)
        page.evaluate("""() => { window.__seen = {};
            new MutationObserver(() => { for (const li of document.querySelectorAll('#waiting li[data-key]'))
                if (!(li.dataset.key in window.__seen)) window.__seen[li.dataset.key] = Date.now(); })
              .observe(document.getElementById('waiting'), {childList: true, subtree: true}); }""")
        for _ in range(rounds):
            key = str(uuid.uuid4())
            body = {
                "handoff_key": key,
                "conversation_id": f"bench-{key[:8]}",
                "channel": "socketio",
                "priority": "urgent",
                "reason": "benchmark",
                "frustration_level": "frustrated",
                # waited longest among urgent ones, so it lands at the top of the visible queue
                "created_at": (datetime.now(timezone.utc) - timedelta(days=365)).isoformat(),
                "summary": summary("Bench Customer", "1", 1),
            }
            sent = time.time() * 1000
            bot.post("/api/v1/handoffs", json=body).raise_for_status()
            page.wait_for_function(
                "(key) => window.__seen[key] !== undefined", arg=key, timeout=30_000
            )
            samples.append(page.evaluate(f"window.__seen[{key!r}]") - sent)
            time.sleep(0.2)
        browser.close()
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--open", type=int, default=1000)
    parser.add_argument("--closed", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--page-rounds", type=int, default=30)
    parser.add_argument("--output", help="also write the Markdown report here")
    parser.add_argument("--no-page", action="store_true", help="skip the live page (chromium)")
    parser.add_argument(
        "--no-seed", action="store_true", help="--database-url is already seeded by a run before"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="measure N times; the report gives each figure's median"
    )
    parser.add_argument(
        "--only", action="append", help="measure only the requests whose name contains this"
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="inbox-bench-")
    url = args.database_url or f"sqlite:///{tmp}/inbox.db"
    t0 = time.perf_counter()
    if args.no_seed:
        engine = create_engine(url, future=True)
        with engine.connect() as conn:
            open_keys = list(
                conn.execute(
                    text(
                        "SELECT key FROM handoffs WHERE status IN ('waiting', 'claimed') ORDER BY id"
                    )
                ).scalars()
            )[: args.open]
        engine.dispose()
    else:
        open_keys = seed(url, args.open, args.closed)
    seed_seconds = time.perf_counter() - t0
    print(f"seeded in {seed_seconds:.0f} s", file=sys.stderr)
    load_at_start = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    port = free_port()
    secret = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "HANDOFF_SECRET": secret,
        "INBOX_SESSION_SECRET": secrets.token_urlsafe(32),
        "INBOX_DATABASE_URL": url,
        "INBOX_BUSINESS_HOURS": "24/7",
        "RASA_URL": "http://127.0.0.1:9",
    }
    log = open(Path(tmp) / "serve.log", "w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "inbox", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    print(f"server log: {log.name}", file=sys.stderr)
    global SERVER_PID
    SERVER_PID = server.pid
    base = f"http://127.0.0.1:{port}"
    try:
        bot = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
        for _ in range(200):
            try:
                if bot.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        rng = random.Random(3)
        agent = httpx.Client(base_url=base, timeout=30)
        login = agent.post("/api/v1/auth/login", json={"username": "bench", "password": PASSWORD})
        login.raise_for_status()
        agent.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        claimed_keys = [
            k for k in open_keys if bot.get(f"/api/v1/handoffs/{k}").json()["status"] == "claimed"
        ][:50]
        for k in claimed_keys[:10]:
            agent.post(f"/api/v1/handoffs/{k}/notes", json={"text": "checked the carrier"})
        closed_orders = [str(10000 + n) for n in range(args.open, args.open + args.closed)]

        def after_change(get: Callable[[int], httpx.Response]) -> Callable[[int], httpx.Response]:
            """Change the queue (untimed) so the next read cannot come from the shared cache."""

            def call(i: int) -> httpx.Response:
                return get(i)

            call.before = lambda i: bot.post(  # type: ignore[attr-defined]
                f"/api/v1/handoffs/{rng.choice(open_keys)}/contact-preference",
                json={"contact_preference": "wait"},
            ).raise_for_status()
            return call

        n = args.requests
        requests: dict[str, tuple[int, Callable[[int], httpx.Response]]] = {
            "GET /api/v1/queue right after a change (100 waiting + 100 claimed)": (
                n,
                after_change(lambda i: bot.get("/api/v1/queue")),
            ),
            "GET /api/v1/queue?limit=50 right after a change": (
                n,
                after_change(lambda i: bot.get("/api/v1/queue", params={"limit": 50})),
            ),
            "GET /api/v1/queue, unchanged queue (shared answer)": (
                n,
                lambda i: bot.get("/api/v1/queue"),
            ),
            "GET /api/v1/handoffs/{key} (open)": (
                n,
                lambda i: bot.get(f"/api/v1/handoffs/{rng.choice(open_keys)}"),
            ),
            "GET /api/v1/status": (n, lambda i: bot.get("/api/v1/status")),
            "page GET /queue right after a change (agent session; first 20 rows of each list rendered)": (
                n,
                after_change(lambda i: agent.get("/queue")),
            ),
            "page GET /queue, unchanged queue (shared answer)": (n, lambda i: agent.get("/queue")),
            "page GET /conversations/{key} (open)": (
                n,
                lambda i: agent.get(f"/conversations/{rng.choice(open_keys)}"),
            ),
            "page GET /search (closed list, first page)": (n // 3, lambda i: agent.get("/search")),
            "GET /api/v1/closed (first page, newest first)": (
                n,
                lambda i: agent.get("/api/v1/closed"),
            ),
            "GET /api/v1/closed?agent=kim": (
                n // 3,
                lambda i: agent.get("/api/v1/closed", params={"agent": "kim"}),
            ),
            "GET /api/v1/closed?outcome=customer_ended": (
                n // 3,
                lambda i: agent.get("/api/v1/closed", params={"outcome": "customer_ended"}),
            ),
            "GET /api/v1/closed?rating=1": (
                n // 3,
                lambda i: agent.get("/api/v1/closed", params={"rating": 1}),
            ),
            "GET /api/v1/closed?since=<30 days ago>&agent=sam&rating=5": (
                n // 3,
                lambda i: agent.get(
                    "/api/v1/closed",
                    params={
                        "since": (datetime.now(timezone.utc) - timedelta(days=30))
                        .date()
                        .isoformat(),
                        "agent": "sam",
                        "rating": 5,
                    },
                ),
            ),
            "GET /api/v1/handoffs/{key}/canned-replies (30 replies filled)": (
                n // 3,
                lambda i: agent.get(f"/api/v1/handoffs/{rng.choice(open_keys)}/canned-replies"),
            ),
            "GET /api/v1/handoffs/{key}/notes": (
                n // 3,
                lambda i: agent.get(f"/api/v1/handoffs/{rng.choice(claimed_keys)}/notes"),
            ),
            "GET /api/v1/routing (100 waiting, 4 agents)": (
                n // 3,
                lambda i: agent.get("/api/v1/routing"),
            ),
            "GET /api/v1/me/care": (n // 3, lambda i: agent.get("/api/v1/me/care")),
            "GET /api/v1/analytics/abuse-exposure (30 days)": (
                n // 10,
                lambda i: agent.get("/api/v1/analytics/abuse-exposure"),
            ),
            "POST /api/v1/handoffs (new)": (
                n // 3,
                lambda i: bot.post(
                    "/api/v1/handoffs",
                    json={
                        "handoff_key": str(uuid.uuid4()),
                        "conversation_id": f"b-{i}",
                        "summary": summary("X Y", "5", i),
                    },
                ),
            ),
            "GET /api/v1/search?q=<order number> (closed)": (
                n // 3,
                lambda i: bot.get("/api/v1/search", params={"q": rng.choice(closed_orders)}),
            ),
            "GET /api/v1/search?q=<text> (LIKE scan)": (
                n // 10,
                lambda i: bot.get(
                    "/api/v1/search", params={"q": f"where is order {rng.choice(closed_orders)}"}
                ),
            ),
        }
        chosen = {
            name: spec
            for name, spec in requests.items()
            if not args.only or any(part in name for part in args.only)
        }
        runs = []
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs}", file=sys.stderr)
            runs.append({name: timed(count, call) for name, (count, call) in chosen.items()})
        results = {
            name: {
                figure: statistics.median(r[name][figure] for r in runs) for figure in runs[0][name]
            }
            for name in chosen
        }
        print("API measured; measuring the live page", file=sys.stderr)
        page = None if args.no_page else page_latency(base, bot, args.page_rounds)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()

    backend = url.split(":", 1)[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"## Inbox — {backend}",
        "",
        f"{args.open:,} open and {args.closed:,} closed conversations (3 messages each), seeded in {seed_seconds:.0f} s; "
        f"one `python -m inbox serve` process (uvicorn, 1 worker), client on the same machine, sequential requests; "
        f"each figure is the median of {args.runs} run(s). "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work (load average at the start: "
        f"{load_at_start}, at the end: {load}), Python {platform.python_version()}.",
        "",
        "Wall: the client's clock, including time waiting for a core on this shared machine. "
        "Server CPU: the CPU time the inbox process spent on the request (its threads' schedstat), "
        "which is what the request costs on a core of its own.",
        "",
        "| request | n | wall p50 ms | wall p95 ms | wall max ms | server CPU p50 ms | server CPU p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| `{name}` | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
            f"| {r['cpu_p50']:.1f} | {r['cpu_p95']:.1f} |"
        )
    if page is not None:
        lines += [
            "",
            "| live update | n | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
            f"| handoff created (POST sent) → row in a connected agent's queue page (SSE + re-read of the queue, "
            f"headless chromium) | {page['n']} | {page['p50']:.1f} | {page['p95']:.1f} | {page['max']:.1f} |",
        ]
    lines.append("")
    report = "\n".join(lines)
    print(report)
    if args.output:
        out = Path(args.output)
        existing = out.read_text(encoding="utf-8") if out.exists() else "# Inbox benchmarks\n\n"
        out.write_text(existing.rstrip() + "\n\n" + report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
