"""The queue answer (inbox/queue/answer.py): one computation per queue version shared by
the API and the queue page; the page renders only the first rows of each list."""

from __future__ import annotations

import re

from inbox import schemas
from inbox.queue import answer
from tests.inbox.helpers import create_handoff


def _keys(html: str, list_id: str) -> list[str]:
    found = re.search(rf'<ul\b[^>]*\bid="{list_id}"[^>]*>(.*?)</ul>', html, re.S)
    assert found, list_id
    return re.findall(r'<li class="qitem[^"]*" data-key="([^"]+)"', found.group(1))


def test_the_api_answer_keeps_its_shape_order_and_counts(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    low = create_handoff(bot, priority="low")["handoff_key"]
    urgent = create_handoff(bot, priority="urgent")["handoff_key"]
    older = create_handoff(bot, priority="urgent", created_at="2026-11-25T09:00:00Z")
    mine = create_handoff(bot)["handoff_key"]
    sam.post(f"/api/v1/handoffs/{mine}/claim").raise_for_status()
    for n in range(2):
        bot.post(
            f"/api/v1/handoffs/{urgent}/messages", json={"message_id": f"m{n}", "text": "hello?"}
        ).raise_for_status()

    body = sam.get("/api/v1/queue").json()
    out = schemas.QueueOut.parse_obj(body)  # the documented shape, field by field
    assert [i.handoff_key for i in out.items] == [older["handoff_key"], urgent, low, mine]
    assert [i.new_messages for i in out.items] == [0, 2, 0, 0]
    assert out.items[-1].claimed_by == "Sam" and out.items[-1].status == "claimed"
    assert out.total_waiting == 3 and out.figures.queue_length == 3
    assert body["items"][0]["created_at"] == "2026-11-25T09:00:00+00:00"


def test_page_and_api_share_one_computation_per_change(inbox, monkeypatch) -> None:
    calls = []
    compute = answer.compute

    def counted(**kwargs):
        calls.append(kwargs["limit"])
        return compute(**kwargs)

    monkeypatch.setattr(answer, "compute", counted)
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    assert key in _keys(sam.get("/queue").text, "waiting")
    assert [i["handoff_key"] for i in sam.get("/api/v1/queue").json()["items"]] == [key]
    assert calls == [answer.DEFAULT_LIMIT]  # queue.js's read right after the page: shared

    create_handoff(bot)  # a change: the next read computes again
    assert len(sam.get("/api/v1/queue").json()["items"]) == 2
    assert len(calls) == 2


def test_the_page_renders_the_first_rows_and_all_of_mine(inbox, monkeypatch) -> None:
    first_rows = 2
    monkeypatch.setattr(answer, "FIRST_ROWS", first_rows)
    bot, sam, kim = inbox.bot(), inbox.agent("sam"), inbox.agent("kim")
    keys = [
        create_handoff(bot, created_at=f"2026-11-25T10:0{n}:00Z")["handoff_key"] for n in range(8)
    ]
    for key in keys[:3]:
        sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    for key in keys[3:6]:
        kim.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()

    page = sam.get("/queue").text
    assert _keys(page, "waiting") == keys[6:8]
    assert sorted(_keys(page, "mine")) == sorted(keys[:3])  # all of mine
    assert len(_keys(page, "others")) == first_rows  # the rest comes from queue.js
    assert set(_keys(page, "others")) < set(keys[3:6])

    more = create_handoff(bot, created_at="2026-11-25T10:09:00Z")["handoff_key"]  # a 3rd waiting
    page = sam.get("/queue").text
    assert more not in _keys(page, "waiting")
    assert re.search(r'id="more">Showing the first 2 of 3 by priority\.<', page)
