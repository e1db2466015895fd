"""Reads of initiatives: who sees which, who prepares them, and the steering group's
meetings that decide them."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Q,
    QuerySet,
)

from actionplans.access import APPROVE, COMMENT, EDIT, InitiativeAccess, initiative_accesses
from actionplans.models import (
    Initiative,
)
from portal.dates import today
from portal.models import (
    AgendaItem,
    Body,
    Meeting,
    User,
)
from strategy.models import (
    Strategy,
    StrategyUserObjectPermission,
)


def initiatives_for(user: User) -> list[Initiative]:
    """Those the user submitted, and every initiative of the strategies they prepare or
    decide for."""
    if user.is_superuser:
        queryset = Initiative.objects.all()
    else:
        strategies = StrategyUserObjectPermission.objects.filter(
            user=user, permission__codename__in=(COMMENT, EDIT, APPROVE)
        ).values("content_object_id")
        queryset = Initiative.objects.filter(strategy__in=strategies) | Initiative.objects.filter(
            submitted_by=user
        )
    return list(
        queryset.distinct()
        .select_related("strategy", "organisation", "preparer", "plan")
        .order_by("-submitted_at", "-pk")[:500]
    )


def initiatives_awaiting(user: User) -> list[tuple[Initiative, InitiativeAccess]]:
    """The undecided initiatives that need the user now (InitiativeAccess.awaits_user):
    a preparer to assign, their analysis, the decision; oldest first."""
    queryset = Initiative.objects.exclude(state=Initiative.State.DECIDED)
    if not user.is_superuser:
        strategies = StrategyUserObjectPermission.objects.filter(user=user).values(
            "content_object_id"
        )
        queryset = queryset.filter(Q(strategy__in=strategies) | Q(preparer=user))
    initiatives = list(
        queryset.select_related("strategy", "preparer").order_by("submitted_at", "pk")[:200]
    )
    accesses = initiative_accesses(user, initiatives)
    return [(i, accesses[i.pk]) for i in initiatives if accesses[i.pk].awaits_user]


def initiatives_awaiting_decision(strategies: QuerySet[Strategy]) -> QuerySet[Initiative]:
    """The strategies' initiatives not yet decided, oldest first: what a steering group's
    meeting can take up."""
    return (
        Initiative.objects.filter(strategy__in=strategies)
        .exclude(state=Initiative.State.DECIDED)
        .order_by("submitted_at", "pk")
    )


def preparers(strategy: Strategy) -> QuerySet[User]:
    """Who may be assigned to prepare: those who comment on the strategy's plans."""
    return (
        User.objects.filter(
            is_active=True,
            strategyuserobjectpermission__content_object=strategy,
            strategyuserobjectpermission__permission__codename__in=(COMMENT, EDIT),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def steering_meetings(strategy: Strategy) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        body__in=strategy.governing_bodies.filter(kind=Body.Kind.STEERING_GROUP)
    ).order_by("-starts_at")


def coming_steering_meetings(strategy: Strategy) -> QuerySet[Meeting]:
    return steering_meetings(strategy).filter(starts_at__date__gte=today()).order_by("starts_at")


def decision_meeting_id(initiative: Initiative, meetings: QuerySet[Meeting]) -> int | None:
    """The meeting the decision form proposes: the one whose agenda the initiative was put
    on, or else the steering group's meeting of today, or else its most recent one."""
    item = (
        AgendaItem.objects.filter(
            subject_type=ContentType.objects.get_for_model(Initiative), subject_id=initiative.pk
        )
        .order_by("-meeting__starts_at")
        .first()
    )
    if item is not None:
        return item.meeting_id
    meeting = meetings.filter(starts_at__date__lte=today()).first()
    return meeting.pk if meeting else None
