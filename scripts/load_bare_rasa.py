"""This assistant against a bare `rasa init` bot, same load, same machine, one run: the ratios.

Issue 17 asks that everything this assistant adds to Rasa (action server call,
frustration scoring, SQL tracker, relaying) cost next to nothing. This script
keeps that comparison reproducible: it creates the `rasa init` bot with the
project's own virtual environment in a temporary folder (offline:
`rasa init --no-prompt` trains DIET + TED on the moodbot data, in-memory
tracker), starts it next to this assistant, and measures them in turns, never
both at once, so each pair of figures shares the machine's load of the moment
(other jobs on the same cores move single figures by 2x; ratios far less):

- saturated REST: C concurrent senders, each sending its next message as soon
  as the previous one is answered: messages per second, ``--rounds`` times
  alternately; the ratio of each round and their median;
- one long conversation at a time (``--long-messages``, REST): the median cost
  of messages 3-7 against messages 48-52 (the 50th against the 5th);
- socket.io at a human pace (scripts/load.py's customers, same seed): p50/p95.

    python scripts/load_bare_rasa.py [--customers 20] [--duration 30] [--concurrency 50]
    make load LOAD_ARGS=--compare-bare                       # the same
    python scripts/load_bare_rasa.py --workdir /tmp/bare-rasa   # reuse a trained bare bot
    python scripts/load_bare_rasa.py --also-without applied_events,tracker_copy
        # a third target: this assistant without those speed-ups (rasa_server/speedups.py),
        # measured in turns with the others: a change's before and after in one run
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.load import drive, summarise, warm_up  # noqa: E402
from scripts.load_customers import CONVERSATIONS, Pace  # noqa: E402
from scripts.load_system import System, peak_rss_mb  # noqa: E402
from tests.stack import free_port  # noqa: E402

RASA = Path(sys.executable).parent / "rasa"
# Rasa's stock socket.io channel; without session persistence it answers the socket itself
# (with persistence, Rasa 3.6 forgets to join the session room: channels/socketio.py).
BARE_CREDENTIALS = """rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: false
"""
# The customers' own lines, in order, for the REST senders.
MESSAGES = [
    text for _, script, _ in CONVERSATIONS for text, expects_reply in script if expects_reply
]


def bare_bot(workdir: Path) -> Path:
    """The `rasa init` project in ``workdir``, created and trained unless it is there already."""
    if not list((workdir / "models").glob("*.tar.gz")):
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"creating and training the rasa init bot in {workdir} ...", flush=True)
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(workdir)],
            cwd=workdir,
            env=_env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
    (workdir / "credentials.bare.yml").write_text(BARE_CREDENTIALS)
    return workdir


def _env() -> dict[str, str]:
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")


def start_bare(workdir: Path, port: int) -> subprocess.Popen:
    """Start the bare bot's server; :func:`wait_for_bare` waits until it answers."""
    log = open(workdir / "rasa.log", "ab")
    return subprocess.Popen(
        [
            str(RASA),
            "run",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            "models",
            "--credentials",
            "credentials.bare.yml",
        ],
        cwd=workdir,
        env=_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_bare(process: subprocess.Popen, workdir: Path, port: int) -> None:
    """Until the bare bot answers; loading TensorFlow takes minutes on busy shared cores."""
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                "the bare bot exited:\n" + (workdir / "rasa.log").read_text()[-3000:]
            )
        try:
            reply = httpx.post(
                f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                json={"sender": "ping", "message": "hi"},
                timeout=10,
            )
            if reply.status_code == 200 and reply.json():
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("the bare bot did not answer")


async def saturate(url: str, concurrency: int, duration: float) -> float:
    """Messages per second with ``concurrency`` senders, each waiting only for its answer."""
    done = 0
    stop_at = time.monotonic() + duration

    async def sender(index: int) -> None:
        nonlocal done
        lines = itertools.cycle(
            MESSAGES[index % len(MESSAGES) :] + MESSAGES[: index % len(MESSAGES)]
        )
        conversation = 0
        async with httpx.AsyncClient(timeout=60) as client:
            while time.monotonic() < stop_at:
                # A fresh conversation every 6 messages: long sessions are a separate question.
                sender_id = f"sat-{index}-{conversation // 6}"
                conversation += 1
                response = await client.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": sender_id, "message": next(lines)},
                )
                response.raise_for_status()
                done += 1

    start = time.monotonic()
    await asyncio.gather(*(sender(i) for i in range(concurrency)))
    return done / (time.monotonic() - start)


