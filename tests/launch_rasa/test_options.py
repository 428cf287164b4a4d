"""The launcher's options: the token comes from the environment, never the command line."""
from __future__ import annotations

import pytest

from launch_rasa.options import LaunchError, rasa_argv

ENV = {"RASA_TOKEN": "s3cret-token", "WEBCHAT_PORT": "8181"}


def test_the_token_is_added() -> None:
    argv = rasa_argv(["run", "--enable-api", "--port", "5005"], ENV)
    assert argv == ["run", "--enable-api", "--port", "5005", "--auth-token", "s3cret-token"]


@pytest.mark.parametrize("args", [
    ["run", "--auth-token", "x"], ["run", "--auth-token=x"], ["run", "-t", "x"],
    ["run", "--jwt-secret", "x"],
])
def test_secrets_and_cors_on_the_command_line_are_refused(args: list) -> None:
    with pytest.raises(LaunchError, match="from the environment"):
        rasa_argv(args, ENV)


def test_a_missing_token_stops_the_launch() -> None:
    with pytest.raises(LaunchError, match="RASA_TOKEN must be set"):
        rasa_argv(["run"], {"WEBCHAT_PORT": "8080"})
