"""The system under load: one Rasa instance, or several replicas behind HAProxy.

One instance runs as `make run` does (SQLite files, in-memory lock store) or on
PostgreSQL. Replicas run as a scale-out deployment would (endpoints.scale.yml:
PostgreSQL tracker store in a throwaway database, Redis lock store) behind
HAProxy from the system packages, sticky per conversation: a request carrying
``session_id`` in its query (the load tool's customers) is hashed on it, any
other request (a browser's widget) on its source address. Hashing is
consistent, so when a replica dies only its conversations move.

Every address is on the loopback interface.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

from tests.stack import Stack, free_port

POSTGRES_ADMIN_URL = os.environ.get(
    "LOAD_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_LOCK_DB = "4"  # not the tests' 3: a load run may overlap a test run


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident memory (VmHWM) plus its children's, in MB; None when it is gone."""
    total = 0.0
    found = False
    for member in [pid] + _descendants(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
                    found = True
        except OSError:
            continue
    return round(total, 1) if found else None


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


@contextmanager
def throwaway_postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for the tracker store, dropped afterwards."""
    name = f"rasa_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def haproxy_config(port: int, replicas: dict[str, int]) -> str:
    """HAProxy in front of the replicas: sticky per session id (or per source), health-checked."""
    servers = "\n".join(
        f"  server {name} 127.0.0.1:{replica_port} check inter 500ms fall 2 rise 2"
        for name, replica_port in replicas.items()
    )
    return f"""global
  maxconn 4096
  log stdout format raw local0

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 90s
  timeout server 90s
  retries 3
  option redispatch

frontend rasa
  bind 127.0.0.1:{port}
  acl has_session url_param(session_id) -m found
  use_backend by_session if has_session
  default_backend by_source

backend by_session
  balance url_param session_id
  hash-type consistent
  option httpchk GET /
{servers}

backend by_source
  balance source
  hash-type consistent
  option httpchk GET /
{servers}
"""


class System:
    """A started system: the Stack's processes, the replicas' names and the URL customers use."""

    def __init__(self, workdir: Path, replicas: int = 1, store: str = "sqlite") -> None:
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        if replicas > 1 and store != "postgres":
            raise ValueError(
                "replicas share conversations through PostgreSQL: use --store postgres"
            )
        self.workdir = workdir
        self.replica_count = replicas
        self.store = store
        self.stack: Stack | None = None
        self.replicas: dict[str, int] = {}
        self.balancer: subprocess.Popen | None = None
        self.balancer_port = free_port()
        self._database: Iterator[str] | None = None
        self._peaks_of_killed: dict[str, float | None] = {}

    @property
    def url(self) -> str:
        """Where customers connect: the balancer, or the one instance."""
        assert self.stack is not None
        if self.balancer is not None:
            return f"http://127.0.0.1:{self.balancer_port}"
        return self.stack.rasa_url

    def replica_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.replicas[name]}"

    @property
    def token(self) -> str:
        assert self.stack is not None
        return self.stack.rasa_token

    def start(self) -> System:
        extra: dict[str, str] = {}
        endpoints = "endpoints.yml"
        if self.store == "postgres":
            self._database = throwaway_postgres_database()
            url = self._database.__enter__()
            extra = {
                "TRACKER_STORE_DIALECT": "postgresql",
                "TRACKER_STORE_URL": url,
                "TRACKER_STORE_DB": url.rsplit("/", 1)[1],
            }
        if self.replica_count > 1:
            extra |= {
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": "6379",
                "REDIS_LOCK_DB": REDIS_LOCK_DB,
            }
            endpoints = "endpoints.scale.yml"
        self.stack = Stack(workdir=self.workdir, extra_env=extra)
        stack = self.stack
        stack.prepare()
        stack.start_actions()
        stack.start_inbox()
        self.replicas = {"rasa": stack.rasa_port}
        for index in range(2, self.replica_count + 1):
            self.replicas[f"rasa-{index}"] = free_port()
        for name, port in self.replicas.items():
            stack.start_rasa(name, port=port, endpoints=endpoints)
        stack.wait_until_up("actions", f"{stack.action_url}/health")
        stack.wait_until_up("inbox", f"{stack.inbox_url}/healthz")
        for name in self.replicas:
            stack.wait_for_rasa(name, self.replica_url(name))
        if self.replica_count > 1:
            self._start_balancer()
        return self

    def _start_balancer(self) -> None:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise RuntimeError("HAProxy is missing: apt-get install -y haproxy")
        config = self.workdir / "haproxy.cfg"
        config.write_text(haproxy_config(self.balancer_port, self.replicas))
        log = open(self.workdir / "haproxy.log", "ab")
        self.balancer = subprocess.Popen(
            [haproxy, "-f", str(config), "-db"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(
            "HAProxy did not answer:\n" + (self.workdir / "haproxy.log").read_text()[-2000:]
        )

    def requests_by_replica(self) -> dict[str, int]:
        """How many HTTP requests HAProxy sent to each replica so far (from its log)."""
        counts = {name: 0 for name in self.replicas}
        log = self.workdir / "haproxy.log"
        if log.exists():
            for line in log.read_text(errors="replace").splitlines():
                if "HTTP/1." not in line:
                    continue  # state changes and start-up lines, not requests
                for name in counts:
                    if f"/{name} " in line:
                        counts[name] += 1
        return counts

    def kill_replica(self, name: str) -> None:
        """Kill a replica the hard way (SIGKILL, as a crashed machine would), not a clean stop."""
        assert self.stack is not None
        process = self.stack.processes.pop(name)
        self._peaks_of_killed[name] = peak_rss_mb(process.pid)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def peak_memory(self) -> dict[str, float | None]:
        """Peak RSS in MB of every process still running, by name."""
        assert self.stack is not None
        peaks = {name: peak_rss_mb(p.pid) for name, p in self.stack.processes.items()}
        peaks |= {f"{name} (until killed)": peak for name, peak in self._peaks_of_killed.items()}
        if self.balancer is not None:
            peaks["haproxy"] = peak_rss_mb(self.balancer.pid)
        return peaks

    def stop(self) -> None:
        if self.balancer is not None:
            self.balancer.terminate()
            try:
                self.balancer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.balancer.kill()
            self.balancer = None
        if self.stack is not None:
            self.stack.stop_all()
        if self._database is not None:
            self._database.__exit__(None, None, None)
            self._database = None
