"""What follows a change of a body's members: the apps above ``portal`` register it here.

Rights follow memberships: ``actionplans`` grants the plans' object permissions from the
bodies people sit in. ``portal`` adds and ends memberships (``portal.services``) but imports
nothing above it, so each app registers, in its AppConfig.ready(), a function that brings
what it derives from a body's members up to date; the services call them all, inside their
transaction, so that the rights have followed by the time the page answers.
"""

from collections.abc import Callable

from portal.models import Body

MembersChanged = Callable[..., None]
_listeners: list[MembersChanged] = []


def register_members_changed(listener: MembersChanged) -> None:
    """``listener(body=body)`` is called after each change of the body's members."""
    if listener not in _listeners:
        _listeners.append(listener)


def members_changed(*, body: Body) -> None:
    for listener in _listeners:
        listener(body=body)
