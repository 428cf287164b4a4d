"""Drill: one of two Rasa replicas is killed while customers chat; nobody's conversation is lost.

Two replicas behind HAProxy (sticky on the session id), sharing PostgreSQL and
Redis, as scripts/load.py --replicas 2 --kill-replica-at runs them. Customers
chat over socket.io at a human pace, some ask for a person; one replica gets
SIGKILL mid-run. The widget's behaviour (reconnect, send again what was not
acknowledged) must carry every conversation over to the survivor: every
message answered, every acknowledged message in its tracker, every paused
conversation still paused.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.load import Report, parse_args, run_once
from scripts.load_system import System

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CUSTOMERS = 16
DURATION = 40.0
KILL_AT = 12.0


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        pytest.fail(
            "HAProxy is missing: apt-get install -y haproxy (the balancer in front of the replicas)"
        )
    system = System(tmp_path_factory.mktemp("drill"), replicas=2, store="postgres")
    try:
        yield system.start()
    finally:
        system.stop()


def test_killing_a_replica_loses_no_conversation(replicas: System) -> None:
    args = parse_args(
        [
            "--replicas",
            "2",
            "--customers",
            str(CUSTOMERS),
            "--duration",
            str(DURATION),
            "--kill-replica-at",
            str(KILL_AT),
            "--ramp",
            "4",
            "--transport",
            "polling",  # the widget's fallback; the drill's counts were set on it
        ]
    )
    report: Report = run_once(
        replicas.url, args, CUSTOMERS, seed=11, system=replicas, kill_at=KILL_AT
    )

    # The balancer spread customers over both replicas, and the kill really happened.
    assert all(count > 0 for count in report.requests_by_replica.values()), (
        report.requests_by_replica
    )
    assert report.killed == "rasa-2" and "rasa-2" not in replicas.stack.processes
    assert report.reconnects > 0, "no customer was on the killed replica"
    # Counts: every message was handled; a reply can be missing only where the replica died
    # between answering and the answer reaching the socket (the widget sends the message again).
    assert report.sent >= CUSTOMERS * 5, report
    assert report.unanswered <= report.reconnected, report
    assert report.answered + report.unanswered == report.expected_replies
    # Nothing lost: no conversation stopped being answered, every acknowledged message is in
    # its tracker, and every conversation that asked for a person is still paused.
    assert report.checked
    assert report.stalled == 0 and report.lost == 0 and report.tracker_missing == 0, report
    assert report.paused >= 1, (
        "no conversation asked for a person: the drill checks nothing about pauses"
    )
    assert report.still_paused == report.paused, report
