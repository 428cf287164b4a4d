"""Satisfaction ratings: stored with the conversation, and its handoff and agent if any."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Agent, Handoff, Rating, utcnow


def _handoff_of(
    conversation_id: str, handoff_key: str | None, *, session: Session
) -> Handoff | None:
    """The handoff the rating is about: the named one when it belongs to this
    conversation (a key from another conversation is ignored), else none."""
    if not handoff_key:
        return None
    handoff: Handoff | None = session.execute(
        select(Handoff).where(Handoff.key == handoff_key)
    ).scalar_one_or_none()
    if handoff is None or handoff.conversation_id != conversation_id:
        return None
    return handoff


def save_rating(
    conversation_id: str,
    rating_id: str,
    *,
    score: int,
    comment: str | None,
    handoff_key: str | None,
    session: Session,
) -> tuple[Rating, bool]:
    """Insert or update one rating (the widget sends the score, then maybe a comment).

    The handoff and agent are fixed when the rating is first stored. Returns
    (rating, created).
    """
    rating = session.execute(
        select(Rating).where(
            Rating.conversation_id == conversation_id, Rating.rating_id == rating_id
        )
    ).scalar_one_or_none()
    if rating is not None:
        rating.score = score
        if comment is not None:
            rating.comment = comment
        rating.updated_at = utcnow()
        return rating, False
    handoff = _handoff_of(conversation_id, handoff_key, session=session)
    agent = session.get(Agent, handoff.claimed_by_id) if handoff and handoff.claimed_by_id else None
    rating = Rating(
        conversation_id=conversation_id,
        rating_id=rating_id,
        handoff_id=handoff.id if handoff else None,
        handoff_key=handoff.key if handoff else None,
        agent_id=agent.id if agent else None,
        agent_name=agent.display_name if agent else None,
        score=score,
        comment=comment,
    )
    session.add(rating)
    session.flush()
    return rating, True
