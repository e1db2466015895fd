"""A strategy's life: started (empty or as a copy of another's tree), revised once decided,
and moved through its workflow (``strategy.workflow``)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import limits
from portal.models import Meeting, User
from strategy.access import StrategyAccess
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Indicator,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
    StrategyUserObjectPermission,
)
from strategy.selectors import decision_meetings
from strategy.services import steering_group_decision_record
from strategy.services.tree import check_period
from strategy.workflow import TRANSITIONS

#: The words of strategy.urls that a strategy's slug would shadow.
RESERVED_SLUGS = {"ny"}


@dataclass
class NewStrategy:
    title: str
    slug: str
    period_start: int | None = None
    period_end: int | None = None


def _checked(new: NewStrategy) -> NewStrategy:
    title, slug = new.title.strip(), slugify(new.slug.strip())
    if not title:
        raise ValidationError({"title": _("Give the strategy a title.")})
    if not slug:
        raise ValidationError({"slug": _("Give the strategy an address (letters and digits).")})
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("That address is taken by a page of the portal.")})
    if Strategy.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another strategy has that address already.")})
    check_period(new.period_start, new.period_end)
    return NewStrategy(title, slug, new.period_start, new.period_end)


def _new_draft(*, source: Strategy, new: NewStrategy, user: User, **extra) -> Strategy:
    """A draft with the source's owner, kind and governing bodies, and so its people."""
    strategy = Strategy(
        title=new.title,
        slug=new.slug,
        kind=source.kind,
        owner=source.owner,
        parent=source.parent,
        period_start=new.period_start,
        period_end=new.period_end,
        is_public=source.is_public,
        state=Strategy.State.DRAFT,
        **extra,
    )
    limits.check_lengths(strategy)
    strategy.full_clean()
    strategy._history_user = user
    strategy.save()
    strategy.governing_bodies.set(source.governing_bodies.all())
    # The same bodies give the same people the same rights: what access_sync (in
    # actionplans, above this app) would grant from their memberships, granted at once so
    # the coordinators can open the draft they just made.
    StrategyUserObjectPermission.objects.bulk_create(
        StrategyUserObjectPermission(
            user_id=grant.user_id, permission_id=grant.permission_id, content_object=strategy
        )
        for grant in StrategyUserObjectPermission.objects.filter(content_object=source)
    )
    return strategy