# A long conversation of questions the bot answers without a form or a handoff. Varied, with
# thanks between: the frustration detector hands off a customer who repeats themselves in a
# long conversation (the earlier 10-line cycle was handed to a person at its 19th message, so
# the "50th message" measured relaying to the inbox, not an answer). 60 of these stay calm.
LONG_LINES = [
    "hi",
    "how much is shipping",
    "what is your return policy",
    "great, thanks",
    "do you take paypal",
    "how do I get an invoice",
    "when are you open",
    "how can I contact you",
    "cheers",
    "what are your delivery options?",
    "how do refunds work",
    "can I sign up for the newsletter",
    "I forgot my password",
    "thank you",
]


async def long_conversation(url: str, sender: str, messages: int) -> list[tuple[float, bool]]:
    """Milliseconds per message of one conversation, one at a time, and whether the bot answered."""
    costs: list[tuple[float, bool]] = []
    async with httpx.AsyncClient(timeout=60) as client:
        for number in range(messages):
            started = time.perf_counter()
            response = await client.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": LONG_LINES[number % len(LONG_LINES)]},
            )
            response.raise_for_status()
            costs.append(((time.perf_counter() - started) * 1000, bool(response.json())))
    return costs


def growth(costs: list[list[tuple[float, bool]]]) -> dict[str, float]:
    """Median cost of messages 3-7 and 48-52 over a few long conversations, and their ratio.

    ``answered`` is the share of those messages the bot answered: below 1.0 the
    conversation was handed to a person (messages relayed, not answered), and the
    ratio does not measure what it should.
    """
    early: list[float] = []
    late: list[float] = []
    answered: list[bool] = []
    for conversation in costs:
        early += [ms for ms, _ in conversation[2:7]]
        late += [ms for ms, _ in conversation[47:52]]
        answered += [replied for _, replied in conversation[2:7] + conversation[47:52]]
    fifth, fiftieth = statistics.median(early), statistics.median(late)
    return {
        "5th": round(fifth, 1),
        "50th": round(fiftieth, 1),
        "ratio": round(fiftieth / fifth, 2),
        "answered": round(sum(answered) / len(answered), 2),
    }


def human_pace(url: str, args: argparse.Namespace) -> dict[str, object]:
    conversations, elapsed, steady_from = asyncio.run(
        drive(url, args.customers, args.duration, args.seed, pace=Pace())
    )
    human = summarise(conversations, args.customers, elapsed, steady_from)
    return {"p50": human.p50_ms, "p95": human.p95_ms, "p99": human.p99_ms}


def compare(targets: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, object]]:
    """Every measure for every target, in turns; saturated rounds alternate between them."""
    results: dict[str, dict[str, object]] = {name: {"saturated": []} for name in targets}
    for url in targets.values():
        asyncio.run(warm_up(url))
    for round_number in range(args.rounds):
        order = list(targets.items())
        if round_number % 2:
            order.reverse()  # neither always measured first
        for name, url in order:
            rate = asyncio.run(saturate(url, args.concurrency, args.saturate_seconds))
            results[name]["saturated"].append(round(rate, 1))  # type: ignore[union-attr]
            print(f"round {round_number + 1}: {name} {rate:.1f} msg/s", flush=True)
    if args.long_messages >= 52:
        costs: dict[str, list] = {name: [] for name in targets}
        for index in range(args.long_conversations):
            order = list(targets.items())
            if index % 2:
                order.reverse()  # conversations in turns too, neither always first
            for name, url in order:
                sender = re.sub(r"[^A-Za-z0-9-]+", "-", f"long-{name}-{index}")  # REST: no spaces
                costs[name].append(asyncio.run(long_conversation(url, sender, args.long_messages)))
        for name in targets:
            results[name]["growth"] = growth(costs[name])
            print(f"{name}: long conversation {results[name]['growth']}", flush=True)
    if args.customers:
        for name, url in targets.items():
            results[name] |= human_pace(url, args)
    return results


