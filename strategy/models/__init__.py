"""The strategy tree: strategy → focus areas → strategic directions → tactical points,
with the goals, perspectives, effect goals, indicators and collaboration areas around it."""

from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from portal import limits
from portal.models import Body, HistoryAttributes, Organisation


class Strategy(models.Model, HistoryAttributes):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        PROGRAMME = "programme", _("Programme")

    class State(models.TextChoices):
        """The strategy's workflow (strategy.workflow): written, sent on consultation
        (remiss), revised from the answers, decided by the steering group, in force for its
        period, then ended."""

        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("On consultation")
        REVISION = "revision", _("In revision")
        # A decided plan is "beslutat", a strategy "beslutad".
        DECIDED = "decided", pgettext_lazy("strategy", "Decided")
        IN_FORCE = "in_force", _("In force")
        ENDED = "ended", _("Ended")

    #: States in which the tree can be edited (strategy.services.tree).
    EDITABLE_STATES = (State.DRAFT, State.REVISION)
    #: States shown on the public pages (a strategy on consultation marked as a draft).
    PUBLIC_STATES = (State.CONSULTATION, State.DECIDED, State.IN_FORCE, State.ENDED)
    #: States that change only through a revision: a new draft linked to the strategy.
    REVISABLE_STATES = (State.DECIDED, State.IN_FORCE)
    #: States whose published plans (and their reports) the public reads: a decided
    #: strategy, in force or ended (still readable with its plans); a draft's plans are
    #: not public, not even while the draft is on consultation.
    PLANS_PUBLIC_STATES = (State.DECIDED, State.IN_FORCE, State.ENDED)

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STRATEGY)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="strategies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("serves strategy"),
        on_delete=models.PROTECT,
        related_name="programmes",
        null=True,
        blank=True,
        help_text=_("For a programme: the strategy it carries out."),
    )
    period_start = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    vision = models.TextField(_("vision"), max_length=limits.TEXT, blank=True)
    summary = models.TextField(_("summary"), max_length=limits.TEXT, blank=True)
    preparation_process = models.TextField(
        _("preparation process"), max_length=limits.TEXT, blank=True
    )
    follow_up = models.TextField(_("follow-up"), max_length=limits.TEXT, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    #: Raised by every save through the services; an edit made from an older version is
    #: refused instead of overwriting the newer one (as an activity's).
    version = models.PositiveIntegerField(_("version"), default=1)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        related_name="copies",
        null=True,
        blank=True,
        help_text=_("The strategy whose tree this one started as a copy of."),
    )
    #: A revision of a decided strategy: the draft that replaces it once it is decided.
    revises = models.ForeignKey(
        "self",
        verbose_name=_("revises"),
        on_delete=models.SET_NULL,
        related_name="revisions",
        null=True,
        blank=True,
    )
    governing_bodies = models.ManyToManyField(
        Body,
        verbose_name=_("governing bodies"),
        related_name="governed_strategies",
        blank=True,
        help_text=_(
            "The bodies that prepare, review and approve the strategy's action plans. The kind "
            "of body decides what its members may do: coordinators edit, the strategy group "
            "and the council comment, the steering group approves."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        # Object permissions (django-guardian), granted from body memberships by
        # actionplans.services.permissions.access_sync.
        permissions = [
            ("edit_plans", _("Can edit the strategy's action plans")),
            ("comment_plans", _("Can comment on the strategy's action plans")),
            ("approve_plans", _("Can approve the strategy's action plans")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="strategy_period_ordered",
            ),
            models.CheckConstraint(
                condition=limits.in_range(
                    "period_start", limits.FIRST_YEAR, limits.LAST_YEAR, null=True
                )
                & limits.in_range("period_end", limits.FIRST_YEAR, limits.LAST_YEAR, null=True),
                name="strategy_period_years",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:detail", args=[self.slug])

    @property
    def period(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def is_shown_publicly(self) -> bool:
        return self.is_public and self.state in self.PUBLIC_STATES

    @property
    def shows_plans_publicly(self) -> bool:
        return self.is_public and self.state in self.PLANS_PUBLIC_STATES

    @property
    def is_public_draft(self) -> bool:
        """On consultation: public, marked as a draft."""
        return self.state == self.State.CONSULTATION

    @property
    def is_ended(self) -> bool:
        return self.state == self.State.ENDED


def public_strategy_q(prefix: str = "") -> models.Q:
    """The strategies the public pages show, as a filter (``prefix`` such as
    ``"strategy__"`` for a related model)."""
    return models.Q(**{f"{prefix}is_public": True, f"{prefix}state__in": Strategy.PUBLIC_STATES})


class OverallGoal(models.Model, HistoryAttributes):
    """An overall goal of the regional development strategy (RUS) that a strategy serves."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="overall_goals", verbose_name=_("strategy")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("overall goal")
        verbose_name_plural = _("overall goals")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "title"], name="overallgoal_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class Perspective(models.Model, HistoryAttributes):
    """A cross-cutting perspective (genomsyrande perspektiv), e.g. gender equality."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="perspectives", verbose_name=_("strategy")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("cross-cutting perspective")
        verbose_name_plural = _("cross-cutting perspectives")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "title"], name="perspective_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class FocusArea(models.Model, HistoryAttributes):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("strategy")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200)
    goal = models.TextField(_("goal"), max_length=limits.TEXT, blank=True)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="focusarea_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:focus_area", args=[self.strategy.slug, self.slug])


class StrategicDirection(models.Model, HistoryAttributes):
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="directions", verbose_name=_("focus area")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["focus_area", "order"]
        verbose_name = _("strategic direction")
        verbose_name_plural = _("strategic directions")
        constraints = [
            models.UniqueConstraint(fields=["focus_area", "title"], name="direction_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class TacticalPoint(models.Model, HistoryAttributes):
    direction = models.ForeignKey(
        StrategicDirection,
        on_delete=models.CASCADE,
        related_name="tactical_points",
        verbose_name=_("strategic direction"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    text = models.TextField(_("text"), max_length=limits.TEXT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["direction", "order"]
        verbose_name = _("tactical point")
        verbose_name_plural = _("tactical points")

    def __str__(self) -> str:
        return self.text


class EffectGoal(models.Model, HistoryAttributes):
    """An effect goal of a strategy or programme, under one focus area."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="effect_goals", verbose_name=_("strategy")
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        related_name="effect_goals",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.TextField(_("title"), max_length=limits.TITLE)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("effect goal")
        verbose_name_plural = _("effect goals")

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model, HistoryAttributes):
    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("strategy")
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.SET_NULL,
        related_name="indicators",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
    )
    effect_goal = models.ForeignKey(
        EffectGoal,
        on_delete=models.SET_NULL,
        related_name="indicators",
        verbose_name=_("effect goal"),
        null=True,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    per_organisation = models.BooleanField(_("reported per organisation"), default=False)
    #: Linked to a Kolada KPI, the values are fetched each night (followup.tasks.kolada_fetch)
    #: instead of being entered.
    kolada_kpi = models.CharField(
        _("Kolada KPI"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[NU]\d{5}$", _("A Kolada KPI is N or U and five digits."))],
        help_text=_(
            "The id of a key figure in Kolada, such as N07918 (households with access to "
            "broadband of at least 1 Gbit/s); its values are then fetched each night."
        ),
    )
    #: The last fetch from Kolada that finished, and why the last one failed ("" if it did
    #: not): kept up to date by the fetch, without history.
    kolada_fetched_at = models.DateTimeField(_("fetched from Kolada"), null=True, blank=True)
    kolada_error = models.CharField(_("Kolada error"), max_length=500, blank=True)
    #: Made up by the demo (seed_demo): its targets and values are shown as example data
    #: until a fetch from Kolada replaces them.
    example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("The demo's made-up targets and values: the pages say so."),
    )
    history = HistoricalRecords(excluded_fields=["kolada_fetched_at", "kolada_error"])

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.title

    @property
    def from_kolada(self) -> bool:
        return bool(self.kolada_kpi)


class IndicatorTarget(models.Model, HistoryAttributes):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class CollaborationArea(models.Model, HistoryAttributes):
    """A collaboration area (samverkansområde) whose group carries out activities."""

    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        related_name="collaboration_areas",
        verbose_name=_("strategy"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    is_overall = models.BooleanField(
        _("programme-wide level"),
        default=False,
        help_text=_("The 'Övergripande nivå' for activities that span every area."),
    )
    group = models.OneToOneField(
        Body,
        on_delete=models.SET_NULL,
        related_name="collaboration_area",
        verbose_name=_("collaboration group"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("collaboration area")
        verbose_name_plural = _("collaboration areas")
        permissions = [
            ("edit_area_activities", _("Can edit the collaboration area's activities")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="collabarea_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class CollaborationQuestion(models.Model, HistoryAttributes):
    """A question the collaboration group drives (frågor som gruppen ska driva)."""

    area = models.ForeignKey(
        CollaborationArea,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("collaboration area"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"), max_length=limits.TEXT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class TreeNode:
    """A kind of row the strategy editor adds, edits, moves and removes (strategy.services.
    tree): its model, the fields a coordinator writes, and the field that holds its parent."""

    #: The word in the editor's URLs.
    kind: str
    model: type[models.Model]
    fields: tuple[str, ...]
    #: The foreign key to the row it sits under: "strategy", "focus_area" or "direction".
    parent: str
    label: Promise
    #: From the row to its strategy, for a filter.
    strategy_path: str = "strategy"
    #: Made from the title on creation (unique within the strategy).
    slug_from: str = ""

    @property
    def parent_model(self) -> type[models.Model]:
        return self.model._meta.get_field(self.parent).related_model  # type: ignore[return-value]


TREE_NODES: dict[str, TreeNode] = {
    node.kind: node
    for node in (
        TreeNode(
            "overgripande-mal", OverallGoal, ("title", "description"), "strategy", _("overall goal")
        ),
        TreeNode(
            "perspektiv",
            Perspective,
            ("title", "description"),
            "strategy",
            _("cross-cutting perspective"),
        ),
        TreeNode(
            "fokusomraden",
            FocusArea,
            ("title", "goal", "description"),
            "strategy",
            _("focus area"),
            slug_from="title",
        ),
        TreeNode(
            "inriktningar",
            StrategicDirection,
            ("title", "description"),
            "focus_area",
            _("strategic direction"),
            strategy_path="focus_area__strategy",
        ),
        TreeNode(
            "taktiska-punkter",
            TacticalPoint,
            ("text",),
            "direction",
            _("tactical point"),
            strategy_path="direction__focus_area__strategy",
        ),
        TreeNode(
            "effektmal",
            EffectGoal,
            ("title", "description", "focus_area"),
            "strategy",
            _("effect goal"),
        ),
        TreeNode(
            "samverkansomraden",
            CollaborationArea,
            ("name", "description", "is_overall"),
            "strategy",
            _("collaboration area"),
            slug_from="name",
        ),
    )
}


# django-guardian with direct foreign keys: a permission row points at its object through a
# real foreign key instead of a generic (content type, text id) pair, so checks join on an
# index. Guardian finds these models through the related names.
class StrategyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Strategy, on_delete=models.CASCADE)


class StrategyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Strategy, on_delete=models.CASCADE)


class CollaborationAreaUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CollaborationArea, on_delete=models.CASCADE)


class CollaborationAreaGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CollaborationArea, on_delete=models.CASCADE)


# The consultation (remiss) of a draft: below the tree it asks about.
from strategy.models.consultations import (  # noqa: E402
    Consultation,
    ConsultationAnswer,
    ConsultationMail,
    ConsultationRecipient,
)

__all__ = [
    "Consultation",
    "ConsultationAnswer",
    "ConsultationMail",
    "ConsultationRecipient",
]
