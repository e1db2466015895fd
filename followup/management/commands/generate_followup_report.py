"""Queue a new version of a follow-up round's PDF report, the way the round's page does.

    manage.py generate_followup_report 12 --user samordnare --wait

The report is built by the Celery worker (followup.build_report); ``--wait`` polls the
database until it is done or failed and prints the file or the error (exit code 1 when it
failed or did not finish in time). A request while a version is being built returns that
version instead of queueing another.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from followup.models import FollowUpRound, Report
from followup.services.pdf_reports import pdf_report_request
from followup.tasks import build_report
from portal.models import User

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = "Queue a new version of a follow-up round's PDF report (built by the worker)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("round_id", type=int, help="the follow-up round's id")
        parser.add_argument("--user", help="user name recorded as the one who asked")
        parser.add_argument(
            "--wait", action="store_true", help="wait until the worker has built it"
        )
        parser.add_argument(
            "--timeout", type=float, default=600, help="seconds to wait (default 600)"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            followup_round = FollowUpRound.objects.select_related("plan").get(
                pk=options["round_id"]
            )
        except FollowUpRound.DoesNotExist:
            raise CommandError(f"No follow-up round {options['round_id']}.") from None
        user = None
        if options["user"]:
            try:
                user = User.objects.get(username=options["user"])
            except User.DoesNotExist:
                raise CommandError(f"No user {options['user']!r}.") from None
        try:
            report, queued = pdf_report_request(followup_round=followup_round, user=user)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        if queued:
            build_report.delay_on_commit(report.pk)  # type: ignore[attr-defined]  # DjangoTask
        self.stdout.write(
            f"{followup_round}: report v{report.version} (id {report.pk}), {report.state}"
        )
        if options["wait"]:
            self._wait(report.pk, options["timeout"])

    def _wait(self, report_id: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            report = Report.objects.get(pk=report_id)
            if report.state == Report.State.DONE:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"done: {report.file.name}\n"
                        f"sha256 {report.sha256}, {report.size} bytes, {report.pages} pages"
                    )
                )
                return
            if report.state == Report.State.FAILED:
                raise CommandError(f"failed: {report.error}")
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"still {report.state} after {timeout:.0f} s; is a Celery worker running?"
                )
            time.sleep(POLL_SECONDS)
