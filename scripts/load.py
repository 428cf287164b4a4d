"""How many customers can one instance serve? Drive N customers over socket.io and measure.

Customers chat as the web chat widget does (scripts/load_customers.py), each
sending a message every 1.5-4.5 s (seeded random), arriving as a Poisson
process over the ramp; when one conversation ends the next customer takes the
seat, so N customers are in the chat at any time. The tool starts its own
system (scripts/load_system.py: real Rasa with models/northwind.tar.gz, the
action server, the inbox; SQLite by default) or targets a running one.

    python scripts/load.py --customers 50 --duration 60
    python scripts/load.py --find-capacity                  # largest N with p95 <= 100 ms
    python scripts/load.py --replicas 2 --kill-replica-at 20 # HAProxy, PostgreSQL, Redis; one replica dies
    python scripts/load.py --rasa-url http://127.0.0.1:5005 --rasa-token "$RASA_TOKEN"
    python scripts/load.py --compare-bare                    # against `rasa init`, same run: ratios

Latency is from ``user_uttered`` to the first ``bot_uttered``; percentiles cover
messages sent after the last customer arrived (steady state).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.load_customers import Conversation, Customer, Pace, Turn  # noqa: E402
from scripts.load_system import System, peak_rss_mb  # noqa: E402

P95_TARGET_MS = 100.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Report:
    """What one run measured."""

    customers: int
    duration: float
    conversations: int = 0
    sent: int = 0
    answered: int = 0
    expected_replies: int = 0
    unanswered: int = 0
    relayed_acknowledged: int = 0
    reconnects: int = 0
    throughput: float = 0.0  # messages answered or relayed per second
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    kinds: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: dict[str, float | None] = field(default_factory=dict)
    requests_by_replica: dict[str, int] = field(default_factory=dict)  # through HAProxy
    # Set by a replica drill (or any run that checks the trackers).
    checked: bool = False
    tracker_missing: int = 0  # conversations whose tracker lacks an acknowledged message
    stalled: int = 0  # conversations whose messages stopped being answered
    reconnected: int = 0  # conversations that had to reconnect (their replica died)
    lost: int = 0  # messages stopped being answered AND the tracker lost events
    paused: int = 0
    still_paused: int = 0
    killed: str | None = None
    killed_at: float | None = None


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share in 0..1) of ``values``; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(
    conversations: list[Conversation], customers: int, elapsed: float, steady_from: float
) -> Report:
    """Counts and latency percentiles of a run (latencies of the steady state only)."""
    report = Report(
        customers=customers, duration=round(elapsed, 1), conversations=len(conversations)
    )
    steady: list[float] = []
    for conversation in conversations:
        report.reconnects += conversation.reconnects
        for turn in conversation.turns:
            report.sent += 1
            if turn.expects_reply:
                report.expected_replies += 1
                if turn.latency is None:
                    report.unanswered += 1
                else:
                    report.answered += 1
                    if turn.sent_at >= steady_from:
                        steady.append(turn.latency * 1000)
            elif turn.acknowledged:
                report.relayed_acknowledged += 1
    report.kinds = dict(Counter(c.kind for c in conversations))
    report.throughput = (
        round((report.answered + report.relayed_acknowledged) / elapsed, 2) if elapsed else 0.0
    )
    for name, share in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99), ("max_ms", 1.0)):
        value = percentile(steady, share)
        setattr(report, name, round(value, 1) if value is not None else None)
    return report


def _quiet_about_unclosed_sessions(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """aiohttp warns about every polling session still closing at exit; the report is what matters."""
    if str(context.get("message", "")).startswith("Unclosed"):
        return
    loop.default_exception_handler(context)


async def drive(
    url: str,
    customers: int,
    duration: float,
    seed: int,
    ramp: float | None = None,
    pace: Pace = Pace(),
    on_tick=None,
    transport: str = "websocket",
) -> tuple[list[Conversation], float, float]:
    """Run ``customers`` seats for ``duration`` s; the conversations, the elapsed time and the steady start."""
    asyncio.get_running_loop().set_exception_handler(_quiet_about_unclosed_sessions)
    rng = random.Random(seed)
    ramp = min(20.0, duration / 4) if ramp is None else ramp
    start = time.monotonic()
    stop_at = start + duration
    arrivals: list[float] = []
    clock = 0.0
    for _ in range(customers):
        arrivals.append(clock)
        clock += rng.expovariate(customers / ramp) if ramp > 0 else 0.0
    arrivals = [min(a, ramp) for a in arrivals]
    steady_from = start + max(arrivals, default=0.0)
    finished: list[Conversation] = []
    seated: list[Customer] = []

    async def seat(index: int, arrival: float) -> None:
        await asyncio.sleep(arrival)
        customer = Customer(
            url,
            random.Random(seed * 100_003 + index),
            pace,
            tag=f"{seed}-{index}",
            transport=transport,
        )
        seated.append(customer)
        while time.monotonic() < stop_at:
            try:
                finished.append(await customer.converse(stop_at))
            except Exception as error:
                # Could not even connect: counted as an unanswered message; the seat tries again.
                failed = Conversation(
                    session_id=f"unconnected-{index}",
                    kind=f"connect failed: {type(error).__name__}",
                )
                failed.turns.append(
                    Turn(text="(connect)", expects_reply=True, sent_at=time.monotonic())
                )
                finished.append(failed)
                await asyncio.sleep(1)

    tasks = [asyncio.create_task(seat(i, a)) for i, a in enumerate(arrivals)]
    if on_tick is not None:
        tasks.append(asyncio.create_task(on_tick(start)))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start
    closing = [task for customer in seated for task in customer.closing]
    if closing:
        await asyncio.wait(closing, timeout=40)
    return finished, elapsed, steady_from


async def warm_up(url: str) -> None:
    """A few conversations first: Rasa's first turns build its graphs and are not what customers get."""
    await drive(url, customers=3, duration=12, seed=999, ramp=0)


