"""Yearly action plans and their activities."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Organisation
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
    Strategy,
)


class ActionPlan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Under review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        REPLACED = "replaced", _("Replaced by a revision")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("strategy")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    revises = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("revises"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    #: States in which the plan is public to anyone.
    PUBLIC_STATES = (State.PUBLISHED, State.CLOSED)
    #: States in which the plan's activities can be edited.
    EDITABLE_STATES = (State.DRAFT,)
    #: States of a revision that is still being worked on.
    OPEN_STATES = (State.DRAFT, State.REVIEW)

    class Meta:
        ordering = ["strategy", "-year", "-revision"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "year", "revision"], name="actionplan_unique_revision"
            ),
            # At most one revision of a year is being worked on at a time.
            models.UniqueConstraint(
                fields=["strategy", "year"],
                condition=models.Q(state__in=["draft", "review"]),
                name="actionplan_one_open_revision",
            ),
            # And at most one is the public plan of the year.
            models.UniqueConstraint(
                fields=["strategy", "year"],
                condition=models.Q(state__in=["published", "closed"]),
                name="actionplan_one_public_revision",
            ),
        ]

    def __str__(self) -> str:
        if self.revision > 1:
            return f"{self.title} ({self.strategy}, rev. {self.revision})"
        return f"{self.title} ({self.strategy})"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:detail", args=[self.strategy.slug, self.year])

    def get_edit_url(self) -> str:
        return reverse("actionplans:workspace", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class PlanEvent(models.Model):
    """An entry on a plan's timeline: a step of the workflow or a comment.

    Append-only: it is itself the record of who did what, so it has no history of its own.
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Workflow step")
        COMMENT = "comment", _("Comment")
        CREATED = "created", _("Created")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="events", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    transition = models.CharField(_("step"), max_length=32, blank=True)
    from_state = models.CharField(
        _("from state"), max_length=16, choices=ActionPlan.State.choices, blank=True
    )
    to_state = models.CharField(
        _("to state"), max_length=16, choices=ActionPlan.State.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_events",
        verbose_name=_("by"),
        null=True,
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["plan", "created_at", "pk"]
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Activity(models.Model):
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
    description = models.TextField(_("description"), blank=True)
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
    expected_benefits = models.TextField(_("expected benefits"), blank=True)
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
        ]

    def __str__(self) -> str:
        return self.title

    def get_edit_url(self) -> str:
        return reverse("actionplans:activity_edit", args=[self.pk])


class SubGoal(models.Model):
    """A sub-goal (delmål) of an activity, with a planned count where it has one."""

    class Period(models.TextChoices):
        TOTAL = "total", _("in total")
        YEAR = "year", _("per year")
        TERM = "term", _("per term")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sub_goals", verbose_name=_("activity")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.TextField(_("sub-goal"))
    steps = models.TextField(_("steps"), blank=True, help_text=_("One step per line."))
    planned_count = models.PositiveIntegerField(_("planned count"), null=True, blank=True)
    count_period = models.CharField(_("counted"), max_length=8, choices=Period.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "order"]
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
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
    amount = models.DecimalField(_("amount (SEK)"), max_digits=14, decimal_places=0)
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
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.year}: {self.amount}"


class Risk(models.Model):
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
    description = models.TextField(_("risk"))
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), choices=Scale.choices, default=Scale.MEDIUM
    )
    consequence = models.PositiveSmallIntegerField(
        _("consequence"), choices=Scale.choices, default=Scale.MEDIUM
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "order", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__range=(1, 5), consequence__range=(1, 5)),
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
    #: What the preview page shows: counts and one line per row.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    #: The activities' versions when the preview was made; saving refuses if any moved.
    versions = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
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
        return self.state in (self.State.CHECKING, self.State.APPLYING)


class Offer(models.Model):
    """An offer to the collaborating organisations to take part in activities of an
    approved plan; each organisation decides "after interest and ability"."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="offers", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    deadline = models.DateField(_("answer by"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before the deadline"),
        default=7,
        help_text=_("Those who have not answered get a reminder this many days before."),
    )
    activities = models.ManyToManyField(
        Activity, related_name="offers", verbose_name=_("activities")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sent_offers",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:offer_detail", args=[self.pk])


class OfferRecipient(models.Model):
    """An organisation an offer went to."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("offer")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="offers_received",
        verbose_name=_("organisation"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "organisation__name"]
        verbose_name = _("offer recipient")
        verbose_name_plural = _("offer recipients")
        constraints = [
            models.UniqueConstraint(fields=["offer", "organisation"], name="offerrecipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.offer}"


class Participation(models.Model):
    """An organisation's answer to an offer for one activity."""

    class Answer(models.TextChoices):
        YES = "yes", _("Takes part")
        NO = "no", _("Declines")
        UNDECIDED = "undecided", _("Undecided")

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="participations", verbose_name=_("offer")
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("activity"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participation_answers",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "activity", "organisation__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "activity", "organisation"], name="participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.activity}: {self.get_answer_display()}"


class OfferMail(models.Model):
    """A mail about an offer that has gone out: the offer, the reminder or the summary.

    One row per offer, organisation (none for the summary) and kind; the unique constraint
    makes a retried or repeated task send each mail once. A delivery log, without history.
    """

    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        REMINDER = "reminder", _("Reminder")
        SUMMARY = "summary", _("Summary to the coordinator")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="mails")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: kind and organisation in one value ("reminder:12", "summary:-"), unique per offer.
    key = models.CharField(max_length=40)
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offer mail")
        verbose_name_plural = _("offer mails")
        constraints = [
            models.UniqueConstraint(fields=["offer", "key"], name="offermail_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.offer_id} {self.organisation_id or ''}"
