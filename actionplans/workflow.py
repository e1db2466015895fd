"""The action plan's workflow, declared in one place.

draft → under review (the strategy group and the council comment) → approved by the
programme steering group → published → closed after follow-up. A plan under review can be
sent back to draft. An approved or published plan is changed through a new revision
(``services.plans.plan_revise``, from ``ActionPlan.REVISABLE_STATES``); publishing that
revision replaces the earlier one.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from actionplans.access import APPROVE, EDIT, PlanAccess
from actionplans.models import ActionPlan

State = ActionPlan.State


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    #: The strategy permissions of which the user needs at least one.
    permissions: tuple[str, ...]
    #: Shown beside the button: what happens and who is told.
    help: Promise
    comment_required: bool = False

    def allowed(self, plan: ActionPlan, access: PlanAccess) -> bool:
        return plan.state in self.sources and any(access.has(p) for p in self.permissions)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            name="submit",
            label=_("Submit for review"),
            sources=(State.DRAFT,),
            target=State.REVIEW,
            permissions=(EDIT,),
            help=_("The strategy group and the council can comment; editing stops."),
        ),
        Transition(
            name="send_back",
            label=_("Send back to draft"),
            sources=(State.REVIEW,),
            target=State.DRAFT,
            permissions=(EDIT, APPROVE),
            help=_("The coordinators can edit the plan again. Say what needs to change."),
            comment_required=True,
        ),
        Transition(
            name="approve",
            label=_("Approve"),
            sources=(State.REVIEW,),
            target=State.APPROVED,
            permissions=(APPROVE,),
            help=_("The steering group's decision. The coordinators can then publish it."),
        ),
        Transition(
            name="publish",
            label=_("Publish"),
            sources=(State.APPROVED,),
            target=State.PUBLISHED,
            permissions=(EDIT,),
            help=_("The plan becomes public. An earlier published revision is replaced."),
        ),
        Transition(
            name="close",
            label=_("Close"),
            sources=(State.PUBLISHED,),
            target=State.CLOSED,
            permissions=(EDIT,),
            help=_("After the year's follow-up. The plan stays public."),
        ),
    )
}


def available_transitions(plan: ActionPlan, access: PlanAccess) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.allowed(plan, access)]
