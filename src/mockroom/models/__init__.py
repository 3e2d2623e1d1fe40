"""Every ORM model, imported here so Alembic and the app see one metadata."""

from mockroom.models.ai_call import AiCall
from mockroom.models.api_token import ApiToken
from mockroom.models.audit_event import AuditEvent
from mockroom.models.auth_session import AuthSession
from mockroom.models.github_account import GithubAccount
from mockroom.models.interview import Interview
from mockroom.models.interview_question import InterviewQuestion
from mockroom.models.interview_response import InterviewResponse
from mockroom.models.performance_metric import PerformanceMetric
from mockroom.models.question_bank import BankQuestion
from mockroom.models.study_plan import StudyPlanRecord
from mockroom.models.user import User

__all__ = [
    "AiCall",
    "ApiToken",
    "AuditEvent",
    "AuthSession",
    "BankQuestion",
    "GithubAccount",
    "Interview",
    "InterviewQuestion",
    "InterviewResponse",
    "PerformanceMetric",
    "StudyPlanRecord",
    "User",
]
