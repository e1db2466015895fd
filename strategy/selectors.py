"""Reads of the strategy tree. Public pages only ever see strategies marked public in a
public state of their workflow (``Strategy.PUBLIC_STATES``: never a draft)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from portal.access import ANSWER_OFFERS
from portal.dates import today
from portal.history import newest_by, oldest_by
from portal.models import Body, Meeting, Organisation, OrganisationUserObjectPermission, User
from portal.page_cache import history_version
from strategy.access import COORDINATE, DECIDE
from strategy.models import (
    CollaborationArea,
    CollaborationQuestion,
    Consultation,
    ConsultationAnswer,
    ConsultationMail,
    ConsultationRecipient,
    EffectGoal,
    FocusArea,
    Indicator,
    IndicatorTarget,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
    StrategyUserObjectPermission,
    TacticalPoint,
    public_strategy_q,
)


def public_strategies() -> QuerySet[Strategy]:
    return (
        Strategy.objects.filter(public_strategy_q())
        .select_related("owner", "parent")
        .annotate(focus_area_count=Count("focus_areas", distinct=True))
        .order_by("parent_id", "-period_end", "title")
    )


def strategies_first_public(ids: list[int]) -> dict[int, datetime]:
    """When each strategy was first saved as public (its history), by id."""
    history = Strategy.history.filter(id__in=ids, is_public=True)  # type: ignore[attr-defined]
    return oldest_by("id", history)


def strategies_last_changed(ids: list[int]) -> dict[int, datetime]:
    """The newest change of each strategy's tree (what its open-data files show), by id;
    a fixed number of queries however many strategies."""
    return newest_by(
        "strategy_id",
        Strategy.history.filter(id__in=ids).annotate(strategy_id=F("id")),  # type: ignore[attr-defined]
        FocusArea.history.filter(strategy_id__in=ids),  # type: ignore[attr-defined]
        StrategicDirection.history.filter(focus_area__strategy_id__in=ids).annotate(  # type: ignore[attr-defined]
            strategy_id=F("focus_area__strategy_id")
        ),
        TacticalPoint.history.filter(direction__focus_area__strategy_id__in=ids).annotate(  # type: ignore[attr-defined]
            strategy_id=F("direction__focus_area__strategy_id")
        ),
        EffectGoal.history.filter(strategy_id__in=ids),  # type: ignore[attr-defined]
        OverallGoal.history.filter(strategy_id__in=ids),  # type: ignore[attr-defined]
        Perspective.history.filter(strategy_id__in=ids),  # type: ignore[attr-defined]
        CollaborationArea.history.filter(strategy_id__in=ids),  # type: ignore[attr-defined]
    )


def _directions_with_points() -> Prefetch:
    return Prefetch(
        "directions",
        queryset=StrategicDirection.objects.prefetch_related("tactical_points"),
    )


def _effect_goals() -> Prefetch:
    return Prefetch(
        "effect_goals",
        queryset=EffectGoal.objects.select_related("strategy").order_by("strategy", "order"),
    )


def readable_strategies(user: User | AnonymousUser) -> QuerySet[Strategy]:
    """The public strategies, and for their coordinators and steering group (strategy.
    access: its insiders) those that are not public, or not yet."""
    public = public_strategy_q()
    if not user.is_authenticated or not user.is_active:
        return Strategy.objects.filter(public)
    if user.is_superuser:
        return Strategy.objects.all()
    coordinated = StrategyUserObjectPermission.objects.filter(
        user=user, permission__codename__in=(COORDINATE, DECIDE)
    ).values("content_object_id")
    return Strategy.objects.filter(public | Q(pk__in=coordinated))


def strategy_tree(*, slug: str, strategies: QuerySet[Strategy] | None = None) -> Strategy:
    """A strategy (of the public ones, unless ``strategies`` says which) with its whole tree
    loaded in a fixed number of queries."""
    if strategies is None:
        strategies = Strategy.objects.filter(public_strategy_q())
    return get_object_or_404(
        strategies.select_related("owner", "parent").prefetch_related(
            "overall_goals",
            "perspectives",
            Prefetch(
                "focus_areas",
                queryset=FocusArea.objects.prefetch_related(
                    _directions_with_points(), _effect_goals()
                ),
            ),
            Prefetch(
                "effect_goals",
                queryset=EffectGoal.objects.select_related("focus_area__strategy").order_by(
                    "order"
                ),
            ),
            Prefetch(
                "programmes",
                queryset=Strategy.objects.filter(public_strategy_q()).select_related("owner"),
            ),
            "collaboration_areas",
        ),
        slug=slug,
    )


def focus_area_page(*, strategy_slug: str, slug: str) -> FocusArea:
    return get_object_or_404(
        FocusArea.objects.filter(public_strategy_q("strategy__"))
        .select_related("strategy", "strategy__owner")
        .prefetch_related(_directions_with_points(), _effect_goals(), "indicators__targets"),
        strategy__slug=strategy_slug,
        slug=slug,
    )


def collaboration_areas_page(*, strategy_slug: str) -> tuple[Strategy, QuerySet[CollaborationArea]]:
    strategy = get_object_or_404(
        Strategy.objects.filter(public_strategy_q()).select_related("owner"),
        slug=strategy_slug,
    )
    areas = (
        CollaborationArea.objects.filter(strategy=strategy)
        .select_related("group")
        .prefetch_related("questions")
    )
    return strategy, areas


# --- The editor (for the strategy's coordinators) ---------------------------------------------


def editor_tree(strategy: Strategy) -> Strategy:
    """The strategy with every row the editor shows, in a fixed number of queries however
    big the tree."""
    return (
        Strategy.objects.select_related("owner", "based_on", "revises")
        .prefetch_related(
            "overall_goals",
            "perspectives",
            Prefetch(
                "focus_areas",
                queryset=FocusArea.objects.prefetch_related(_directions_with_points()),
            ),
            Prefetch("effect_goals", queryset=EffectGoal.objects.select_related("focus_area")),
            "collaboration_areas",
        )
        .get(pk=strategy.pk)
    )


def strategy_revisions(strategy: Strategy) -> list[Strategy]:
    """The drafts that revise the strategy, newest first."""
    return list(Strategy.objects.filter(revises=strategy).order_by("-pk"))


def strategy_sources(user: User) -> list[Strategy]:
    """What a new strategy can start from: those the user coordinates, the newest first."""
    return sorted(coordinated_strategies(user), key=lambda s: (-(s.period_end or 0), s.title))


# --- Indicators (for the strategy's coordinators) --------------------------------------------


def coordinated_strategies(user: User) -> list[Strategy]:
    """The strategies whose indicators the user manages (strategy.access), by title."""
    if not user.is_active:
        return []
    strategies = Strategy.objects.order_by("title")
    if not user.is_superuser:
        strategies = strategies.filter(
            pk__in=StrategyUserObjectPermission.objects.filter(
                user=user, permission__codename=COORDINATE
            ).values("content_object_id")
        )
    return list(strategies)


def strategy_indicators(strategy: Strategy) -> list[Indicator]:
    """The strategy's indicators with their focus area, effect goal and targets, in the
    order the report shows them: by focus area, those without one last."""
    return list(
        Indicator.objects.filter(strategy=strategy)
        .select_related("focus_area", "effect_goal")
        .prefetch_related("targets")
        .order_by(F("focus_area__order").asc(nulls_last=True), "focus_area_id", "order", "pk")
    )


@dataclass
class IndicatorChoices:
    """What an indicator of the strategy may be set on."""

    focus_areas: list[FocusArea]
    effect_goals: list[EffectGoal]


def indicator_choices(strategy: Strategy) -> IndicatorChoices:
    return IndicatorChoices(
        focus_areas=list(FocusArea.objects.filter(strategy=strategy).order_by("order", "pk")),
        effect_goals=list(
            EffectGoal.objects.filter(strategy=strategy)
            .select_related("focus_area")
            .order_by("order", "pk")
        ),
    )


def target_years(strategy: Strategy, indicator: Indicator | None = None) -> list[int]:
    """The years a form of yearly targets or values offers: the strategy's period with the
    year before it (a baseline), and every year that already has a target."""
    years: set[int] = set()
    if strategy.period_start and strategy.period_end:
        years.update(range(strategy.period_start - 1, strategy.period_end + 1))
    elif strategy.period_start or strategy.period_end:
        years.add(strategy.period_start or strategy.period_end)  # type: ignore[arg-type]
    if indicator is not None and indicator.pk:
        years.update(target.year for target in indicator.targets.all())
    return sorted(years)


#: What the public strategy pages show, for their content version.
_PUBLIC_PAGE_MODELS = [
    Strategy,
    OverallGoal,
    Perspective,
    FocusArea,
    StrategicDirection,
    TacticalPoint,
    EffectGoal,
    Indicator,
    IndicatorTarget,
    CollaborationArea,
    CollaborationQuestion,
    Organisation,
    Body,
]


def public_pages_version(**_url_arguments: str) -> str:
    """A version that changes whenever anything a public strategy page shows changes
    (portal.page_cache): the newest write to any of the tree's tables, in one statement."""
    return history_version(_PUBLIC_PAGE_MODELS)


