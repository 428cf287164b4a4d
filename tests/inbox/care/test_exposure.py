"""Admins see abuse exposure per agent; agents cannot."""

from __future__ import annotations

from tests.inbox.care.test_breaks import handled


def test_exposure_counts_abusive_conversations_and_messages_per_agent(tools_inbox) -> None:
    sam, kim, ada = tools_inbox.agent("sam"), tools_inbox.agent("kim"), tools_inbox.agent("ada")
    handled(tools_inbox, sam, abusive=True)
    handled(tools_inbox, sam, abusive=False)
    handled(tools_inbox, kim, abusive=False)
    assert sam.get("/api/v1/analytics/abuse-exposure").status_code == 403
    report = ada.get("/api/v1/analytics/abuse-exposure", params={"days": 7}).json()
    rows = {
        r["agent_name"]: (r["conversations"], r["abusive_conversations"], r["abusive_messages"])
        for r in report["agents"]
    }
    assert rows == {"Sam": (2, 1, 1), "Kim": (1, 0, 0)}
    assert report["agents"][0]["agent_name"] == "Sam"
    assert report["agents"][0]["share"] == 0.5


def test_the_analytics_page_shows_exposure_per_agent(tools_inbox) -> None:
    sam, ada = tools_inbox.agent("sam"), tools_inbox.agent("ada")
    handled(tools_inbox, sam, abusive=True)
    page = ada.get("/admin/analytics").text
    table = page[page.index('id="table-abuse"') :]
    table = table[: table.index("</table>")]
    assert '<th scope="row">Sam</th><td>1</td><td>1</td>' in table
