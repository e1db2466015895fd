"""Celery tasks of follow-up: the round's mails, the report's build and its sending, and
the sweep that queues again what a broker outage lost.

Thin and idempotent: each takes ids, and each mail is logged as it is sent (portal.mail
.send_once), so a retry or a second worker sends nothing twice. The report's build lives
in followup.pdf.task.
"""

import logging
from dataclasses import asdict
from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from followup import selectors
from followup.models import ActivityReport, FollowUpRound, Report, ReportMail, RoundMail
from followup.pdf.task import build_report, orphan_report_files, report_storage
from followup.services import indicators as indicator_services
from portal.dates import due_for_reminder, today
from portal.mail import mail_message, send_once
from portal.models import Body, Membership
from portal.tasks import owed_window, requeue

log = logging.getLogger(__name__)

__all__ = [
    "build_report",
    "fail_stalled_reports",
    "kolada_fetch",
    "kolada_fetch_indicator",
    "remove_orphan_report_files",
    "requeue_owed_jobs",
    "send_report",
    "send_round_opened",
    "send_round_reminders",
]


def report_recipients(report: ActivityReport) -> list[str]:
    """Who fills a report: the activity's contact, or else the lead of its area's group."""
    activity = report.activity
    contact = activity.contact
    if contact is not None and contact.email and contact.is_active:
        return [contact.email]
    group_id = activity.collaboration_area.group_id
    if not group_id:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                body_id=group_id,
                role=Membership.Role.LEAD,
                user__is_active=True,
                ended_on__isnull=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _by_recipient(reports) -> dict[str, list[ActivityReport]]:
    """One mail per person, listing every report they fill in the round."""
    grouped: dict[str, list[ActivityReport]] = {}
    for report in reports:
        for address in report_recipients(report):
            grouped.setdefault(address, []).append(report)
    return grouped


def _round_reports(followup_round: FollowUpRound, **filters):
    return (
        followup_round.reports.filter(activity__removed_at__isnull=True, **filters)
        .select_related("activity", "activity__contact", "activity__collaboration_area")
        .order_by("activity__title")
    )


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_round_opened(round_id: int) -> int:
    followup_round = FollowUpRound.objects.select_related("plan", "opened_by").get(pk=round_id)
    sent = 0
    for address, reports in _by_recipient(_round_reports(followup_round)).items():
        context = {"round": followup_round, "reports": reports}
        sent += send_once(
            RoundMail,
            key=f"opened:{address}",
            round=followup_round,
            kind=RoundMail.Kind.OPENED,
            build=partial(mail_message, "followup/mail/round_opened", context, [address]),
        )
    return sent


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_round_reminders() -> int:
    """Hourly (beat): ``reminder_days`` before the deadline, remind whoever has reports
    left to submit."""
    current_day = today()
    rounds = FollowUpRound.objects.filter(
        state=FollowUpRound.State.OPEN, deadline__gte=current_day
    ).select_related("plan", "opened_by")
    sent = 0
    for followup_round in due_for_reminder(rounds, on=current_day):
        pending = _round_reports(followup_round, state=ActivityReport.State.DRAFT)
        for address, reports in _by_recipient(pending).items():
            context = {"round": followup_round, "reports": reports}
            sent += send_once(
                RoundMail,
                key=f"reminder:{address}",
                round=followup_round,
                kind=RoundMail.Kind.REMINDER,
                build=partial(mail_message, "followup/mail/round_reminder", context, [address]),
            )
    return sent