def report(results: dict[str, dict[str, object]], pids: dict[str, dict[str, int]], args) -> None:
    bare, ours = results["bare rasa init"], results["this assistant"]
    ratios = [o / b for o, b in zip(ours["saturated"], bare["saturated"])]  # type: ignore[call-overload]
    print(
        f"\n| | saturated REST msg/s ({args.concurrency} concurrent), per round | "
        f"5th / 50th message ms (ratio) | p50 / p95 / p99 ms ({args.customers} customers, socket.io) | peak RSS MB |"
    )
    print("|---|---|---|---|---|")
    for name, r in results.items():
        memory = ", ".join(f"{k} {peak_rss_mb(pid)}" for k, pid in pids[name].items())
        g = r.get("growth") or {}
        print(
            f"| {name} | {' / '.join(str(x) for x in r['saturated'])} | "  # type: ignore[union-attr]
            f"{g.get('5th')} / {g.get('50th')} ({g.get('ratio')}) | "
            f"{r.get('p50')} / {r.get('p95')} / {r.get('p99')} | {memory} |"
        )
    print(
        f"\nratio this assistant / bare rasa init, saturated throughput: "
        f"{' / '.join(f'{x:.2f}' for x in ratios)} per round, median {statistics.median(ratios):.2f}x"
    )
    if ours.get("growth"):
        g = ours["growth"]
        print(
            f"this assistant: the 50th message costs {g['ratio']}x the 5th "  # type: ignore[index]
            f"(answered by the bot: {g['answered']:.0%} of them)"  # type: ignore[index]
        )
    if ours.get("p95") and bare.get("p95"):
        print(f"human-pace p95: {ours['p95'] / bare['p95']:.2f}x the bare bot's")  # type: ignore[operator]
    for name, other in results.items():
        if name in ("bare rasa init", "this assistant"):
            continue
        pairs = zip(ours["saturated"], other["saturated"])  # type: ignore[call-overload]
        print(
            f"this assistant / {name}, saturated: "
            f"{statistics.median(o / w for o, w in pairs):.2f}x (median of rounds); "
            f"{name}: the 50th message costs {(other.get('growth') or {}).get('ratio')}x the 5th"
        )


def _system_without(workdir: Path, speedups: str) -> System:
    """This assistant, its Rasa started without ``speedups`` (the stack passes the environment on)."""
    from rasa_server.speedups import SKIP_VARIABLE

    os.environ[SKIP_VARIABLE] = speedups
    try:
        return System(workdir).start()
    finally:
        del os.environ[SKIP_VARIABLE]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20, help="human pace; 0 skips it")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--saturate-seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="saturated rounds, alternating")
    parser.add_argument(
        "--long-messages", type=int, default=60, help="0 skips the long conversations"
    )
    parser.add_argument("--long-conversations", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep (and reuse) the rasa init bot here"
    )
    parser.add_argument(
        "--also-without",
        default="",
        help="comma-separated speed-ups (rasa_server/speedups.py) a third target runs without",
    )
    args = parser.parse_args(argv)
    if args.also_without:
        from rasa_server.speedups import SKIP_VARIABLE, skipped

        skipped({SKIP_VARIABLE: args.also_without})  # fail on a misspelt name before starting

    with tempfile.TemporaryDirectory(prefix="northwind-bare-") as scratch:
        bare_dir = bare_bot(args.workdir or Path(scratch) / "bare")
        port = free_port()
        process = start_bare(bare_dir, port)  # both start at once; measured in turns
        systems: dict[str, System] = {}
        try:
            systems["this assistant"] = System(Path(scratch) / "northwind").start()
            if args.also_without:
                systems[f"without {args.also_without}"] = _system_without(
                    Path(scratch) / "without", args.also_without
                )
            wait_for_bare(process, bare_dir, port)
            targets = {"bare rasa init": f"http://127.0.0.1:{port}"}
            pids = {"bare rasa init": {"rasa": process.pid}}
            for name, system in systems.items():
                targets[name] = system.url
                pids[name] = {n: p.pid for n, p in system.stack.processes.items()}  # type: ignore[union-attr]
            results = compare(targets, args)
            report(results, pids, args)
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
            for system in systems.values():
                system.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
