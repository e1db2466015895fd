"""Writes of follow-up: rounds, the activity reports, the generated PDF and its review.

Every function checks access and validates before it saves; the views only call them.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actionplans.models import ActionPlan, Activity
from followup.access import RoundAccess
from followup.models import (
    ActivityReport,
    BudgetOutcome,
    FollowUpRound,
    IndicatorValue,
    Report,
    ReportComment,
    SubGoalOutcome,
)
from portal.dates import today
from portal.models import Body, User
from portal.services import decision_record

#: Plans that can be followed up: decided ones (a draft has nothing to follow up yet).
FOLLOWABLE_STATES = (
    ActionPlan.State.APPROVED,
    ActionPlan.State.PUBLISHED,
    ActionPlan.State.CLOSED,
)


# --- Rounds ------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    plan: ActionPlan,
    user: User,
    access: RoundAccess,
    year: int,
    term: str,
    deadline: date,
    reminder_days: int = 7,
    instructions: str = "",
) -> FollowUpRound:
    """Open a round and give every live activity of the plan a draft report to fill."""
    from followup.tasks import send_round_opened  # tasks import this module

    if not access.can_manage:
        raise PermissionDenied
    if plan.state not in FOLLOWABLE_STATES:
        raise ValidationError(_("Only an approved or published plan can be followed up."))
    if deadline < today():
        raise ValidationError(_("The deadline has passed already."))
    if term not in FollowUpRound.Term.values:
        raise ValidationError(_("Unknown term."))
    if FollowUpRound.objects.filter(plan=plan, year=year, term=term).exists():
        raise ValidationError(_("This plan already has a follow-up round for that period."))
    round = FollowUpRound(
        plan=plan,
        year=year,
        term=term,
        deadline=deadline,
        reminder_days=reminder_days,
        instructions=instructions.strip(),
        opened_by=user,
        opened_at=timezone.now(),
    )
    round._history_user = user
    round.save()
    activities = plan.activities.filter(removed_at__isnull=True).order_by("order", "pk")
    bulk_create_with_history(
        [
            ActivityReport(round=round, activity=activity, status=activity.status)
            for activity in activities
        ],
        ActivityReport,
        default_user=user,
    )
    send_round_opened.delay_on_commit(round.pk)  # type: ignore[attr-defined]  # DjangoTask
    return round


@transaction.atomic
def round_close(*, round: FollowUpRound, user: User, access: RoundAccess) -> None:
    """Close the round: the reports are final, whatever state they are in."""
    if not access.can_manage:
        raise PermissionDenied
    round = FollowUpRound.objects.select_for_update().get(pk=round.pk)
    if round.state == FollowUpRound.State.CLOSED:
        return
    round.state = FollowUpRound.State.CLOSED
    round._history_user = user
    round.save(update_fields=["state"])


@transaction.atomic
def round_reopen(*, round: FollowUpRound, user: User, access: RoundAccess) -> None:
    if not access.can_manage:
        raise PermissionDenied
    round = FollowUpRound.objects.select_for_update().get(pk=round.pk)
    if round.pdf_reports.filter(review=Report.Review.APPROVED).exists():
        raise ValidationError(_("The round's report is approved: the round stays closed."))
    round.state = FollowUpRound.State.OPEN
    round._history_user = user
    round.save(update_fields=["state"])


# --- Activity reports --------------------------------------------------------------------


class ReportConflict(Exception):
    """Someone saved the report after this form was loaded."""

    def __init__(self, stored: ActivityReport):
        super().__init__("conflict")
        self.stored = stored


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
    access: RoundAccess,
    data: ReportInput,
    expected_version: int,
    submit: bool = False,
) -> ActivityReport:
    """Save the report as a draft, or submit it; refuse a save made from an older version."""
    if not access.can_fill(report) and not access.can_manage:
        raise PermissionDenied
    stored = (
        ActivityReport.objects.select_for_update()
        .select_related("round", "activity")
        .get(pk=report.pk)
    )
    if stored.round.state != FollowUpRound.State.OPEN:
        raise ValidationError(_("The round is closed: reports can no longer be changed."))
    if stored.version != expected_version:
        raise ReportConflict(stored)
    if stored.state == ActivityReport.State.SUBMITTED and not submit and not access.can_manage:
        raise ValidationError(_("The report is submitted; ask the coordinator to reopen it."))
    problems = _light_problems(data)
    if submit:
        problems |= report_problems(data)
    if data.progress is not None and not 0 <= data.progress <= 100:
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


def report_indicators(activity: Activity):
    """The indicators a report on this activity asks for: those of its effect goals and of
    its focus areas."""
    from strategy.models import Indicator

    return (
        Indicator.objects.filter(
            Q(effect_goal__activities=activity) | Q(focus_area__activities=activity)
        )
        .distinct()
        .order_by("strategy_id", "order", "pk")
    )


def _save_indicators(report: ActivityReport, data: ReportInput, user: User) -> None:
    allowed = {i.pk: i for i in report_indicators(report.activity)}
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
            indicator=indicator, year=report.round.year, organisation_id=organisation_id
        ).first()
        if current is None:
            current = IndicatorValue(
                indicator=indicator, year=report.round.year, organisation_id=organisation_id
            )
        elif current.value == value and current.comment == comment.strip():
            continue
        current.value = value
        current.comment = comment.strip()
        current.entered_by = user
        current._history_user = user
        current.save()


@transaction.atomic
def report_reopen(*, report: ActivityReport, user: User, access: RoundAccess) -> None:
    """The coordinator gives a submitted report back to its lead as a draft."""
    if not access.can_manage:
        raise PermissionDenied
    stored = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if stored.state != ActivityReport.State.SUBMITTED:
        return
    stored.state = ActivityReport.State.DRAFT
    stored.version += 1
    stored._history_user = user
    stored.save(update_fields=["state", "version"])


# --- The generated report and its review ---------------------------------------------------


@transaction.atomic
def pdf_report_request(
    *, round: FollowUpRound, user: User | None, access: RoundAccess | None = None
) -> Report:
    """Queue a new version of the round's report; a request while one is being built
    returns that one, so two clicks make one report.

    ``access`` is None for the shell (the management command), which is trusted.
    """
    from followup.tasks import build_report

    if access is not None and not access.can_manage:
        raise PermissionDenied
    # The round's row lock orders concurrent requests; the partial unique constraint
    # (one report in progress per round) backs it up.
    round = FollowUpRound.objects.select_for_update().get(pk=round.pk)
    if round.pdf_reports.filter(review=Report.Review.APPROVED).exists():
        raise ValidationError(_("The round's report is approved and locked."))
    current = round.pdf_reports.filter(state__in=Report.IN_PROGRESS).first()
    if current is not None:
        return current
    version = (round.pdf_reports.aggregate(last=Max("version"))["last"] or 0) + 1
    report = Report(round=round, version=version, requested_by=user)
    report._history_user = user
    report.save()
    build_report.delay_on_commit(report.pk)  # type: ignore[attr-defined]  # DjangoTask
    return report


@transaction.atomic
def pdf_report_retry(*, report: Report, user: User, access: RoundAccess) -> Report:
    """Build a failed report again (the same version number)."""
    from followup.tasks import build_report

    if not access.can_manage:
        raise PermissionDenied
    FollowUpRound.objects.select_for_update().get(pk=report.round_id)
    if report.round.pdf_reports.filter(state__in=Report.IN_PROGRESS).exclude(pk=report.pk).exists():
        raise ValidationError(_("Another version is being built."))
    updated = Report.objects.filter(pk=report.pk, state=Report.State.FAILED).update(
        state=Report.State.QUEUED, error="", started_at=None, finished_at=None
    )
    if updated:
        build_report.delay_on_commit(report.pk)  # type: ignore[attr-defined]  # DjangoTask
    report.refresh_from_db()
    return report


def pdf_report_comment(
    *, report: Report, user: User, access: RoundAccess, text: str
) -> ReportComment:
    if not access.can_comment:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("The comment is empty."))
    return ReportComment.objects.create(report=report, author=user, text=text)


def _lock_for_review(report: Report, access: RoundAccess) -> Report:
    if not access.can_review:
        raise PermissionDenied
    stored = (
        Report.objects.select_for_update().select_related("round", "round__plan").get(pk=report.pk)
    )
    if stored.state != Report.State.DONE:
        raise ValidationError(_("Only a finished report can be reviewed."))
    if stored.review != Report.Review.PENDING:
        raise ValidationError(
            _("The report has been reviewed already (%(review)s).")
            % {"review": stored.get_review_display()}
        )
    if stored.round.pdf_reports.filter(version__gt=stored.version).exists():
        raise ValidationError(_("A newer version of the report exists: review that one."))
    return stored


@transaction.atomic
def pdf_report_approve(
    *,
    report: Report,
    user: User,
    access: RoundAccess,
    recipients: list[Body],
    comment: str = "",
) -> Report:
    """Approve the report: it is locked, the round closes, the decision enters the steering
    group's register and the report is mailed to the chosen recipients."""
    from followup.tasks import send_report

    stored = _lock_for_review(report, access)
    stored.review = Report.Review.APPROVED
    stored.reviewed_by = user
    stored.reviewed_at = timezone.now()
    stored._history_user = user
    stored.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    stored.recipients.set(recipients)
    if comment.strip():
        ReportComment.objects.create(report=stored, author=user, text=comment.strip())
    round = FollowUpRound.objects.select_for_update().get(pk=stored.round_id)
    if round.state != FollowUpRound.State.CLOSED:
        round.state = FollowUpRound.State.CLOSED
        round._history_user = user
        round.save(update_fields=["state"])
    _register_approval(stored, user, comment)
    if recipients:
        send_report.delay_on_commit(stored.pk)  # type: ignore[attr-defined]  # DjangoTask
    return stored


def _register_approval(report: Report, user: User, comment: str) -> None:
    plan = report.round.plan
    body = plan.strategy.governing_bodies.filter(kind=Body.Kind.STEERING_GROUP).first()
    if body is None:
        return
    with translation.override("sv"):  # the register is kept in Swedish
        title = _("Approved the follow-up of “%(title)s”, %(period)s (version %(version)s)") % {
            "title": plan.title,
            "period": report.round.period,
            "version": report.version,
        }
    decision_record(
        body=body,
        title=title,
        decided_on=timezone.localdate(),
        user=user,
        subject=report,
        subject_url=report.get_absolute_url(),
        text=comment,
    )


@transaction.atomic
def pdf_report_send_back(
    *, report: Report, user: User, access: RoundAccess, comment: str
) -> Report:
    """Send the report back to the coordinators; the round opens again for corrections."""
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Write a comment: say what needs to change."))
    stored = _lock_for_review(report, access)
    stored.review = Report.Review.SENT_BACK
    stored.reviewed_by = user
    stored.reviewed_at = timezone.now()
    stored._history_user = user
    stored.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    ReportComment.objects.create(report=stored, author=user, text=comment)
    return stored