def decision_meetings(strategy: Strategy) -> QuerySet[Meeting]:
    """The steering group's meetings that have the strategy on their agenda: where it can be
    decided. The newest first."""
    return Meeting.objects.filter(
        body__in=strategy.governing_bodies.filter(kind=Body.Kind.STEERING_GROUP),
        items__subject_type=ContentType.objects.get_for_model(Strategy),
        items__subject_id=strategy.pk,
    ).order_by("-starts_at", "pk")


# --- Consultation (remiss) ------------------------------------------------------------------


@dataclass
class CompilationPart:
    """A part of the draft with every organisation's answer on it: the whole (``row`` is
    the strategy), a focus area or a strategic direction (``level`` 0, 1, 2)."""

    key: str
    row: Strategy | FocusArea | StrategicDirection
    level: int
    answers: list[ConsultationAnswer]


@dataclass
class Compilation:
    consultation: Consultation
    parts: list[CompilationPart]
    recipients: list[ConsultationRecipient]
    #: The recipients that have answered on any part, by id.
    answered: set[int]

    @property
    def silent(self) -> list[ConsultationRecipient]:
        return [r for r in self.recipients if r.pk not in self.answered]


def consultation_parts(strategy: Strategy) -> list[CompilationPart]:
    """The parts an organisation answers on, in the tree's order, without answers: the
    whole, then each focus area followed by its directions (two queries)."""
    parts = [CompilationPart("strategy", strategy, 0, [])]
    directions: dict[int, list[StrategicDirection]] = {}
    for direction in StrategicDirection.objects.filter(focus_area__strategy=strategy).order_by(
        "order", "pk"
    ):
        directions.setdefault(direction.focus_area_id, []).append(direction)
    for area in FocusArea.objects.filter(strategy=strategy).order_by("order", "pk"):
        parts.append(CompilationPart(f"focus_area:{area.pk}", area, 1, []))
        parts.extend(
            CompilationPart(f"direction:{d.pk}", d, 2, []) for d in directions.get(area.pk, [])
        )
    return parts


