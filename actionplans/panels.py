"""What the action plans app adds to portal's pages (portal.panels): the start page's
published plans; on a person's home page the offers a contact answers, the plans awaiting
their comment or approval and the initiatives they prepare or decide; the links to plans,
initiatives and an organisation's commitments; and the year's plan steps and offers in the
yearly cycle (portal.cycle)."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import ActionPlan, Activity
from actionplans.selectors.initiatives import initiatives_awaiting
from actionplans.selectors.offers import offers_of_year, open_offers_for
from actionplans.selectors.plans import plan_steps_of_year, plans_awaiting_review, public_plans
from portal.cycle import OFFERS, PLANNING, CycleEvent, register_cycle_events
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


def home_plans_to_review(user: User) -> Panel:
    return Panel("actionplans/panels/home_plans.html", plans_awaiting_review(user))


def home_initiatives(user: User) -> Panel:
    return Panel("actionplans/panels/home_initiatives.html", initiatives_awaiting(user))


def cycle_events(user: User, year: int) -> list[CycleEvent]:
    """Planning: each step of a plan's workflow taken this year. Offers: each offer's
    sending and its last day."""
    events = [
        CycleEvent(
            on=timezone.localdate(step.created_at),
            label=f"{step.plan.title}: {step.get_to_state_display()}",
            url=step.plan.get_edit_url(),
            phase=PLANNING,
        )
        for step in plan_steps_of_year(user, year)
    ]
    for offer in offers_of_year(user, year):
        url = offer.get_absolute_url()
        events.append(
            CycleEvent(
                on=timezone.localdate(offer.sent_at),
                label=_("Offer sent: %(title)s") % {"title": offer.title},
                url=url,
                phase=OFFERS,
            )
        )
        events.append(
            CycleEvent(
                on=offer.deadline,
                label=_("Last day to answer: %(title)s") % {"title": offer.title},
                url=url,
                phase=OFFERS,
            )
        )
    return events


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
    register_home_panel(home_plans_to_review, order=15)
    register_home_panel(home_initiatives, order=40)
    register_cycle_events(cycle_events, order=10)
    register_links("organisation", organisation_links, order=10)
    register_links("go_to", go_to_links, order=20)
