"""Granting the plans' object permissions from the bodies people sit in.

The rules (which kind of body gives which permission) are in ``actionplans.access``; this
module writes the django-guardian grants that follow from them, so that a membership is
all an administrator maintains. The admin calls it whenever a membership, a body or the
bodies governing a strategy change, and the demo after seeding.
"""

from django.contrib.auth.models import Permission
from django.db import transaction

from actionplans.access import BODY_PERMISSIONS, EDIT_AREA, STRATEGY_PERMISSIONS
from portal.models import Body, Membership
from strategy.models import (
    CollaborationArea,
    CollaborationAreaUserObjectPermission,
    Strategy,
    StrategyUserObjectPermission,
)


@transaction.atomic
def access_sync(*, strategy: Strategy) -> dict[str, int]:
    """Grant exactly the permissions the memberships call for on the strategy and its areas.

    Permissions granted by hand on these objects are replaced: membership of a body is the
    one way in, so that removing someone from a body also takes their access away.
    Returns how many grants were added and removed.
    """
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="strategy", codename__in=(*STRATEGY_PERMISSIONS, EDIT_AREA)
        )
    }
    wanted: set[tuple[int, str]] = set()
    memberships = Membership.objects.filter(
        body__in=strategy.governing_bodies.all(), user__is_active=True, ended_on__isnull=True
    ).select_related("body")
    for membership in memberships:
        for codename in BODY_PERMISSIONS.get(membership.body.kind, ()):
            wanted.add((membership.user_id, codename))
    added, removed = _replace(
        StrategyUserObjectPermission, strategy, wanted, permissions, STRATEGY_PERMISSIONS
    )

    for area in CollaborationArea.objects.filter(strategy=strategy).select_related("group"):
        leads = set()
        if area.group_id:
            leads = {
                (user_id, EDIT_AREA)
                for user_id in Membership.objects.filter(
                    body_id=area.group_id,
                    role=Membership.Role.LEAD,
                    user__is_active=True,
                    ended_on__isnull=True,
                ).values_list("user_id", flat=True)
            }
        area_added, area_removed = _replace(
            CollaborationAreaUserObjectPermission, area, leads, permissions, (EDIT_AREA,)
        )
        added += area_added
        removed += area_removed
    return {"added": added, "removed": removed}


def _replace(model, obj, wanted: set[tuple[int, str]], permissions, codenames) -> tuple[int, int]:
    existing = {
        (row.user_id, row.permission.codename): row
        for row in model.objects.filter(
            content_object=obj, permission__codename__in=codenames
        ).select_related("permission")
    }
    surplus = [row.pk for key, row in existing.items() if key not in wanted]
    missing = [
        model(user_id=user_id, permission=permissions[codename], content_object=obj)
        for user_id, codename in wanted - set(existing)
    ]
    model.objects.filter(pk__in=surplus).delete()
    model.objects.bulk_create(missing)
    return len(missing), len(surplus)


def access_sync_for_body(*, body: Body) -> None:
    """After a body or its members changed: resync every strategy it touches."""
    strategies = set(body.governed_strategies.all())
    area = CollaborationArea.objects.filter(group=body).select_related("strategy").first()
    if area:
        strategies.add(area.strategy)
    for strategy in strategies:
        access_sync(strategy=strategy)
