"""The strategy's workflow, declared in one place.

draft → on consultation (remiss: the organisations answer; shown publicly, marked as a
draft) → in revision (the coordinators work the answers in) → decided by the steering group
→ in force for its period → ended (still readable). A strategy in revision can go on
consultation again. A decided or in-force strategy is changed through a revision
(``services.strategies.strategy_revise``, from ``Strategy.REVISABLE_STATES``): a new draft
linked to it.

The steering group decides the strategy at one of its meetings, where the strategy is on
the agenda (``strategy.agenda``; the decision page is ``strategy.views.decision``). Going in
force on the first day of its period and ending after its last are not steps anyone takes:
the daily ``strategy.tasks.strategies_by_date`` takes them (``strategy.services.dates``), so
a date has one path only.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strategy.access import COORDINATE, DECIDE, StrategyAccess
from strategy.models import Strategy

State = Strategy.State


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    #: The strategy permissions of which the user needs at least one.
    permissions: tuple[str, ...]
    #: Shown beside the button: what happens.
    help: Promise
    #: Entered in the steering group's decision register.
    is_decision: bool = False
    #: Taken at one of the steering group's meetings, on its own page.
    at_meeting: bool = False
    #: Taken by the date (strategy.services.dates), never by a person.
    by_date: bool = False
    #: The URL name of the page of its own that asks what the step needs (sending on
    #: consultation names whom to ask and a last day); the bare step is refused.
    form_url: str = ""

    def allowed(self, strategy: Strategy, access: StrategyAccess) -> bool:
        return strategy.state in self.sources and any(access.has(p) for p in self.permissions)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            name="consult",
            label=_("Send on consultation"),
            sources=(State.DRAFT, State.REVISION),
            target=State.CONSULTATION,
            permissions=(COORDINATE,),
            help=_(
                "The draft is shown on the public pages, marked as a draft on consultation; "
                "editing stops while the organisations answer."
            ),
            form_url="strategy:consultation_send",
        ),
        Transition(
            name="revise",
            label=_("Start the revision"),
            sources=(State.CONSULTATION,),
            target=State.REVISION,
            permissions=(COORDINATE,),
            help=_(
                "The consultation is over: the coordinators work the answers in. The draft "
                "leaves the public pages."
            ),
        ),
        Transition(
            name="decide",
            label=_("Decide the strategy"),
            sources=(State.REVISION,),
            target=State.DECIDED,
            permissions=(DECIDE,),
            help=_(
                "The steering group's decision, entered in its register. The strategy can "
                "then only be changed through a revision."
            ),
            is_decision=True,
            at_meeting=True,
        ),
        Transition(
            name="put_in_force",
            label=_("Put in force"),
            sources=(State.DECIDED,),
            target=State.IN_FORCE,
            permissions=(DECIDE,),
            help=_("From the first day of its period: its action plans are written under it."),
            by_date=True,
        ),
        Transition(
            name="end",
            label=_("End the strategy"),
            sources=(State.IN_FORCE,),
            target=State.ENDED,
            permissions=(DECIDE,),
            help=_("After its last year. It stays readable, marked as ended."),
            by_date=True,
        ),
    )
}


def available_transitions(strategy: Strategy, access: StrategyAccess) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if not t.by_date and t.allowed(strategy, access)]
