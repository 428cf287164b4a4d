"""The fixed socket.io channel that Rasa loads (channels/socketio.py)."""

from __future__ import annotations

from unittest.mock import AsyncMock

import pytest

from channels.socketio import MAX_SESSION_ID_LENGTH, SocketIOInput, session_id_from


async def _noop(_message: object) -> None:
    return None


def channel_with_mocked_server() -> SocketIOInput:
    channel = SocketIOInput.from_credentials({"session_persistence": True})
    channel.blueprint(_noop)
    channel.sio.enter_room = AsyncMock()  # type: ignore[union-attr, method-assign]
    channel.sio.emit = AsyncMock()  # type: ignore[union-attr, method-assign]
    return channel  # type: ignore[return-value]


async def test_session_request_awaits_joining_the_session_room() -> None:
    channel = channel_with_mocked_server()
    handler = channel.sio.handlers["/"]["session_request"]  # type: ignore[union-attr]
    await handler("sid-1", {"session_id": "web-abc"})
    channel.sio.enter_room.assert_awaited_once_with("sid-1", "web-abc", namespace=None)  # type: ignore
    channel.sio.emit.assert_awaited_once_with(
        "session_confirm", "web-abc", room="sid-1", namespace=None
    )  # type: ignore


async def test_a_request_without_usable_id_gets_a_new_one() -> None:
    channel = channel_with_mocked_server()
    handler = channel.sio.handlers["/"]["session_request"]  # type: ignore[union-attr]
    await handler("sid-2", None)
    room = channel.sio.enter_room.await_args.args[1]  # type: ignore[union-attr]
    assert len(room) == 32 and room != "None"


def test_the_channel_keeps_rasas_name() -> None:
    # domain.yml's `channel: socketio` variants and output_channel=latest rely on it.
    assert SocketIOInput.name() == "socketio"


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"session_id": "web-1"}, "web-1"),
        ({"session_id": None}, None),
        ({"session_id": ""}, None),
        ({"session_id": 42}, None),
        ({"session_id": "x" * (MAX_SESSION_ID_LENGTH + 1)}, None),
        ({"session_id": "line\nbreak"}, None),
        ("not a dict", None),
    ],
)
def test_session_id_from(data: object, expected: object) -> None:
    assert session_id_from(data) == expected