def consultation_compilation(consultation: Consultation) -> Compilation:
    """The remissammanställning: every answer under its part, with its organisation, in
    four queries however many parts, organisations and answers."""
    parts = consultation_parts(consultation.strategy)
    by_key = {part.key: part for part in parts}
    recipients = list(
        ConsultationRecipient.objects.filter(consultation=consultation).select_related(
            "organisation"
        )
    )
    answered: set[int] = set()
    for answer in (
        ConsultationAnswer.objects.filter(recipient__consultation=consultation)
        .select_related("recipient__organisation", "answered_by", "entered_by")
        .order_by("recipient__organisation__name", "pk")
    ):
        answered.add(answer.recipient_id)
        part = by_key.get(answer.part)
        if part is not None:
            part.answers.append(answer)
    return Compilation(consultation, parts, recipients, answered)


def organisation_answers(consultation: Consultation, organisation: Organisation) -> dict:
    """The organisation's answers by part key, and its recipient row (for the version)."""
    recipient = ConsultationRecipient.objects.get(
        consultation=consultation, organisation=organisation
    )
    answers = {a.part: a for a in ConsultationAnswer.objects.filter(recipient=recipient)}
    return {"recipient": recipient, "answers": answers}


@dataclass
class AnswersToEnter:
    """What a coordinator sees entering an organisation's late answer: the parts its
    contacts answered (kept as they are), the parts open to enter, and the answers entered
    on them so far, by part key."""

    own: list[tuple[CompilationPart, ConsultationAnswer]]
    open_parts: list[CompilationPart]
    entered: dict[str, ConsultationAnswer]


def answers_to_enter(recipient: ConsultationRecipient) -> AnswersToEnter:
    """Three queries: the draft's directions and focus areas, the recipient's answers."""
    answers = {a.part: a for a in ConsultationAnswer.objects.filter(recipient=recipient)}
    own, open_parts = [], []
    for part in consultation_parts(recipient.consultation.strategy):
        answer = answers.get(part.key)
        if answer is not None and answer.entered_by_id is None:
            own.append((part, answer))
        else:
            open_parts.append(part)
    entered = {key: a for key, a in answers.items() if a.entered_by_id is not None}
    return AnswersToEnter(own, open_parts, entered)


def open_consultations_for(user: User) -> list[tuple[Consultation, Organisation]]:
    """The consultations still open that the user answers for, with the organisation."""
    if not user.is_authenticated:
        return []
    answers_for = OrganisationUserObjectPermission.objects.filter(
        user=user, permission__codename=ANSWER_OFFERS
    ).values("content_object_id")
    return [
        (recipient.consultation, recipient.organisation)
        for recipient in ConsultationRecipient.objects.filter(
            organisation__in=answers_for, consultation__deadline__gte=today()
        )
        .select_related("consultation__strategy", "organisation")
        .order_by("consultation__deadline", "pk")
    ]


def consultations_of(strategies: list[Strategy]) -> list[Consultation]:
    """The consultations of the strategies, newest first, in one query."""
    return list(
        Consultation.objects.filter(strategy__in=strategies)
        .select_related("strategy")
        .order_by("strategy__title", "-sent_at", "-pk")
    )


def consultations_owed_mails(*, since: datetime, before: datetime) -> QuerySet[Consultation]:
    """Consultations sent in the window whose mails have gone to no organisation (the
    broker was down when the view queued them), with their recipients."""
    mailed = ConsultationMail.objects.filter(
        consultation=OuterRef("pk"), kind=ConsultationMail.Kind.CONSULTATION
    )
    return (
        Consultation.objects.filter(sent_at__gte=since, sent_at__lt=before)
        .filter(~Exists(mailed))
        .prefetch_related("recipients")
        .order_by("pk")
    )