def check_trackers(
    base_url: str, token: str, conversations: list[Conversation], report: Report
) -> None:
    """Compare every conversation with its stored tracker: lost messages, pauses that held."""
    with httpx.Client(timeout=30) as client:
        for conversation in conversations:
            if conversation.session_id.startswith("unconnected-"):
                continue
            response = client.get(
                f"{base_url}/conversations/{conversation.session_id}/tracker",
                params={"token": token},
            )
            response.raise_for_status()
            tracker = response.json()
            stored = Counter(
                e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"
            )
            acknowledged = Counter(t.text for t in conversation.turns if t.acknowledged)
            missing = any(stored[text] < count for text, count in acknowledged.items())
            report.tracker_missing += missing
            report.stalled += conversation.stalled
            report.reconnected += bool(conversation.reconnects)
            report.lost += bool(missing and conversation.stalled)
            if conversation.asked_for_a_person:
                report.paused += 1
                report.still_paused += bool(tracker.get("paused"))
    report.checked = True


def print_report(report: Report, label: str) -> None:
    """The figures a user asks for, one per line."""
    print(f"\n== {label}")
    print(
        f"customers (in the chat at once): {report.customers}   duration: {report.duration} s   "
        f"conversations: {report.conversations} {report.kinds}"
    )
    print(
        f"messages sent: {report.sent}   answered: {report.answered}/{report.expected_replies}   "
        f"unanswered: {report.unanswered}   relayed to an agent (acknowledged): {report.relayed_acknowledged}   "
        f"reconnects: {report.reconnects}"
    )
    print(f"throughput: {report.throughput} messages/s")
    print(
        f"latency user_uttered -> first bot_uttered (steady state): p50 {report.p50_ms} ms   "
        f"p95 {report.p95_ms} ms   p99 {report.p99_ms} ms   max {report.max_ms} ms"
    )
    if report.peak_rss_mb:
        print(
            "peak RSS (VmHWM, with children): "
            + "   ".join(f"{name} {value} MB" for name, value in report.peak_rss_mb.items())
        )
    if report.requests_by_replica:
        print(
            "HTTP requests through HAProxy by replica (whole session so far): "
            + "   ".join(f"{name} {count}" for name, count in report.requests_by_replica.items())
        )
    if report.killed:
        print(f"killed replica: {report.killed} at {report.killed_at} s")
    if report.checked:
        print(
            f"trackers checked: conversations lost {report.lost}   stalled {report.stalled}   "
            f"with missing events {report.tracker_missing}   reconnected {report.reconnected}   "
            f"paused {report.paused}, still paused {report.still_paused}"
        )