def body_addresses(body: Body) -> list[str]:
    """Where a body's mail goes: its own address (a network's distribution list) and its
    active members'."""
    return sorted(
        set(
            body.memberships.filter(user__is_active=True, ended_on__isnull=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        | ({body.email} if body.email else set())
    )


def _approved_mail(context: dict, to: list[str], report: Report) -> EmailMultiAlternatives | None:
    """The approval mail with the PDF attached."""
    message = mail_message("followup/mail/report_approved", context, to)
    if message is not None:
        with report.file.open("rb") as handle:
            message.attach(report.file_name, handle.read(), "application/pdf")
    return message


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_report(report_id: int) -> int:
    """The approved report, attached, to the members of each recipient body."""
    report = Report.objects.select_related("round", "round__plan", "reviewed_by").get(pk=report_id)
    if report.review != Report.Review.APPROVED or not report.file:
        return 0
    sent = 0
    for body in report.recipients.order_by("name"):
        to = body_addresses(body)
        context = {"report": report, "round": report.round, "body": body}
        sent += send_once(
            ReportMail,
            key=f"body:{body.pk}",
            report=report,
            build=partial(_approved_mail, context, to, report),
        )
    return sent


#: How long a report may stay queued or running before it is given up: its time limit plus
#: the broker's visibility timeout, after which a killed worker's message would have been
#: handed out again.
STALLED_AFTER = timedelta(seconds=settings.REPORT_TIME_LIMIT + 3600)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def fail_stalled_reports() -> int:
    """Hourly (beat): a report whose build message was lost would block the round (one build
    at a time); mark it failed so the coordinator can build it again."""
    cutoff = timezone.now() - STALLED_AFTER
    with override("sv"):
        message = _("The report was not finished in time and has been given up. Build it again.")
    return Report.objects.filter(state__in=Report.IN_PROGRESS, requested_at__lt=cutoff).update(
        state=Report.State.FAILED, error=message, finished_at=timezone.now()
    )


#: A stored file younger than this may belong to a build that is about to finish (the hard
#: time limit ends every build sooner), with a margin for the clocks of web, worker and
#: object storage.
ORPHAN_AFTER = timedelta(seconds=settings.REPORT_TIME_LIMIT + 15 * 60)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def remove_orphan_report_files() -> int:
    """Hourly (beat): delete report files that no report refers to (a worker killed between
    storing the file and finishing the report, or a deleted report)."""
    names = orphan_report_files(stored_before=timezone.now() - ORPHAN_AFTER)
    storage = report_storage()
    for name in names:
        log.info("deleting the orphan report file %s", name)
        storage.delete(name)
    return len(names)


#: A night's fetch from Kolada may wait out timeouts and retries for many KPIs: it has an
#: hour of its own rather than the default quarter.
KOLADA_TIME_LIMIT = 60 * 60


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=KOLADA_TIME_LIMIT,
    soft_time_limit=KOLADA_TIME_LIMIT - 60,
)
def kolada_fetch() -> dict[str, int]:
    """Nightly (beat): the values of every indicator linked to a Kolada KPI. Idempotent: a
    second run stores nothing new."""
    return asdict(indicator_services.kolada_fetch_all())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def kolada_fetch_indicator(indicator_id: int) -> bool:
    """One indicator's first fetch, queued when it is linked to a KPI."""
    return indicator_services.kolada_fetch_one(indicator_id=indicator_id) is not None


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def requeue_owed_jobs() -> int:
    """Minutely (beat): queue again the jobs whose message never reached a worker (the
    broker was down when the view queued it, or lost it); see portal.tasks. A build queued
    past STALLED_AFTER is left to fail_stalled_reports. Returns how many were queued."""
    since, before = owed_window()
    builds = selectors.reports_owed_build(since=timezone.now() - STALLED_AFTER, before=before)
    rounds = [
        followup_round.pk
        for followup_round in selectors.rounds_owed_opened_mails(since=since, before=before)
        if _by_recipient(_round_reports(followup_round))
    ]
    mails = [
        report.pk
        for report in selectors.reports_owed_mails(since=since, before=before)
        if any(body_addresses(body) for body in report.recipients.all())
    ]
    return (
        requeue(build_report, builds)
        + requeue(send_round_opened, rounds)
        + requeue(send_report, mails)
    )
