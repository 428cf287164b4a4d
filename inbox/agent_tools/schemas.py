"""API shapes of the agent tools and of care for agents."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class CannedReplyIn(BaseModel):
    shortcut: str = Field(
        ..., min_length=1, max_length=41, description="typed after / in the reply box"
    )
    title: str = Field(..., min_length=1, max_length=120)
    body: str = Field(
        ..., min_length=1, max_length=4000, description="may hold {first_name}, {order_number} …"
    )


class CannedReplyOut(BaseModel):
    id: int
    shortcut: str
    title: str
    body: str
    updated_at: datetime

    class Config:
        orm_mode = True


class FilledReplyOut(BaseModel):
    """A canned reply filled for one conversation; ``blanks`` are placeholders still to fill."""

    id: int
    shortcut: str
    title: str
    text: str
    blanks: list[str]


class PlaceholdersOut(BaseModel):
    placeholders: dict[str, str]


class NoteIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=4000)


class NoteOut(BaseModel):
    id: int
    kind: str
    text: str
    agent_name: str
    for_agent_id: int | None
    created_at: datetime

    class Config:
        orm_mode = True


class TransferIn(BaseModel):
    """``to``: the receiving agent's username, or null for back to the queue."""

    to: str | None = Field(None, max_length=80)
    note: str = Field("", max_length=4000)


class ColleagueOut(BaseModel):
    id: int
    username: str
    display_name: str
    available: bool
    open_conversations: int


class OfferOut(BaseModel):
    handoff_key: str
    customer_name: str
    minutes: int


class CareOut(BaseModel):
    available: bool
    remembered_available: bool
    break_until: datetime | None
    offer: OfferOut | None


class BreakIn(BaseModel):
    minutes: int = Field(5, ge=1, le=30)


class RoutedOut(BaseModel):
    handoff_key: str
    agent_id: int | None
    agent_name: str | None
    abusive: bool


class RoutingOut(BaseModel):
    items: list[RoutedOut]


class ExposureOut(BaseModel):
    agent_id: int
    agent_name: str
    conversations: int
    abusive_conversations: int
    abusive_messages: int
    share: float


class ExposureReportOut(BaseModel):
    since: datetime
    until: datetime
    agents: list[ExposureOut]
