"""Yearly action plans and their timeline."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import limits
from portal.models import HistoryAttributes
from strategy.models import Strategy


class ActionPlan(models.Model, HistoryAttributes):
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
    introduction = models.TextField(_("introduction"), max_length=limits.TEXT, blank=True)
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
    #: States from which a new revision can be opened.
    REVISABLE_STATES = (State.APPROVED, State.PUBLISHED)
    #: States in which the plan's activities can be offered to the organisations.
    OFFERABLE_STATES = (State.APPROVED, State.PUBLISHED)

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
        """Published or closed, under a strategy whose plans the public reads
        (public_plan_q as a filter)."""
        return self.state in self.PUBLIC_STATES and self.strategy.shows_plans_publicly

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


def public_plan_q(prefix: str = "") -> models.Q:
    """The plans the public reads (``ActionPlan.is_public``), as a filter: published or
    closed, of a public strategy in ``Strategy.PLANS_PUBLIC_STATES``. ``prefix`` such as
    ``"plan__"`` for a related model."""
    return models.Q(
        **{
            f"{prefix}state__in": ActionPlan.PUBLIC_STATES,
            f"{prefix}strategy__is_public": True,
            f"{prefix}strategy__state__in": Strategy.PLANS_PUBLIC_STATES,
        }
    )


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
    comment = models.TextField(_("comment"), max_length=limits.COMMENT, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["plan", "created_at", "pk"]
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
