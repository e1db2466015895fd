"""The intake of initiatives: the programme's preparation process (initiative or need →
analysis and preparation → decision and prioritisation)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models.activities import Activity
from actionplans.models.plans import ActionPlan
from portal import limits
from portal.models import Decision, HistoryAttributes, Organisation, model_field
from strategy.models import FocusArea, Strategy

SCORE = [MinValueValidator(limits.SCORE_MIN), MaxValueValidator(limits.SCORE_MAX)]


class Initiative(models.Model, HistoryAttributes):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ANALYSIS = "analysis", _("Under analysis")
        DECIDED = "decided", _("Decided")

    class Outcome(models.TextChoices):
        PRIORITISED = "prioritised", _("Prioritised into a plan")
        PARKED = "parked", _("Parked")
        REJECTED = "rejected", _("Rejected")

    #: The programme's criteria, each scored 1 (weak) to 5 (strong) by the preparer.
    CRITERIA = ("score_fit", "score_benefit", "score_cost", "score_risk", "score_readiness")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("strategy")
    )
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("problem or need"), max_length=limits.TEXT)
    expected_benefit = models.TextField(_("expected benefit"), max_length=limits.TEXT)
    focus_areas = models.ManyToManyField(
        FocusArea, related_name="initiatives", verbose_name=_("affected focus areas"), blank=True
    )
    proposed_kind = models.CharField(
        _("proposed kind"), max_length=16, choices=Activity.Kind.choices
    )
    rough_cost = models.DecimalField(
        _("rough cost (SEK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("organisation"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submitted_initiatives",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    preparer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="prepared_initiatives",
        verbose_name=_("preparer"),
        null=True,
        blank=True,
    )
    score_fit = models.PositiveSmallIntegerField(
        _("strategic fit"), null=True, blank=True, validators=SCORE
    )
    score_benefit = models.PositiveSmallIntegerField(
        _("benefit"), null=True, blank=True, validators=SCORE
    )
    score_cost = models.PositiveSmallIntegerField(
        _("cost"),
        null=True,
        blank=True,
        validators=SCORE,
        help_text=_("5: low cost for what it gives."),
    )
    score_risk = models.PositiveSmallIntegerField(
        _("risk"), null=True, blank=True, validators=SCORE, help_text=_("5: low risk.")
    )
    score_readiness = models.PositiveSmallIntegerField(
        _("readiness"), null=True, blank=True, validators=SCORE
    )
    analysis = models.TextField(_("analysis"), max_length=limits.TEXT, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), max_length=limits.TEXT, blank=True)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("plan"),
        null=True,
        blank=True,
    )
    activity = models.OneToOneField(
        Activity,
        on_delete=models.SET_NULL,
        related_name="initiative",
        verbose_name=_("activity"),
        null=True,
        blank=True,
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decision"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords(m2m_fields=[focus_areas])

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="decided") | models.Q(outcome=""),
                name="initiative_outcome_when_decided",
            ),
            models.CheckConstraint(
                condition=limits.in_range(
                    "score_fit", limits.SCORE_MIN, limits.SCORE_MAX, null=True
                )
                & limits.in_range("score_benefit", limits.SCORE_MIN, limits.SCORE_MAX, null=True)
                & limits.in_range("score_cost", limits.SCORE_MIN, limits.SCORE_MAX, null=True)
                & limits.in_range("score_risk", limits.SCORE_MIN, limits.SCORE_MAX, null=True)
                & limits.in_range("score_readiness", limits.SCORE_MIN, limits.SCORE_MAX, null=True),
                name="initiative_scores_range",
            ),
            models.CheckConstraint(
                condition=limits.in_range("rough_cost", 0, null=True),
                name="initiative_rough_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:initiative", args=[self.pk])

    @property
    def scores(self) -> list[tuple[str, int | None]]:
        return [
            (str(model_field(Initiative, name).verbose_name), getattr(self, name))
            for name in self.CRITERIA
        ]

    @property
    def total_score(self) -> int | None:
        values = [getattr(self, name) for name in self.CRITERIA]
        return None if None in values else sum(values)


class InitiativeEvent(models.Model):
    """A step on the initiative's timeline; the submitter is told of each."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ASSIGNED = "assigned", _("Preparer assigned")
        SCORED = "scored", _("Analysis recorded")
        AGENDA = "agenda", _("On a meeting's agenda")
        DECIDED = "decided", _("Decided")
        COMMENT = "comment", _("Comment")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="events", verbose_name=_("initiative")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
        null=True,
    )
    #: The decision copies its reason here, so this holds as much as the reason.
    text = models.TextField(_("text"), max_length=limits.TEXT, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    #: Set when the submitter has been mailed about this step (once, by the task).
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("initiative event")
        verbose_name_plural = _("initiative events")

    def __str__(self) -> str:
        return f"{self.initiative}: {self.get_kind_display()}"
