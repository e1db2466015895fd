"""Writes to the activity reports: a lead's draft or submission, and the coordinator's
reopening of a submitted report.

Every function checks access and validates before it saves; a save made from an older
version of the report is refused (ReportConflict), so that two people never both win.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import selectors
from followup.access import FollowUpAccess
from followup.history import report_conflict_details
from followup.models import (
    ActivityReport,
    BudgetOutcome,
    FollowUpRound,
    IndicatorValue,
    SubGoalOutcome,
)
from portal import limits
from portal.history import EditConflict
from portal.models import User


class ReportConflict(EditConflict):
    """Someone saved the report after this form was loaded (or the form did not say when):
    ``changes`` holds its fields, sub-goal counts, budget outcomes and indicator values
    that changed."""


@dataclass
class ReportInput:
    status: str = ""
    traffic_light: str = ""
    traffic_light_comment: str = ""
    progress: int | None = None
    work_done: str = ""
    realised_benefits: str = ""
    #: sub-goal id → (performed count, comment)
    outcomes: dict[int, tuple[int | None, str]] = field(default_factory=dict)
    #: budget line id → outcome in SEK (None clears it)
    budget: dict[int, Decimal | None] = field(default_factory=dict)
    #: indicator id → (value, comment) for the round's year (None leaves it unchanged)
    indicators: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)


def report_problems(data: ReportInput) -> dict[str, str]:
    """What must be filled before a report is submitted (a draft may lack anything)."""
    problems: dict[str, str] = {}
    if not data.status:
        problems["status"] = _("Choose the activity's status.")
    if not data.traffic_light:
        problems["traffic_light"] = _("Choose a traffic light.")
    if data.progress is None:
        problems["progress"] = _("Give the progress in percent.")
    if not data.work_done.strip():
        problems["work_done"] = _("Describe what was done.")
    return problems


def _light_problems(data: ReportInput) -> dict[str, str]:
    # A red light without a word is no use to the steering group, draft or not.
    if (
        data.traffic_light == ActivityReport.TrafficLight.RED
        and not data.traffic_light_comment.strip()
    ):
        return {
            "traffic_light_comment": _(
                "A red light needs a comment: what is wrong and what is being done."
            )
        }
    return {}


@transaction.atomic
def report_save(
    *,
    report: ActivityReport,
    user: User,
    access: FollowUpAccess,
    data: ReportInput,
    expected_version: int | None,
    submit: bool = False,
) -> ActivityReport:
    """Save the report as a draft, or submit it; refuse a save made from an older version,
    or from a form that does not say which (``expected_version`` None)."""
    if not access.can_fill(report) and not access.can_manage:
        raise PermissionDenied(
            "Only the activity's contact, its area's lead and the coordinators fill its report."
        )
    stored = (
        ActivityReport.objects.select_for_update()
        .select_related("round", "activity")
        .get(pk=report.pk)
    )
    if stored.round.state != FollowUpRound.State.OPEN:
        raise ValidationError(_("The round is closed: reports can no longer be changed."))
    if expected_version is None or stored.version != expected_version:
        raise ReportConflict(**report_conflict_details(stored, expected_version))
    if stored.state == ActivityReport.State.SUBMITTED and not submit and not access.can_manage:
        raise ValidationError(_("The report is submitted; ask the coordinator to reopen it."))
    problems = _light_problems(data)
    if submit:
        problems |= report_problems(data)
    if data.progress is not None and not 0 <= data.progress <= limits.PROGRESS_MAX:
        problems["progress"] = _("Progress is a percentage from 0 to 100.")
    if problems:
        raise ValidationError(problems)

    when = timezone.now()
    for name in (
        "status",
        "traffic_light",
        "progress",
    ):
        setattr(stored, name, getattr(data, name))
    for name in ("traffic_light_comment", "work_done", "realised_benefits"):
        setattr(stored, name, getattr(data, name).strip())
    limits.check_lengths(stored)
    stored.version += 1
    if submit:
        stored.state = ActivityReport.State.SUBMITTED
        stored.submitted_at = when
        stored.submitted_by = user
    stored._history_user = user
    stored.save()
    _save_outcomes(stored, data, user)
    _save_budget(stored, data, user)
    _save_indicators(stored, data, user)
    return stored


def _save_outcomes(report: ActivityReport, data: ReportInput, user: User) -> None:
    sub_goal_ids = set(report.activity.sub_goals.values_list("pk", flat=True))
    existing = {o.sub_goal_id: o for o in report.outcomes.all()}
    for sub_goal_id, (count, comment) in data.outcomes.items():
        if sub_goal_id not in sub_goal_ids:
            raise ValidationError(_("A sub-goal is not the activity's."))
        outcome = existing.get(sub_goal_id)
        if outcome is None:
            if count is None and not comment.strip():
                continue
            outcome = SubGoalOutcome(report=report, sub_goal_id=sub_goal_id)
        elif outcome.performed_count == count and outcome.comment == comment.strip():
            continue
        outcome.performed_count = count
        outcome.comment = comment.strip()
        limits.check_lengths(outcome)
        outcome._history_user = user
        outcome.save()


def _save_budget(report: ActivityReport, data: ReportInput, user: User) -> None:
    line_ids = set(
        report.activity.budget_lines.filter(year=report.round.year).values_list("pk", flat=True)
    )
    existing = {o.budget_line_id: o for o in report.budget_outcomes.all()}
    for line_id, amount in data.budget.items():
        if line_id not in line_ids:
            raise ValidationError(_("A budget line is not the activity's for this year."))
        outcome = existing.get(line_id)
        if amount is None:
            if outcome is not None:
                outcome._history_user = user
                outcome.delete()
            continue
        if outcome is None:
            outcome = BudgetOutcome(report=report, budget_line_id=line_id)
        elif outcome.amount == amount:
            continue
        outcome.amount = amount
        outcome._history_user = user
        outcome.save()


def _save_indicators(report: ActivityReport, data: ReportInput, user: User) -> None:
    allowed = {i.pk: i for i in selectors.report_indicators(report.activity)}
    for indicator_id, (value, comment) in data.indicators.items():
        indicator = allowed.get(indicator_id)
        if indicator is None:
            raise ValidationError(_("An indicator does not belong to the activity."))
        if value is None:
            continue
        organisation_id = (
            report.activity.lead_organisation_id if indicator.per_organisation else None
        )
        current = IndicatorValue.objects.filter(  # type: ignore[misc]  # None: IS NULL
            indicator=indicator,
            year=report.round.year,
            organisation_id=organisation_id,
            scope=IndicatorValue.Scope.STRATEGY,
        ).first()
        if current is None:
            current = IndicatorValue(
                indicator=indicator, year=report.round.year, organisation_id=organisation_id
            )
        elif current.value == value and current.comment == comment.strip():
            continue
        current.value = value
        current.comment = comment.strip()
        limits.check_lengths(current)
        current.source = IndicatorValue.Source.ENTERED
        current.entered_by = user
        current._history_user = user
        current.save()


@transaction.atomic
def report_reopen(*, report: ActivityReport, user: User, access: FollowUpAccess) -> None:
    """The coordinator gives a submitted report back to its lead as a draft."""
    if not access.can_manage:
        raise PermissionDenied(
            "Only the plan's coordinators give a submitted report back as a draft."
        )
    stored = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if stored.state != ActivityReport.State.SUBMITTED:
        return
    stored.state = ActivityReport.State.DRAFT
    stored.version += 1
    stored._history_user = user
    stored.save(update_fields=["state", "version"])
