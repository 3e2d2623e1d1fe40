from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from mockroom.ai.schemas import StudyPlan as StudyPlanContent


class StudyPlan(BaseModel):
    id: int
    created_at: datetime
    interviews_considered: int
    out_of_date: bool = Field(
        description="True when interviews were completed after this plan was made."
    )
    plan: StudyPlanContent
