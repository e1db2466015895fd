"""The start and home pages, built from panels that the apps above ``portal`` register.

``portal`` knows nothing of strategies, plans or reports (apps import downwards), yet its
start page lists the published plans and a person's home page lists the offers they answer
and the reports they fill. Each app registers, in its AppConfig.ready(), the panels and links
it adds; the page renders them in their ``order``. A panel names its own template, so the app
that knows the URLs also writes the markup that uses them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils.functional import Promise

from portal.models import User


@dataclass(frozen=True)
class Panel:
    """One section of a page: a template and the items it lists."""

    template: str
    items: Sequence[Any]
    #: Shown even when it has nothing to list (the template says so); otherwise left out.
    show_empty: bool = False


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class _Registration:
    order: int
    source: Callable[..., Any]
    #: What the panel shows, for the page's content version (portal.page_cache).
    models: tuple[type[Model], ...] = ()


HomePanelSource = Callable[[User], Panel | None]
StartPanelSource = Callable[[User | AnonymousUser], Panel | None]
#: Links for a signed-in person; a source returns none where they do not apply.
LinkSource = Callable[[User], Sequence[Link]]

_home: list[_Registration] = []
_start: list[_Registration] = []
_links: dict[str, list[_Registration]] = {}


def _add(
    registry: list[_Registration],
    source: Callable[..., Any],
    order: int,
    models: Sequence[type[Model]] = (),
) -> None:
    if all(r.source is not source for r in registry):
        registry.append(_Registration(order, source, tuple(models)))
        registry.sort(key=lambda r: r.order)


def register_home_panel(source: HomePanelSource, *, order: int) -> None:
    """``source(user)`` returns the panel for the person's home page, or None."""
    _add(_home, source, order)


def register_start_panel(
    source: StartPanelSource, *, order: int, models: Sequence[type[Model]]
) -> None:
    """``models``: every model whose rows the panel shows to an anonymous reader, so that
    the cached start page changes as soon as one of them does."""
    _add(_start, source, order, models)


def register_links(section: str, source: LinkSource, *, order: int) -> None:
    """Links shown on the home page: ``"organisation"`` under the person's organisation,
    ``"go_to"`` in the list of places to go."""
    _add(_links.setdefault(section, []), source, order)


def _panels(registry: list[_Registration], user: User | AnonymousUser) -> list[Panel]:
    panels = (registration.source(user) for registration in registry)
    return [p for p in panels if p is not None and (p.items or p.show_empty)]


def home_panels(user: User) -> list[Panel]:
    return _panels(_home, user)


def start_panels(user: User | AnonymousUser) -> list[Panel]:
    return _panels(_start, user)


def start_models() -> list[type[Model]]:
    """The models the start page's panels show, each once, in a fixed order."""
    return list(dict.fromkeys(model for r in _start for model in r.models))


def links(section: str, user: User) -> list[Link]:
    return [link for r in _links.get(section, []) for link in r.source(user)]


# --- The main menu ------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    #: Lazy (gettext_lazy): registered once at start-up, shown in each reader's language.
    label: str | Promise
    url_name: str
    #: The item is marked as the current page on every page of this URL namespace.
    app_name: str
    order: int


_menu: list[MenuItem] = []


def register_menu_item(item: MenuItem) -> None:
    if item not in _menu:
        _menu.append(item)
        _menu.sort(key=lambda i: i.order)


def menu_items() -> list[MenuItem]:
    return list(_menu)