def _refuse_unless_allowed(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def strategy_create(
    *, source: Strategy, new: NewStrategy, user: User, access: StrategyAccess
) -> Strategy:
    """An empty draft, owned and governed as ``source`` is."""
    _refuse_unless_allowed(access.can_start_new, "Only the strategy's coordinators start one.")
    return _new_draft(source=source, new=_checked(new), user=user)


@transaction.atomic
def strategy_copy(
    *, source: Strategy, new: NewStrategy, user: User, access: StrategyAccess
) -> Strategy:
    """A draft with a copy of the source's whole tree, under a new title, address and
    period, in one transaction."""
    _refuse_unless_allowed(access.can_start_new, "Only the strategy's coordinators start one.")
    strategy = _new_draft(source=source, new=_checked(new), user=user, based_on=source)
    _copy_tree(source, strategy, user)
    return strategy


@transaction.atomic
def strategy_revise(*, strategy: Strategy, user: User, access: StrategyAccess) -> Strategy:
    """A decided strategy changes only through a revision: a draft copy of it, linked to
    it, that the steering group decides in its turn."""
    stored = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _refuse_unless_allowed(access.is_coordinator, "Only the strategy's coordinators revise it.")
    if stored.state not in Strategy.REVISABLE_STATES:
        raise ValidationError(
            _("The strategy is “%(state)s”: only a decided strategy is revised.")
            % {"state": stored.get_state_display()}
        )
    open_revision = stored.revisions.filter(
        state__in=(*Strategy.EDITABLE_STATES, Strategy.State.CONSULTATION)
    ).first()
    if open_revision is not None:
        raise ValidationError(
            _("The strategy is already being revised in “%(title)s”.")
            % {"title": open_revision.title}
        )
    base = f"{stored.slug[:180]}-revidering"
    slug, number = base, 2
    while Strategy.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    new = NewStrategy(stored.title, slug, stored.period_start, stored.period_end)
    revision = _new_draft(source=stored, new=new, user=user, based_on=stored, revises=stored)
    _copy_tree(stored, revision, user)
    return revision


def _copy(obj, user: User, **changes):
    """Save a copy of ``obj`` as a new row (with its history) with ``changes``."""
    copy = type(obj)(
        **{
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if not f.primary_key and f.name != "version"
        }
    )
    for name, value in changes.items():
        setattr(copy, name, value)
    copy._history_user = user
    copy.save()
    return copy


def _in_period(strategy: Strategy, year: int) -> bool:
    """A strategy without a period (yet) covers no year: its coordinators set the targets
    once they have given it one."""
    if strategy.period_start is None or strategy.period_end is None:
        return False
    return strategy.period_start <= year <= strategy.period_end


def _copy_tree(source: Strategy, strategy: Strategy, user: User) -> None:
    for name in ("vision", "summary", "preparation_process", "follow_up"):
        setattr(strategy, name, getattr(source, name))
    strategy._history_user = user
    strategy.save()
    for overall in OverallGoal.objects.filter(strategy=source):
        _copy(overall, user, strategy=strategy)
    for perspective in Perspective.objects.filter(strategy=source):
        _copy(perspective, user, strategy=strategy)
    focus_areas: dict[int, FocusArea] = {}
    for area in FocusArea.objects.filter(strategy=source):
        focus_areas[area.pk] = _copy(area, user, strategy=strategy)
    directions = StrategicDirection.objects.filter(focus_area__strategy=source)
    for direction in directions.prefetch_related("tactical_points"):
        copied = _copy(direction, user, focus_area=focus_areas[direction.focus_area_id])
        for point in direction.tactical_points.all():
            _copy(point, user, direction=copied)
    effect_goals: dict[int, EffectGoal] = {}
    for goal in EffectGoal.objects.filter(strategy=source):
        effect_goals[goal.pk] = _copy(
            goal, user, strategy=strategy, focus_area=focus_areas.get(goal.focus_area_id or 0)
        )
    # With the targets of the years the new period covers (a revision, of the same period,
    # keeps them all), without Kolada's state: the nightly fetch fills it again.
    for indicator in Indicator.objects.filter(strategy=source).prefetch_related("targets"):
        copied_indicator = _copy(
            indicator,
            user,
            strategy=strategy,
            focus_area=focus_areas.get(indicator.focus_area_id or 0),
            effect_goal=effect_goals.get(indicator.effect_goal_id or 0),
            kolada_fetched_at=None,
            kolada_error="",
        )
        for target in indicator.targets.all():
            if _in_period(strategy, target.year):
                _copy(target, user, indicator=copied_indicator)
    # A collaboration group belongs to one area: the new strategy's areas get theirs
    # when it is decided.
    collaboration = CollaborationArea.objects.filter(strategy=source)
    for collaboration_area in collaboration.prefetch_related("questions"):
        copied_area = _copy(collaboration_area, user, strategy=strategy, group=None)
        for question in collaboration_area.questions.all():
            _copy(question, user, area=copied_area)


@transaction.atomic
def strategy_transition(
    *,
    strategy: Strategy,
    name: str,
    user: User,
    access: StrategyAccess,
    meeting: Meeting | None = None,
    through_form: bool = False,
) -> Strategy:
    """Move the strategy to the transition's state. ``meeting``: where the steering group
    took the decision, one of its meetings with the strategy on the agenda.
    ``through_form``: the caller is the service of the step's own form
    (``Transition.form_url``), which saves what the step needs with it."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(_("Unknown step."))
    stored = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if stored.state not in transition.sources:
        raise ValidationError(
            _("The strategy is “%(state)s” now: “%(step)s” is no longer possible.")
            % {"state": stored.get_state_display(), "step": transition.label}
        )
    if not transition.allowed(stored, access):
        raise PermissionDenied("The strategy's workflow does not let this user take the step.")
    if transition.by_date:
        raise ValidationError(
            _(
                "A strategy goes in force on the first day of its period and ends after its "
                "last: the portal takes these steps itself."
            )
        )
    if transition.form_url and not through_form:
        raise ValidationError(
            _(
                "A draft goes on consultation with the organisations to ask and a last day: "
                "send it with the form “%(step)s” on the strategy's editor."
            )
            % {"step": transition.label}
        )
    if transition.at_meeting and meeting is None:
        raise ValidationError(
            _(
                "The steering group decides the strategy at a meeting: put it on the agenda "
                "of one and decide it there."
            )
        )
    if meeting is not None and not decision_meetings(stored).filter(pk=meeting.pk).exists():
        raise ValidationError(
            {"meeting": _("The strategy is not on the agenda of that steering group meeting.")}
        )
    stored.state = transition.target
    stored.version += 1
    stored._history_user = user
    stored.save(update_fields=["state", "version"])
    if transition.is_decision:
        steering_group_decision_record(
            strategy=stored,
            title=lambda: _("The strategy “%(title)s” is decided") % {"title": stored.title},
            user=user,
            subject=stored,
            subject_url=stored.get_absolute_url(),
            meeting=meeting,
        )
    return stored
