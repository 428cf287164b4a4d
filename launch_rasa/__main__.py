"""Entry point: check the environment, then run Rasa's CLI in this process."""

from __future__ import annotations

import os
import sys

from launch_rasa.options import LaunchError, rasa_argv


def main(argv: list[str] | None = None) -> None:
    try:
        args = rasa_argv(sys.argv[1:] if argv is None else argv, os.environ)
    except LaunchError as exc:
        sys.exit(f"launch_rasa: {exc}")
    from rasa.__main__ import main as rasa_main  # late: TensorFlow loads with it

    from rasa_server import idempotent_append, speedups

    speedups.install()  # work Rasa repeats per message, done once (issue 17)
    idempotent_append.install()  # an agent's line retried by the inbox shows once

    sys.argv = ["rasa", *args]  # Rasa parses sys.argv; /proc/<pid>/cmdline keeps the original
    sys.exit(rasa_main())


if __name__ == "__main__":
    main()
