"""Command line: ``python -m inbox serve|migrate|create-admin|create-agent|export-openapi``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from inbox.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        sys.exit(f"inbox: {exc}")


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from inbox import migrate
    from inbox.app import create_app

    settings = _settings()
    migrate.upgrade(settings.database_url)
    app = create_app(settings, migrate_on_start=False)
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=3,
        proxy_headers=False,
        ws="none",
    )  # SSE only; rasa pins a websockets too old for uvicorn's ws


def _migrate(_args: argparse.Namespace) -> None:
    from inbox import migrate

    migrate.upgrade(_settings().database_url)
    print("inbox: database at head")


def _create(args: argparse.Namespace, role: str) -> None:
    from inbox import migrate
    from inbox.auth import agents
    from inbox.auth.password_policy import WeakPassword, check_password
    from inbox.db import make_engine, make_session_factory
    from inbox.errors import Conflict

    settings = _settings()
    password = os.environ.get("INBOX_NEW_PASSWORD") or getpass.getpass(
        f"Password for {args.username}: "
    )
    try:
        check_password(password, known_words=[args.username, args.name or ""])
    except WeakPassword as exc:
        sys.exit(f"inbox: {exc}")
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            agents.create_agent(
                args.username,
                password,
                session=session,
                display_name=args.name or args.username,
                role=role,
                available=args.available,
            )
    except Conflict as exc:
        sys.exit(f"inbox: {exc}")
    finally:
        engine.dispose()
    print(f"inbox: created {role} {args.username}")


def _export_openapi(args: argparse.Namespace) -> None:
    from inbox.app import create_app

    settings = Settings(handoff_secret="x", session_secret="x", database_url="sqlite://")
    spec = create_app(settings, migrate_on_start=False).openapi()
    Path(args.output).write_text(
        json.dumps(spec, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"inbox: wrote {args.output}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m inbox", description="Agent inbox service")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, then serve pages and API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.set_defaults(func=_serve)
    sub.add_parser("migrate", help="upgrade the database to head").set_defaults(func=_migrate)
    for name, role in (("create-admin", "admin"), ("create-agent", "agent")):
        cmd = sub.add_parser(
            name, help=f"create an {role} account (password from INBOX_NEW_PASSWORD or prompt)"
        )
        cmd.add_argument("username")
        cmd.add_argument("--name", help="display name shown to customers")
        cmd.add_argument(
            "--available",
            action="store_true",
            help="start Available (remembered across logins); make run's first admin does",
        )
        cmd.set_defaults(func=lambda a, role=role: _create(a, role))
    export = sub.add_parser("export-openapi", help="write the OpenAPI document")
    export.add_argument("--output", default="docs/inbox-openapi.json")
    export.set_defaults(func=_export_openapi)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
