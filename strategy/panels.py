"""What the strategy app adds to portal's pages (portal.panels): the start page's list of
strategies, the menu and home-page links to them, and to the indicators and the editor of
those a person coordinates."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from strategy.selectors import (
    consultations_of,
    coordinated_strategies,
    open_consultations_for,
    public_strategies,
)


def start_strategies(user: User | AnonymousUser) -> Panel:
    return Panel(
        "strategy/panels/start_strategies.html", list(public_strategies()), show_empty=True
    )


def go_to_links(user: User) -> list[Link]:
    return [Link(_("Strategies and programmes"), reverse("strategy:list"))]


def indicator_links(user: User) -> list[Link]:
    return [
        Link(
            _("Indicators: %(strategy)s") % {"strategy": strategy.title},
            reverse("strategy:indicator_list", args=[strategy.slug]),
        )
        for strategy in coordinated_strategies(user)
    ]


def editor_links(user: User) -> list[Link]:
    """The strategy editor of each draft the user coordinates, and a new strategy's page."""
    coordinated = coordinated_strategies(user)
    links = [
        Link(
            _("Strategy editor: %(strategy)s") % {"strategy": strategy.title},
            reverse("strategy:editor", args=[strategy.slug]),
        )
        for strategy in coordinated
        if strategy.is_editable
    ]
    if coordinated:
        links.append(Link(_("A new strategy"), reverse("strategy:new")))
    return links


def home_consultations(user: User) -> Panel:
    """The consultations a contact answers for their organisation, until the last day."""
    return Panel("strategy/panels/home_consultations.html", open_consultations_for(user))


def consultation_links(user: User) -> list[Link]:
    """The compilation of each consultation of the strategies the user coordinates."""
    return [
        Link(
            _("Consultation compilation: %(strategy)s (%(deadline)s)")
            % {
                "strategy": consultation.strategy.title,
                "deadline": consultation.deadline.isoformat(),
            },
            reverse(
                "strategy:consultation_compilation",
                args=[consultation.strategy.slug, consultation.pk],
            ),
        )
        for consultation in consultations_of(coordinated_strategies(user))
    ]


def register() -> None:
    register_menu_item(MenuItem(gettext_lazy("Strategies"), "strategy:list", "strategy", 10))
    register_start_panel(start_strategies, order=10, models=[Strategy, Organisation])
    register_links("go_to", go_to_links, order=10)
    register_links("go_to", indicator_links, order=15)
    register_links("go_to", editor_links, order=16)
    register_links("go_to", consultation_links, order=17)
    register_home_panel(home_consultations, order=12)
