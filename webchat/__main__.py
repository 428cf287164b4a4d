"""``python -m webchat [--host H] [--port P] [--rasa-url URL]``: serve the widget and demo page."""

from __future__ import annotations

import argparse
import sys

from webchat.settings import Settings, SettingsError


def parse_args(argv: list[str] | None, defaults: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m webchat", description=__doc__)
    parser.add_argument(
        "--host", default=defaults.host, help="listen address (WEBCHAT_HOST, default %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=defaults.port, help="port (WEBCHAT_PORT, default %(default)s)"
    )
    parser.add_argument(
        "--rasa-url",
        default=defaults.rasa_url,
        help="Rasa as browsers reach it (WEBCHAT_RASA_URL or RASA_URL, default %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    try:
        defaults = Settings.from_env()
        args = parse_args(argv, defaults)
        settings = defaults.replace(host=args.host, port=args.port, rasa_url=args.rasa_url)
    except SettingsError as exc:
        sys.exit(f"error: {exc}")

    import uvicorn  # imported late: --help and setting errors stay fast

    from webchat.app import create_app

    print(
        f"Web chat demo store page: {settings.base_url}/  (Rasa: {settings.rasa_url})", flush=True
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws="none",
        server_header=False,
    )


if __name__ == "__main__":
    main()
