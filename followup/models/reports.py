"""The round's report: a PDF built by a Celery task, versioned, reviewed by the steering
group and sent to the chosen recipients once approved."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models.rounds import FollowUpRound
from portal import limits
from portal.models import Body, HistoryAttributes, MailLog


class Report(models.Model, HistoryAttributes):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")

    IN_PROGRESS = (State.QUEUED, State.RUNNING)

    round = models.ForeignKey(
        FollowUpRound, on_delete=models.PROTECT, related_name="pdf_reports", verbose_name=_("round")
    )
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # The name is chosen by the task (one per version); the storage is Django's default,
    # local files or S3-compatible object storage, so web and workers share the files.
    file = models.FileField(_("file"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    recipients = models.ManyToManyField(
        Body, related_name="received_reports", verbose_name=_("recipients"), blank=True
    )
    history = HistoricalRecords(excluded_fields=["started_at", "attempts"])

    class Meta:
        ordering = ["round", "-version"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "version"], name="report_unique_version"),
            # Two clicks make one report: a second request finds this one in progress.
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(state__in=["queued", "running"]),
                name="report_one_in_progress",
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(review="approved"),
                name="report_one_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("followup:pdf_report", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.state in self.IN_PROGRESS

    @property
    def file_name(self) -> str:
        """What the browser saves the file as."""
        plan = self.round.plan
        return f"uppfoljning-{plan.year}-{self.round.period.replace(' ', '-')}-v{self.version}.pdf"


class ReportComment(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="comments", verbose_name=_("report")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
        null=True,
    )
    text = models.TextField(_("comment"), max_length=limits.COMMENT)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")

    def __str__(self) -> str:
        return self.text[:60]


class ReportMail(MailLog):
    """An approved report sent to one recipient body."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="mails")

    class Meta:
        verbose_name = _("report mail")
        verbose_name_plural = _("report mails")
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="reportmail_unique_key"),
        ]
