"""The launcher's options: the token and CORS come from the environment, never the command line."""

from __future__ import annotations

import pytest

from launch_rasa.options import LaunchError, cors_origins, rasa_argv

ENV = {"RASA_TOKEN": "s3cret-token", "WEBCHAT_PORT": "8181"}


def test_the_token_and_the_webchat_origin_are_added() -> None:
    argv = rasa_argv(["run", "--enable-api", "--port", "5005"], ENV)
    assert argv == [
        "run",
        "--enable-api",
        "--port",
        "5005",
        "--auth-token",
        "s3cret-token",
        "--cors",
        "http://127.0.0.1:8181",
        "http://localhost:8181",
    ]


@pytest.mark.parametrize(
    "env, expected",
    [
        (
            {"RASA_CORS_ORIGINS": "https://shop.example, https://www.shop.example:8443/"},
            ["https://shop.example", "https://www.shop.example:8443"],
        ),
        (
            {"RASA_CORS_ORIGINS": "https://a.example https://b.example"},
            ["https://a.example", "https://b.example"],
        ),
        ({"WEBCHAT_PUBLIC_URL": "https://chat.example/"}, ["https://chat.example"]),
        ({}, ["http://127.0.0.1:8080", "http://localhost:8080"]),
        ({"RASA_CORS_ORIGINS": "*"}, ["*"]),  # only when asked for in so many words
    ],
)
def test_cors_origins(env: dict, expected: list) -> None:
    assert cors_origins(env) == expected


@pytest.mark.parametrize(
    "value",
    [
        "shop.example",
        "https://shop.example/path",
        "javascript:alert(1)",
        "https://a.example *",
        "https://user:pw@shop.example",
    ],
)
def test_malformed_origins_are_refused(value: str) -> None:
    with pytest.raises(LaunchError, match="RASA_CORS_ORIGINS"):
        cors_origins({"RASA_CORS_ORIGINS": value})


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--auth-token", "x"],
        ["run", "--auth-token=x"],
        ["run", "-t", "x"],
        ["run", "--cors", "*"],
        ["run", "--jwt-secret", "x"],
    ],
)
def test_secrets_and_cors_on_the_command_line_are_refused(args: list) -> None:
    with pytest.raises(LaunchError, match="from the environment"):
        rasa_argv(args, ENV)


def test_a_missing_token_stops_the_launch() -> None:
    with pytest.raises(LaunchError, match="RASA_TOKEN must be set"):
        rasa_argv(["run"], {"WEBCHAT_PORT": "8080"})
