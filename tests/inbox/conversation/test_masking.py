"""Abuse masking: insults are hidden in the agent's view until revealed; the record keeps them."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

from sqlalchemy import select

from inbox.models import Message
from tests.inbox.helpers import create_handoff, handoff_payload
from tests.inbox.sse import read_events

INSULT = "you are all useless idiots <b>x</b>"
ESCAPED_INSULT = "you are all useless idiots &lt;b&gt;x&lt;/b&gt;"
ABUSIVE = {
    "score": 0.95,
    "level": "frustrated",
    "trend": 0.1,
    "reasons": ["abusive language ('idiots')"],
    "signals": {"abuse": 2.4},
    "abusive": True,
}


_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _ElementSource(HTMLParser):
    """Collects the source of the element with a given id, whatever its other attributes."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=False)
        self.element_id = element_id
        self.depth = 0  # open tags inside the element, itself included
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.parts.append(self.get_starttag_text() or "")
            self.depth += tag not in _VOID  # <br>, <input>... have no end tag

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.parts.append(f"</{tag}>")
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def element_html(html: str, element_id: str) -> str:
    """The source of the element ``id=element_id`` (its tags as written, text still escaped)."""
    parser = _ElementSource(element_id)
    parser.feed(html)
    assert parser.parts, f"no element with id {element_id!r}"
    return "".join(parser.parts)


def page_of(inbox, key: str) -> str:
    client = inbox.agent("sam")
    response = client.get(f"/conversations/{key}")
    assert response.status_code == 200
    return response.text


def test_an_abusive_message_is_masked_in_the_page_but_kept_in_the_api_and_db(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": "c1", "text": INSULT, "frustration": ABUSIVE},
    ).raise_for_status()
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "c2", "text": "sorry, long day"}
    ).raise_for_status()

    messages = sam.get(f"/api/v1/handoffs/{key}").json()["messages"]
    assert [(m["text"], m["abusive"]) for m in messages] == [
        (INSULT, True),
        ("sorry, long day", False),
    ]
    with inbox.svc.factory() as session:
        stored = session.execute(select(Message).where(Message.message_id == "c1")).scalar_one()
        assert stored.text == INSULT and stored.abusive is True

    html = page_of(inbox, key)
    item = re.search(r'<li class="msg from-customer" data-id="\d+">.*?</li>', html, re.S).group(0)
    assert "Message hidden: abusive language." in item
    assert re.search(
        r'<button type="button" class="reveal" aria-expanded="false" aria-controls="m-\d+">Show</button>',
        item,
    )
    assert re.search(
        rf'<p class="masked-text" id="m-\d+" hidden>{re.escape(ESCAPED_INSULT)}</p>', item
    )
    assert "<b>x</b>" not in html
    assert "<p>sorry, long day</p>" in html  # the next message is not masked


def test_abusive_lines_of_the_bot_transcript_are_masked_too(inbox) -> None:
    bot = inbox.bot()
    body = handoff_payload()
    body["summary"]["transcript"] = [
        {"speaker": "customer", "text": "where is my parcel", "at": "2026-11-25T09:58:00Z"},
        {
            "speaker": "customer",
            "text": "stupid bot, you idiots",
            "at": "2026-11-25T09:59:00Z",
            "abusive": True,
        },
        {
            "speaker": "bot",
            "text": "I'm bringing in a person",
            "at": "2026-11-25T09:59:01Z",
            "abusive": True,
        },
    ]
    bot.post("/api/v1/handoffs", json=body).raise_for_status()
    html = page_of(inbox, body["handoff_key"])
    transcript = element_html(html, "transcript")
    assert "<p>where is my parcel</p>" in transcript
    assert re.search(
        r'<p class="masked-text" id="t-2" hidden>stupid bot, you idiots</p>', transcript
    )
    assert transcript.count("Message hidden") == 1  # only customer lines are ever masked
    assert "<p>I&#39;m bringing in a person</p>" in transcript


def test_the_abusive_flag_is_only_taken_from_the_reading(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    calm = {**ABUSIVE, "abusive": False, "signals": {"profanity": 1.4}}
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": "c1", "text": "this is ridiculous", "frustration": calm},
    ).raise_for_status()
    assert sam.get(f"/api/v1/handoffs/{key}").json()["messages"][0]["abusive"] is False
    assert "Message hidden" not in page_of(inbox, key)


def test_the_live_message_event_carries_the_flag_and_the_original_text(inbox) -> None:
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    received: list = []
    ready = threading.Event()
    reader = threading.Thread(
        target=read_events, args=(inbox, key, 1, received, ready), daemon=True
    )
    reader.start()
    assert ready.wait(10)
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": "c1", "text": INSULT, "frustration": ABUSIVE},
    ).raise_for_status()
    reader.join(10)
    assert received[0][0] == "message"
    assert received[0][1]["text"] == INSULT and received[0][1]["abusive"] is True
