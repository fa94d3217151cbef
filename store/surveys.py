"""Satisfaction surveys: one per closed request, kept with its service and groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from store.models import SurveyResponseRow

SCORES = range(1, 6)


async def open_survey(
    session: AsyncSession, *, request_id: int, service_id: str, groups: Sequence[str],
    now: datetime,
) -> SurveyResponseRow:
    row = SurveyResponseRow(request_id=request_id, service_id=service_id,
                            groups=sorted(set(groups)), sent_at=now)
    session.add(row)
    await session.flush()
    return row


async def get_survey(session: AsyncSession, *, request_id: int) -> SurveyResponseRow | None:
    return await session.get(SurveyResponseRow, request_id, populate_existing=True)


async def record_score(
    session: AsyncSession, *, survey: SurveyResponseRow, score: int, now: datetime
) -> None:
    if score not in SCORES:
        raise ValueError(f"a score is 1 to 5, not {score!r}")
    survey.score = score
    survey.answered_at = now
    session.add(survey)
    await session.flush()


async def record_comment(session: AsyncSession, *, survey: SurveyResponseRow, comment: str) -> None:
    survey.comment = comment
    session.add(survey)
    await session.flush()