def run_once(
    url: str,
    args: argparse.Namespace,
    customers: int,
    seed: int,
    system: System | None = None,
    kill_at: float | None = None,
) -> Report:
    """One bounded run against ``url``; kills a replica at ``kill_at`` s when asked."""
    killed: dict[str, float] = {}

    async def killer(start: float) -> None:
        if system is None or kill_at is None:
            return
        await asyncio.sleep(kill_at)
        victim = list(system.replicas)[-1]
        await asyncio.to_thread(system.kill_replica, victim)
        killed[victim] = round(time.monotonic() - start, 1)

    pace = Pace(low=args.pace_low, high=args.pace_high, reply_timeout=args.reply_timeout)
    conversations, elapsed, steady_from = asyncio.run(
        drive(
            url,
            customers,
            args.duration,
            seed,
            ramp=args.ramp,
            pace=pace,
            on_tick=killer if kill_at is not None else None,
            transport=args.transport,
        )
    )
    report = summarise(conversations, customers, elapsed, steady_from)
    if system is not None:
        report.peak_rss_mb = system.peak_memory()
        if system.balancer is not None:
            report.requests_by_replica = system.requests_by_replica()
    elif args.pid:
        report.peak_rss_mb = {
            name: peak_rss_mb(int(pid)) for name, pid in (p.split("=", 1) for p in args.pid)
        }
    for victim, when in killed.items():
        report.killed, report.killed_at = victim, when
    token = system.token if system is not None else args.rasa_token
    if token and (args.check_trackers or kill_at is not None):
        survivor = system.replica_url(next(iter(system.replicas))) if system is not None else url
        check_trackers(survivor, token, conversations, report)
    return report


