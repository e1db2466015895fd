"""Uploads of plan spreadsheets."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models.plans import ActionPlan


class PlanImport(models.Model):
    """One upload of a plan spreadsheet: checked, previewed, then saved all or nothing.

    An operation log rather than content (the activities it changes have their history),
    so it has no history of its own. The file is kept, never overwritten, with its SHA-256.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        READY = "ready", _("Ready to save")
        INVALID = "invalid", _("Has errors")
        APPLYING = "applying", _("Being saved")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Failed")

    IN_PROGRESS = (State.CHECKING, State.APPLYING)
    #: What a list of imports does not load: the payloads, tens of KB each.
    PAYLOADS = ("summary", "errors", "versions")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="imports", verbose_name=_("plan")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_imports",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.CHECKING
    )
    #: What the preview page shows: counts, and one line for each of the first rows.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    #: The first ``IMPORT_MAX_ERRORS`` errors found, each [sheet, row, column, message];
    #: ``error_count`` is how many were found in all. Lists of imports defer both payloads.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    #: The activities' versions when the preview was made; saving refuses if any moved.
    versions = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    #: When the current check or save began: one left in progress past its time limit is
    #: given up (``actionplans.tasks.fail_stalled_imports``).
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:import_detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.state in self.IN_PROGRESS

    @property
    def error_list(self) -> list[dict]:
        """The kept errors, for the page: {sheet, row, column, message} each."""
        keys = ("sheet", "row", "column", "message")
        return [dict(zip(keys, error, strict=True)) for error in self.errors]
