"""This assistant against a bare `rasa init` bot, same load, same machine, one run: the ratio.

Issue 17 asks that everything this assistant adds to Rasa (action server call,
frustration scoring, SQL tracker, relaying) cost next to nothing. This script
keeps that comparison reproducible: it creates the `rasa init` bot with the
project's own virtual environment in a temporary folder (offline:
`rasa init --no-prompt` trains DIET + TED on the moodbot data, in-memory
tracker), then measures both, one after the other so they never share the CPU:

- socket.io at a human pace (scripts/load.py's customers, same seed): p50/p95;
- saturated REST: C concurrent senders, each sending its next message as soon
  as the previous one is answered: messages per second.

    python scripts/load_bare_rasa.py [--customers 50] [--duration 45] [--concurrency 20]
    python scripts/load_bare_rasa.py --workdir /tmp/bare-rasa   # reuse a trained bare bot
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
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
    log = open(workdir / "rasa.log", "ab")
    process = subprocess.Popen(
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
    deadline = time.monotonic() + 240
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
                return process
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


def measure(url: str, args: argparse.Namespace, pids: dict[str, int]) -> dict[str, object]:
    """Human-pace socket.io figures, then saturated REST throughput, then peak memory."""
    asyncio.run(warm_up(url))
    conversations, elapsed, steady_from = asyncio.run(
        drive(url, args.customers, args.duration, args.seed, pace=Pace())
    )
    human = summarise(conversations, args.customers, elapsed, steady_from)
    rate = asyncio.run(saturate(url, args.concurrency, args.saturate_seconds))
    memory = {name: peak_rss_mb(pid) for name, pid in pids.items()}
    return {
        "p50": human.p50_ms,
        "p95": human.p95_ms,
        "p99": human.p99_ms,
        "unanswered": human.unanswered,
        "human_rate": human.throughput,
        "saturated": round(rate, 1),
        "memory": memory,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--duration", type=float, default=45)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--saturate-seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep (and reuse) the rasa init bot here"
    )
    args = parser.parse_args(argv)

    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="northwind-bare-") as scratch:
        bare_dir = bare_bot(args.workdir or Path(scratch) / "bare")
        port = free_port()
        process = start_bare(bare_dir, port)
        try:
            print("measuring the bare rasa init bot ...", flush=True)
            results["bare rasa init"] = measure(
                f"http://127.0.0.1:{port}", args, {"rasa": process.pid}
            )
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        system = System(Path(scratch) / "northwind").start()
        try:
            print("measuring this assistant ...", flush=True)
            pids = {name: p.pid for name, p in system.stack.processes.items()}
            results["this assistant"] = measure(system.url, args, pids)
        finally:
            system.stop()

    print(
        f"\n| | p50 ms | p95 ms | p99 ms ({args.customers} customers, socket.io) | "
        f"saturated REST msg/s ({args.concurrency} concurrent) | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        memory = ", ".join(f"{k} {v}" for k, v in r["memory"].items())  # type: ignore[union-attr]
        print(f"| {name} | {r['p50']} | {r['p95']} | {r['p99']} | {r['saturated']} | {memory} |")
    bare, ours = results["bare rasa init"], results["this assistant"]
    print(
        f"\nratio this assistant / bare rasa init: saturated throughput "
        f"{ours['saturated'] / bare['saturated']:.2f}x, human-pace p95 "  # type: ignore[operator]
        f"{ours['p95'] / bare['p95']:.2f}x"
    )  # type: ignore[operator]
    return 0


if __name__ == "__main__":
    sys.exit(main())
