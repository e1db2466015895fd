"""Follow-up rounds and the activity reports the activities' leads fill in them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models import ActionPlan, Activity, BudgetLine, SubGoal
from portal import limits
from portal.models import HistoryAttributes, MailLog


class FollowUpRound(models.Model, HistoryAttributes):
    """One period's follow-up of a plan: a year, or one term of it."""

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
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (days before the deadline)"),
        default=7,
        help_text=_("Leads who have not submitted get a reminder this many days before."),
    )
    instructions = models.TextField(
        _("instructions to the leads"), max_length=limits.TEXT, blank=True
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
        null=True,
        blank=True,
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    #: Made up by the demo (seed_demo): its reports and report are shown as example data.
    example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("The demo's made-up follow-up: its pages and its report say so."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "term"]
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "term"], name="round_unique_period"),
            models.CheckConstraint(
                condition=limits.in_range("reminder_days", 0, limits.REMINDER_DAYS_MAX),
                name="round_reminder_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.title}: {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("followup:round", args=[self.pk])

    @property
    def period(self) -> str:
        return f"{self.year} {self.get_term_display().lower()}" if self.term else str(self.year)


class ActivityReport(models.Model, HistoryAttributes):
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
    traffic_light_comment = models.TextField(
        _("comment on the traffic light"),
        max_length=limits.COMMENT,
        blank=True,
        help_text=_("Required for a red light: what is wrong and what is being done."),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    work_done = models.TextField(_("what was done"), max_length=limits.TEXT, blank=True)
    realised_benefits = models.TextField(_("realised benefits"), max_length=limits.TEXT, blank=True)
    #: Raised by every save; a save from an older version is refused (two leads, one form).
    version = models.PositiveIntegerField(_("version"), default=1)
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
                # The field is positive, so the database already refuses less than 0.
                condition=models.Q(progress__isnull=True)
                | models.Q(progress__lte=limits.PROGRESS_MAX),
                name="report_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} – {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("followup:report", args=[self.pk])


class SubGoalOutcome(models.Model, HistoryAttributes):
    """What was performed against a sub-goal's planned count in the round's period."""

    report = models.ForeignKey(
        ActivityReport, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("report")
    )
    sub_goal = models.ForeignKey(
        SubGoal, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("sub-goal")
    )
    performed_count = models.PositiveIntegerField(_("performed"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "sub_goal__order", "sub_goal"]
        verbose_name = _("sub-goal outcome")
        verbose_name_plural = _("sub-goal outcomes")
        constraints = [
            models.UniqueConstraint(fields=["report", "sub_goal"], name="outcome_unique_subgoal"),
            models.CheckConstraint(
                condition=limits.in_range("performed_count", 0, limits.COUNT_MAX, null=True),
                name="outcome_performed_count_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_goal}: {self.performed_count}"


class BudgetOutcome(models.Model, HistoryAttributes):
    """The outcome (utfall) of one budget line of the round's year."""

    report = models.ForeignKey(
        ActivityReport,
        on_delete=models.CASCADE,
        related_name="budget_outcomes",
        verbose_name=_("report"),
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("budget line")
    )
    amount = models.DecimalField(_("outcome (SEK)"), max_digits=14, decimal_places=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "budget_line__kind", "budget_line__order"]
        verbose_name = _("budget outcome")
        verbose_name_plural = _("budget outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "budget_line"], name="budgetoutcome_unique_line"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budgetoutcome_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.amount}"


class RoundMail(MailLog):
    """A mail about a round that has gone out: the opening, or a reminder."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Round opened")
        REMINDER = "reminder", _("Reminder")

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("follow-up mail")
        verbose_name_plural = _("follow-up mails")
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="roundmail_unique_key"),
        ]
