"""'Mine' in the workspace queue is matched on the agent's id, not on the display name:
two agents may well share a name."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from inbox.models import Agent
from tests.inbox.helpers import create_handoff


def _list(html: str, list_id: str) -> str:
    found = re.search(rf'<ul\b[^>]*\bid="{list_id}"[^>]*>(.*?)</ul>', html, re.S)
    assert found, list_id
    return found.group(1)


def test_a_colleague_with_the_same_name_is_not_me(inbox) -> None:
    with inbox.svc.factory.begin() as session:
        session.execute(update(Agent).where(Agent.username == "kim").values(display_name="Sam"))
        kim_id = session.execute(select(Agent.id).where(Agent.username == "kim")).scalar_one()
    inbox.svc.queue_cache.clear()
    sam, kim = inbox.agent("sam"), inbox.agent("kim")
    key = create_handoff(inbox.bot())["handoff_key"]
    kim.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()

    items = sam.get("/api/v1/queue").json()["items"]
    assert [(i["handoff_key"], i["claimed_by"], i["claimed_by_id"]) for i in items] == [
        (key, "Sam", kim_id)
    ]
    page = sam.get("/queue").text
    assert key not in _list(page, "mine")
    assert key in _list(page, "others")
    assert key in _list(kim.get("/queue").text, "mine")
