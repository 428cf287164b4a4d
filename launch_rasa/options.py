"""The Rasa option the launcher adds: the auth token."""
from __future__ import annotations

from typing import List, Mapping, Sequence

TOKEN_VARIABLE = "RASA_TOKEN"
# Options that would put a secret back on the command line.
FORBIDDEN = ("-t", "--auth-token", "--jwt-secret")


class LaunchError(ValueError):
    """The environment or the arguments cannot start Rasa safely (the message says why)."""


def rasa_argv(args: Sequence[str], env: Mapping[str, str]) -> List[str]:
    """Rasa's arguments: ``args`` plus the token.

    Raises:
        LaunchError: ``RASA_TOKEN`` is missing, or ``args`` carries a secret.
    """
    for arg in args:
        if arg.split("=", 1)[0] in FORBIDDEN:
            raise LaunchError(f"{arg.split('=', 1)[0]} is set from the environment here "
                              f"({TOKEN_VARIABLE}); remove it from the command line")
    token = env.get(TOKEN_VARIABLE, "")
    if not token:
        raise LaunchError(f"{TOKEN_VARIABLE} must be set (scripts/env.sh generates it into var/.env.local)")
    if not args or args[0] != "run":
        raise LaunchError("usage: python -m launch_rasa run [rasa run options]")
    return [*args, "--auth-token", token]
