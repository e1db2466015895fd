"""What the action plans app adds to portal's pages (portal.panels): the start page's
published plans, the offers a contact answers on their home page, and the links to plans,
initiatives and an organisation's commitments."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import ActionPlan, Activity
from actionplans.selectors.offers import open_offers_for
from actionplans.selectors.plans import public_plans
from portal.models import Organisation, User
from portal.panels import (
    Link,
    MenuItem,
    Panel,
    register_home_panel,
    register_links,
    register_menu_item,
    register_start_panel,
)
from strategy.models import Strategy

#: How many published plans the start page lists.
START_PLANS = 6


def start_plans(user: User | AnonymousUser) -> Panel:
    plans = list(public_plans()[:START_PLANS])
    return Panel("actionplans/panels/start_plans.html", plans, show_empty=True)


def home_offers(user: User) -> Panel:
    return Panel("actionplans/panels/home_offers.html", open_offers_for(user))


def organisation_links(user: User) -> list[Link]:
    if user.organisation is None:
        return []
    url = reverse("actionplans:organisation_commitments", args=[user.organisation.slug])
    return [Link(_("The organisation's commitments"), url)]


def go_to_links(user: User) -> list[Link]:
    return [
        Link(_("Action plans you work on"), reverse("actionplans:workspace_list")),
        Link(_("Published action plans"), reverse("actionplans:list")),
        Link(_("Initiatives and needs"), reverse("actionplans:initiative_list")),
    ]


def register() -> None:
    register_menu_item(
        MenuItem(gettext_lazy("Action plans"), "actionplans:list", "actionplans", 20)
    )
    register_start_panel(
        start_plans, order=20, models=[ActionPlan, Activity, Strategy, Organisation]
    )
    register_home_panel(home_offers, order=10)
    register_links("organisation", organisation_links, order=10)
    register_links("go_to", go_to_links, order=20)
