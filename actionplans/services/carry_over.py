"""The first plan of a newer strategy, with the last plan's continuing activities: their
links to the old strategy's tree taken to the new tree by the mapping the coordinator
confirmed (suggested by actionplans.selectors.carry_over)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actionplans.access import CarryOverAccess
from actionplans.models import ActionPlan, PlanEvent
from actionplans.selectors.carry_over import LINK_KINDS, next_strategy
from actionplans.services.plans import _copy_activity
from portal.models import User
from strategy.models import Strategy

#: Per kind of link (LinkKind.name): old node id -> new node id, or None for no link.
Mapping = dict[str, dict[int, int | None]]


@dataclass
class CarryOver:
    plan: ActionPlan
    #: The links that did not follow (mapped to no node of the new tree), as sentences.
    dropped: list[str] = field(default_factory=list)


def _checked_mapping(strategy: Strategy, mapping: Mapping) -> Mapping:
    """The mapping, refused if it names a node outside the new strategy's tree."""
    for kind in LINK_KINDS:
        targets = {v for v in mapping.get(kind.name, {}).values() if v is not None}
        manager = kind.model._default_manager  # type: ignore[attr-defined]
        found = manager.filter(pk__in=targets, **{kind.strategy_path: strategy}).count()
        if found != len(targets):
            raise ValidationError(_("The mapping names a part of another strategy's tree."))
    return mapping


@transaction.atomic
def plan_carry_over(
    *,
    plan: ActionPlan,
    strategy: Strategy,
    user: User,
    access: CarryOverAccess,
    activity_ids: list[int],
    title: str,
    mapping: Mapping,
) -> CarryOver:
    """The new strategy's plan for the year after ``plan``'s, in one transaction."""
    if not access.can_carry_over:
        raise PermissionDenied("Only the coordinators of both strategies carry a plan over.")
    stored = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if next_strategy(plan) != stored:
        raise ValidationError(
            _("“%(title)s” is not the strategy that follows this plan's.") % {"title": stored.title}
        )
    year = plan.year + 1
    if ActionPlan.objects.filter(strategy=stored, year=year).exists():
        raise ValidationError(_("The strategy already has a plan for %(year)s.") % {"year": year})
    chosen = list(
        plan.activities.filter(pk__in=activity_ids, removed_at__isnull=True)
        .select_related("collaboration_area")
        .prefetch_related("focus_areas", "directions", "effect_goals", "perspectives")
        .order_by("collaboration_area__order", "order", "pk")
    )
    if len(chosen) != len(set(activity_ids)):
        raise ValidationError(_("Some of the chosen activities are not in this plan."))
    mapping = _checked_mapping(stored, mapping)
    areas = mapping.get("collaboration_area", {})
    unplaced = [a.title for a in chosen if areas.get(a.collaboration_area_id) is None]
    if unplaced:
        raise ValidationError(
            _("Choose a collaboration area of the new strategy for: %(titles)s.")
            % {"titles": ", ".join(unplaced)}
        )
    new_plan = ActionPlan(
        strategy=stored,
        year=year,
        title=title.strip() or plan.title.replace(str(plan.year), str(year)),
        introduction=plan.introduction,
    )
    new_plan._history_user = user
    new_plan.save()
    result = CarryOver(new_plan)
    labels = {kind.name: kind.model._meta.verbose_name for kind in LINK_KINDS}
    for activity in chosen:
        names = {
            kind.name: {row.pk: str(row) for row in getattr(activity, kind.name).all()}
            for kind in LINK_KINDS
            if not kind.required
        }

        def link_map(name: str, ids: list[int], activity=activity, names=names) -> list[int]:
            mapped = [mapping.get(name, {}).get(pk) for pk in ids]
            for pk, new_pk in zip(ids, mapped, strict=True):
                if new_pk is None and name in names:
                    result.dropped.append(
                        _("“%(activity)s”: the link to the %(kind)s “%(node)s” did not follow.")
                        % {
                            "activity": activity.title,
                            "kind": labels[name],
                            "node": names[name][pk],
                        }
                    )
            return [pk for pk in mapped if pk is not None]

        _copy_activity(activity, new_plan, user, year_shift=1, link_map=link_map)
    comment = _("Carried over %(count)s activities from %(year)s (%(strategy)s).") % {
        "count": len(chosen),
        "year": plan.year,
        "strategy": plan.strategy.title,
    }
    PlanEvent.objects.create(
        plan=new_plan,
        kind=PlanEvent.Kind.CREATED,
        actor=user,
        comment=" ".join([comment, *result.dropped]),
    )
    return result
