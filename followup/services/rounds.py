"""Writes to follow-up rounds: opening, closing and opening again.

Every function checks access and validates before it saves. What goes out afterwards (the
mail to the leads) is queued by the caller, followup.tasks.send_round_opened.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actionplans.models import ActionPlan
from followup.access import FOLLOWABLE_STATES, FollowUpAccess
from followup.models import ActivityReport, FollowUpRound, Report
from portal.dates import today
from portal.limits import check_lengths
from portal.models import User


@transaction.atomic
def round_open(
    *,
    plan: ActionPlan,
    user: User,
    access: FollowUpAccess,
    year: int,
    term: str,
    deadline: date,
    reminder_days: int = 7,
    instructions: str = "",
) -> FollowUpRound:
    """Open a round and give every live activity of the plan a draft report to fill."""
    if not access.can_manage:
        raise PermissionDenied("Only the plan's coordinators open follow-up rounds.")
    if plan.state not in FOLLOWABLE_STATES:
        raise ValidationError(_("Only an approved or published plan can be followed up."))
    if deadline < today():
        raise ValidationError(_("The deadline has passed already."))
    if term not in FollowUpRound.Term.values:
        raise ValidationError(_("Unknown term."))
    if FollowUpRound.objects.filter(plan=plan, year=year, term=term).exists():
        raise ValidationError(_("This plan already has a follow-up round for that period."))
    followup_round = FollowUpRound(
        plan=plan,
        year=year,
        term=term,
        deadline=deadline,
        reminder_days=reminder_days,
        instructions=instructions.strip(),
        opened_by=user,
        opened_at=timezone.now(),
    )
    check_lengths(followup_round)
    followup_round._history_user = user
    followup_round.save()
    activities = plan.activities.filter(removed_at__isnull=True).order_by("order", "pk")
    bulk_create_with_history(
        [
            ActivityReport(round=followup_round, activity=activity, status=activity.status)
            for activity in activities
        ],
        ActivityReport,
        default_user=user,
    )
    return followup_round


@transaction.atomic
def round_close(*, followup_round: FollowUpRound, user: User, access: FollowUpAccess) -> None:
    """Close the round: the reports are final, whatever state they are in."""
    if not access.can_manage:
        raise PermissionDenied(
            "Only the plan's coordinators close a follow-up round or open it again."
        )
    stored = FollowUpRound.objects.select_for_update().get(pk=followup_round.pk)
    if stored.state == FollowUpRound.State.CLOSED:
        return
    stored.state = FollowUpRound.State.CLOSED
    stored._history_user = user
    stored.save(update_fields=["state"])


@transaction.atomic
def round_reopen(*, followup_round: FollowUpRound, user: User, access: FollowUpAccess) -> None:
    if not access.can_manage:
        raise PermissionDenied(
            "Only the plan's coordinators close a follow-up round or open it again."
        )
    stored = FollowUpRound.objects.select_for_update().get(pk=followup_round.pk)
    if stored.pdf_reports.filter(review=Report.Review.APPROVED).exists():
        raise ValidationError(_("The round's report is approved: the round stays closed."))
    stored.state = FollowUpRound.State.OPEN
    stored._history_user = user
    stored.save(update_fields=["state"])