def find_capacity(url: str, args: argparse.Namespace) -> int:
    """Raise N until p95 passes the target; the largest N that held (refined by bisection)."""
    results: dict[int, Report] = {}

    def holds(n: int) -> bool:
        report = run_once(url, args, n, seed=args.seed + n)
        results[n] = report
        print_report(report, f"{n} customers")
        return (
            report.p95_ms is not None and report.p95_ms <= P95_TARGET_MS and report.unanswered == 0
        )

    good, bad = 0, None
    n = args.start
    while n <= args.max_customers:
        if holds(n):
            good, n = n, n * 2
        else:
            bad = n
            break
    if bad is None:
        print(f"\nstill holding at {good} customers (--max-customers {args.max_customers})")
        return good
    while bad - good > max(2, good // 10):
        middle = (good + bad) // 2
        if holds(middle):
            good = middle
        else:
            bad = middle
    print("\n| customers | p50 ms | p95 ms | p99 ms | messages/s | unanswered |")
    print("|---|---|---|---|---|---|")
    for n_, r in sorted(results.items()):
        print(f"| {n_} | {r.p50_ms} | {r.p95_ms} | {r.p99_ms} | {r.throughput} | {r.unanswered} |")
    print(
        f"\ncustomers per instance at p95 <= {P95_TARGET_MS:.0f} ms: {good} (first failing: {bad})"
    )
    return good


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--customers", type=int, default=50, help="customers in the chat at once (default 50)"
    )
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds of load per run (default 60)"
    )
    parser.add_argument(
        "--ramp", type=float, default=None, help="seconds over which customers arrive (Poisson)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--transport",
        choices=("websocket", "polling"),
        default="websocket",
        help="socket.io transport: the widget's WebSocket, or long-polling (its fallback)",
    )
    parser.add_argument("--runs", type=int, default=1, help="repeat the run; prints the median p95")
    parser.add_argument("--pace-low", type=float, default=1.5)
    parser.add_argument("--pace-high", type=float, default=4.5)
    parser.add_argument("--reply-timeout", type=float, default=75.0)
    parser.add_argument("--find-capacity", action="store_true", help="largest N with p95 <= 100 ms")
    parser.add_argument("--start", type=int, default=5, help="first N of the capacity search")
    parser.add_argument("--max-customers", type=int, default=400)
    parser.add_argument(
        "--replicas", type=int, default=1, help="Rasa replicas behind HAProxy (PostgreSQL, Redis)"
    )
    parser.add_argument(
        "--store",
        choices=["sqlite", "postgres"],
        default=None,
        help="tracker store (default: sqlite for one instance, postgres for replicas)",
    )
    parser.add_argument(
        "--kill-replica-at", type=float, default=None, help="SIGKILL one replica after S seconds"
    )
    parser.add_argument("--rasa-url", default=None, help="target a running Rasa (loopback only)")
    parser.add_argument(
        "--rasa-token", default=None, help="its token, to check trackers (--check-trackers)"
    )
    parser.add_argument(
        "--check-trackers", action="store_true", help="compare every conversation with its tracker"
    )
    parser.add_argument(
        "--pid", action="append", default=[], help="NAME=PID of a running process to read peak RSS"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the reports as JSON")
    args = parser.parse_args(argv)
    if args.rasa_url and urlparse(args.rasa_url).hostname not in LOOPBACK:
        parser.error(
            "--rasa-url must be a loopback address (this tool is not for other people's servers)"
        )
    if args.kill_replica_at is not None and args.replicas < 2:
        parser.error("--kill-replica-at needs --replicas 2 or more")
    if args.kill_replica_at is not None and (args.runs > 1 or args.find_capacity):
        parser.error("--kill-replica-at kills once: one run, no capacity search")
    if args.rasa_url and (args.replicas > 1 or args.kill_replica_at is not None):
        parser.error("--replicas and --kill-replica-at start their own system: drop --rasa-url")
    args.store = args.store or ("postgres" if args.replicas > 1 else "sqlite")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--compare-bare" in argv:
        # Against a bare `rasa init` bot in the same run: scripts/load_bare_rasa.py (its options).
        from scripts.load_bare_rasa import main as compare_bare

        return compare_bare([arg for arg in argv if arg != "--compare-bare"])
    args = parse_args(argv)
    system: System | None = None
    reports: list[Report] = []
    with tempfile.TemporaryDirectory(prefix="northwind-load-") as workdir:
        try:
            if args.rasa_url:
                url = args.rasa_url.rstrip("/")
            else:
                print(
                    f"starting the system: {args.replicas} Rasa replica(s), tracker store {args.store} ...",
                    flush=True,
                )
                system = System(Path(workdir), replicas=args.replicas, store=args.store).start()
                url = system.url
            asyncio.run(warm_up(url))
            if args.find_capacity:
                find_capacity(url, args)
                return 0
            for run in range(args.runs):
                report = run_once(
                    url,
                    args,
                    args.customers,
                    seed=args.seed + run,
                    system=system,
                    kill_at=args.kill_replica_at,
                )
                print_report(
                    report,
                    f"run {run + 1} of {args.runs}: {args.customers} customers, "
                    f"{args.replicas} replica(s), {args.store}",
                )
                reports.append(report)
            if len(reports) > 1:
                p95s = [r.p95_ms for r in reports if r.p95_ms is not None]
                rates = [r.throughput for r in reports]
                print(
                    f"\nmedian of {len(reports)} runs: p95 {sorted(p95s)[len(p95s) // 2] if p95s else None} ms, "
                    f"throughput {sorted(rates)[len(rates) // 2]} messages/s"
                )
            if args.json:
                args.json.write_text(json.dumps([asdict(r) for r in reports], indent=2))
        finally:
            if system is not None:
                system.stop()
    failed = any(
        r.lost
        or r.stalled
        or r.tracker_missing
        or (not r.checked and r.unanswered)
        or (r.checked and r.still_paused < r.paused)
        for r in reports
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
