"""The agent tools' tables start empty in every test (the shared reset keeps to its own)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from inbox.agent_tools.models import AgentCare, CannedReply, ConversationNote


@pytest.fixture()
def tools_inbox(inbox):
    with inbox.svc.factory.begin() as session:
        for model in (ConversationNote, CannedReply, AgentCare):
            session.execute(delete(model))
    return inbox
