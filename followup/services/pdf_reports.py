"""Writes to the round's report (the PDF for the steering group): a new version, a retry
of a failed build, comments, and the review (approve or send back).

Every function checks access and validates before it saves. The build and the mail to the
recipients are queued by the caller (followup.tasks.build_report, send_report), once the
function has said there is something to queue.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.access import FollowUpAccess
from followup.models import FollowUpRound, Report, ReportComment
from portal.limits import check_lengths
from portal.models import Body, User
from strategy.services import steering_group_decision_record


@transaction.atomic
def pdf_report_request(
    *, followup_round: FollowUpRound, user: User | None, access: FollowUpAccess | None = None
) -> tuple[Report, bool]:
    """A new version of the round's report, to be built; a request while one is being built
    returns that one, so two clicks make one report. Returns the version and whether it is
    new (then the caller queues its build).

    ``access`` is None for the shell (the management command), which is trusted.
    """
    if access is not None and not access.can_manage:
        raise PermissionDenied("Only the plan's coordinators request a follow-up report.")
    # The round's row lock orders concurrent requests; the partial unique constraint
    # (one report in progress per round) backs it up.
    locked = FollowUpRound.objects.select_for_update().get(pk=followup_round.pk)
    if locked.pdf_reports.filter(review=Report.Review.APPROVED).exists():
        raise ValidationError(_("The round's report is approved and locked."))
    current = locked.pdf_reports.filter(state__in=Report.IN_PROGRESS).first()
    if current is not None:
        return current, False
    version = (locked.pdf_reports.aggregate(last=Max("version"))["last"] or 0) + 1
    report = Report(round=locked, version=version, requested_by=user)
    report._history_user = user
    report.save()
    return report, True


@transaction.atomic
def pdf_report_retry(*, report: Report, user: User, access: FollowUpAccess) -> tuple[Report, bool]:
    """Build a failed report again (the same version number). Returns the report and whether
    it is queued anew (then the caller queues its build); a second click queues nothing."""
    if not access.can_manage:
        raise PermissionDenied("Only the plan's coordinators build a failed report again.")
    FollowUpRound.objects.select_for_update().get(pk=report.round_id)
    if report.round.pdf_reports.filter(state__in=Report.IN_PROGRESS).exclude(pk=report.pk).exists():
        raise ValidationError(_("Another version is being built."))
    updated = Report.objects.filter(pk=report.pk, state=Report.State.FAILED).update(
        state=Report.State.QUEUED, error="", started_at=None, finished_at=None
    )
    report.refresh_from_db()
    return report, bool(updated)


def pdf_report_comment(
    *, report: Report, user: User, access: FollowUpAccess, text: str
) -> ReportComment:
    if not access.can_comment:
        raise PermissionDenied(
            "Only those who comment on the plan comment on its follow-up reports."
        )
    text = text.strip()
    if not text:
        raise ValidationError(_("The comment is empty."))
    comment = ReportComment(report=report, author=user, text=text)
    check_lengths(comment)
    comment.save()
    return comment


def _lock_for_review(report: Report, access: FollowUpAccess) -> Report:
    if not access.can_review:
        raise PermissionDenied(
            "Only the steering group approves a follow-up report or sends it back."
        )
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
    access: FollowUpAccess,
    recipients: list[Body],
    comment: str = "",
) -> Report:
    """Approve the report: it is locked, the round closes, the decision enters the steering
    group's register; the caller queues the mail to the chosen recipients, if any."""
    stored = _lock_for_review(report, access)
    check_lengths(ReportComment(text=comment.strip()))
    stored.review = Report.Review.APPROVED
    stored.reviewed_by = user
    stored.reviewed_at = timezone.now()
    stored._history_user = user
    stored.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    stored.recipients.set(recipients)
    if comment.strip():
        ReportComment.objects.create(report=stored, author=user, text=comment.strip())
    followup_round = FollowUpRound.objects.select_for_update().get(pk=stored.round_id)
    if followup_round.state != FollowUpRound.State.CLOSED:
        followup_round.state = FollowUpRound.State.CLOSED
        followup_round._history_user = user
        followup_round.save(update_fields=["state"])
    _register_approval(stored, user, comment)
    return stored


def _register_approval(report: Report, user: User, comment: str) -> None:
    plan = report.round.plan
    steering_group_decision_record(
        strategy=plan.strategy,
        title=lambda: (
            _("Approved the follow-up of “%(title)s”, %(period)s (version %(version)s)")
            % {"title": plan.title, "period": report.round.period, "version": report.version}
        ),
        user=user,
        subject=report,
        subject_url=report.get_absolute_url(),
        text=comment,
    )


@transaction.atomic
def pdf_report_send_back(
    *, report: Report, user: User, access: FollowUpAccess, comment: str
) -> Report:
    """Send the report back to the coordinators; the round opens again for corrections."""
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Write a comment: say what needs to change."))
    check_lengths(ReportComment(text=comment))
    stored = _lock_for_review(report, access)
    stored.review = Report.Review.SENT_BACK
    stored.reviewed_by = user
    stored.reviewed_at = timezone.now()
    stored._history_user = user
    stored.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    ReportComment.objects.create(report=stored, author=user, text=comment)
    return stored
