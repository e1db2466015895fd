"""Yearly follow-up: rounds, activity reports, indicator values and the generated reports."""

from followup.models.indicators import IndicatorValue
from followup.models.reports import Report, ReportComment, ReportMail
from followup.models.rounds import (
    ActivityReport,
    BudgetOutcome,
    FollowUpRound,
    RoundMail,
    SubGoalOutcome,
)

__all__ = [
    "ActivityReport",
    "BudgetOutcome",
    "FollowUpRound",
    "IndicatorValue",
    "Report",
    "ReportComment",
    "ReportMail",
    "RoundMail",
    "SubGoalOutcome",
]
