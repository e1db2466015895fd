"""Activities of a plan, with their sub-goals, budget lines and risks."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models.plans import ActionPlan
from portal import limits
from portal.models import HistoryAttributes, Meeting, Organisation
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
)


class Activity(models.Model, HistoryAttributes):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        ASSIGNMENT = "assignment", _("Assignment")
        PRESTUDY = "prestudy", _("Pre-study")
        ACTIVITY = "activity", _("Activity")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ACTIVITY)
    collaboration_area = models.ForeignKey(
        CollaborationArea,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("collaboration area"),
    )
    focus_areas = models.ManyToManyField(
        FocusArea, related_name="activities", verbose_name=_("focus areas"), blank=True
    )
    directions = models.ManyToManyField(
        StrategicDirection,
        related_name="activities",
        verbose_name=_("strategic directions"),
        blank=True,
    )
    effect_goals = models.ManyToManyField(
        EffectGoal, related_name="activities", verbose_name=_("effect goals"), blank=True
    )
    perspectives = models.ManyToManyField(
        Perspective,
        related_name="activities",
        verbose_name=_("cross-cutting perspectives"),
        blank=True,
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_activities",
        verbose_name=_("lead organisation"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="contact_for_activities",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    expected_benefits = models.TextField(_("expected benefits"), max_length=limits.TEXT, blank=True)
    #: How much the activity counts when follow-up rolls progress up to its area and plan.
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MaxValueValidator(limits.WEIGHT_MAX)],
        help_text=_(
            "How much the activity counts in the follow-up's rolled-up progress; 0 leaves it out."
        ),
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    #: Raised by every save through the services; an edit made from an older version is
    #: refused instead of overwriting the newer one.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(m2m_fields=[focus_areas, directions, effect_goals, perspectives])

    class Meta:
        ordering = ["plan", "collaboration_area__order", "order", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # Counting a plan's live activities (the plan lists) reads this index alone.
            models.Index(
                fields=["plan"],
                condition=models.Q(removed_at__isnull=True),
                name="activity_live_by_plan",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="activity_dates_ordered",
            ),
            models.CheckConstraint(
                condition=limits.in_range("weight", 0, limits.WEIGHT_MAX),
                name="activity_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_edit_url(self) -> str:
        return reverse("actionplans:activity_edit", args=[self.pk])


class ActivitySearch(models.Model):
    """An activity's full-text document, kept by PostgreSQL itself: a trigger on the
    activity table writes it on every insert and update (migration 0017), so that a search
    reads stored vectors instead of building one per match. Derived data without a history
    of its own. Other databases leave the table empty and search by substring."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    document = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("activity search document")

    def __str__(self) -> str:
        return str(self.activity_id)


class SubGoal(models.Model, HistoryAttributes):
    """A sub-goal (delmål) of an activity, with a planned count where it has one."""

    class Period(models.TextChoices):
        TOTAL = "total", _("in total")
        YEAR = "year", _("per year")
        TERM = "term", _("per term")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sub_goals", verbose_name=_("activity")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.TextField(_("sub-goal"), max_length=limits.TITLE)
    steps = models.TextField(
        _("steps"), max_length=limits.TEXT, blank=True, help_text=_("One step per line.")
    )
    planned_count = models.PositiveIntegerField(
        _("planned count"), null=True, blank=True, validators=[MaxValueValidator(limits.COUNT_MAX)]
    )
    count_period = models.CharField(_("counted"), max_length=8, choices=Period.choices, blank=True)
    #: Meetings and events held for this sub-goal (a council meeting, the digitalisation day):
    #: follow-up counts those held in its period as performed.
    meetings = models.ManyToManyField(
        Meeting, related_name="sub_goals", verbose_name=_("meetings and events"), blank=True
    )
    history = HistoricalRecords(m2m_fields=[meetings])

    class Meta:
        ordering = ["activity", "order"]
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        constraints = [
            models.CheckConstraint(
                condition=limits.in_range("planned_count", 0, limits.COUNT_MAX, null=True),
                name="subgoal_planned_count_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model, HistoryAttributes):
    """One amount of an activity's budget: a cost by category, or financing by source."""

    class Kind(models.TextChoices):
        COST = "cost", _("Cost")
        FINANCING = "financing", _("Financing")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    label = models.CharField(
        _("category or source"), max_length=200, help_text=_("Cost category or financing source.")
    )
    public_funding = models.BooleanField(_("public funding"), default=True)
    amount = models.DecimalField(
        _("amount (SEK)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "kind", "order", "year"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "kind", "label", "year"], name="budgetline_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budgetline_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.year}: {self.amount}"


class Risk(models.Model, HistoryAttributes):
    """A risk of an activity, scored as likelihood × consequence (1–5 each)."""

    class Scale(models.IntegerChoices):
        VERY_LOW = 1, _("1 – very low")
        LOW = 2, _("2 – low")
        MEDIUM = 3, _("3 – medium")
        HIGH = 4, _("4 – high")
        VERY_HIGH = 5, _("5 – very high")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="risks", verbose_name=_("activity")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("risk"), max_length=limits.TEXT)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), choices=Scale.choices, default=Scale.MEDIUM
    )
    consequence = models.PositiveSmallIntegerField(
        _("consequence"), choices=Scale.choices, default=Scale.MEDIUM
    )
    mitigation = models.TextField(_("mitigation"), max_length=limits.TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "order", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    likelihood__range=(limits.SCORE_MIN, limits.SCORE_MAX),
                    consequence__range=(limits.SCORE_MIN, limits.SCORE_MAX),
                ),
                name="risk_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def level(self) -> str:
        """low / medium / high, by the usual 5×5 matrix bands."""
        if self.score >= 15:
            return "high"
        if self.score >= 8:
            return "medium"
        return "low"


# --- What a user sets -------------------------------------------------------------------------

#: The activity's own values that a user sets (in the form, in the spreadsheet): one list
#: for the spreadsheet's checks, its import and the copy of an activity. In the order the
#: preview lists a row's changed columns. Links (m2m) and children are apart.
ACTIVITY_USER_FIELDS = (
    "title",
    "description",
    "kind",
    "status",
    "collaboration_area_id",
    "lead_organisation_id",
    "contact_id",
    "start_date",
    "end_date",
    "expected_benefits",
)
#: What a user sets on each child of an activity (the forms' and the spreadsheet's fields).
CHILD_FIELDS = {
    SubGoal: ("title", "planned_count", "count_period", "steps"),
    BudgetLine: ("kind", "year", "label", "amount", "public_funding"),
    Risk: ("description", "likelihood", "consequence", "mitigation"),
}
