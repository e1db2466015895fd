"""Who may do what with a strategy's indicators: the one place the app checks access.

The strategy's coordinators (the members of its coordinators body, who hold ``edit_plans``
on the strategy, granted by actionplans.services.permissions.access_sync) create its
indicators, set their yearly targets, and enter their values or link them to Kolada;
so do administrators. The indicators of a public strategy are public (its pages show
them), so others signed in are refused with a 403; a strategy that is not public is a 404
to all but its coordinators.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.models import User
from strategy.models import Indicator, Strategy, StrategyUserObjectPermission

#: The permission of the strategy's coordinators (the name actionplans.access gives it).
COORDINATE = "edit_plans"


@dataclass(frozen=True)
class StrategyAccess:
    """What one user may do with one strategy's indicators, worked out once per request."""

    is_coordinator: bool = False

    @property
    def can_manage_indicators(self) -> bool:
        """Create and change indicators, set their targets, enter values, link to Kolada."""
        return self.is_coordinator


def strategy_access(user: User | AnonymousUser, strategy: Strategy) -> StrategyAccess:
    """One indexed query (none for anonymous users and administrators)."""
    if not user.is_authenticated or not user.is_active:
        return StrategyAccess()
    if user.is_superuser:
        return StrategyAccess(is_coordinator=True)
    return StrategyAccess(
        is_coordinator=StrategyUserObjectPermission.objects.filter(
            user=user, content_object_id=strategy.pk, permission__codename=COORDINATE
        ).exists()
    )


def _refuse_unless_coordinator(strategy: Strategy, access: StrategyAccess) -> None:
    if access.can_manage_indicators:
        return
    if not strategy.is_public:
        raise Http404
    raise PermissionDenied("Only the strategy's coordinators manage its indicators.")


def get_strategy_for_indicators(
    user: User | AnonymousUser, slug: str
) -> tuple[Strategy, StrategyAccess]:
    """The strategy, for one of its coordinators: 404 if there is none (or it is not public
    and the user is not one), 403 for others."""
    try:
        strategy = Strategy.objects.select_related("owner").get(slug=slug)
    except Strategy.DoesNotExist:
        raise Http404 from None
    access = strategy_access(user, strategy)
    _refuse_unless_coordinator(strategy, access)
    return strategy, access


def get_indicator_for_user(
    user: User | AnonymousUser, slug: str, indicator_id: int
) -> tuple[Indicator, StrategyAccess]:
    """An indicator of the strategy, for one of its coordinators (404 for an indicator of
    another strategy)."""
    try:
        indicator = Indicator.objects.select_related(
            "strategy", "strategy__owner", "focus_area", "effect_goal"
        ).get(pk=indicator_id, strategy__slug=slug)
    except Indicator.DoesNotExist:
        raise Http404 from None
    access = strategy_access(user, indicator.strategy)
    _refuse_unless_coordinator(indicator.strategy, access)
    return indicator, access
