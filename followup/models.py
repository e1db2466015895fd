"""Yearly follow-up: rounds, the activity reports in them and indicator values."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models import ActionPlan, Activity
from portal.models import Organisation
from strategy.models import Indicator


class FollowUpRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Term(models.TextChoices):
        WHOLE_YEAR = "", _("Whole year")
        SPRING = "spring", _("Spring term")
        AUTUMN = "autumn", _("Autumn term")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="followup_rounds", verbose_name=_("plan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    term = models.CharField(_("term"), max_length=8, choices=Term.choices, blank=True)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "term"]
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "term"], name="round_unique_period"),
        ]

    def __str__(self) -> str:
        period = f"{self.year} {self.get_term_display()}" if self.term else str(self.year)
        return f"{self.plan.title}: {period}"


class ActivityReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class TrafficLight(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    round = models.ForeignKey(
        FollowUpRound, on_delete=models.CASCADE, related_name="reports", verbose_name=_("round")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="reports", verbose_name=_("activity")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    status = models.CharField(
        _("status"), max_length=16, choices=Activity.Status.choices, blank=True
    )
    traffic_light = models.CharField(
        _("traffic light"), max_length=8, choices=TrafficLight.choices, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    work_done = models.TextField(_("what was done"), blank=True)
    realised_benefits = models.TextField(_("realised benefits"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "activity"]
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "activity"], name="report_unique_activity"),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="report_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} – {self.round}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="indicatorvalue_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(organisation__isnull=True),
                name="indicatorvalue_unique_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
