"""What of this app a body's meeting can take up (portal.agenda): the plans of the strategies
it governs that await approval, and their initiatives that await a decision."""

from django.utils.translation import gettext as _

from actionplans.models import ActionPlan
from actionplans.selectors.initiatives import initiatives_awaiting_decision
from portal.agenda import AgendaSubject
from portal.models import Body


def agenda_subjects(body: Body) -> list[AgendaSubject]:
    strategies = body.governed_strategies.all()
    plans = ActionPlan.objects.filter(
        strategy__in=strategies, state=ActionPlan.State.REVIEW
    ).select_related("strategy")
    return [
        *(
            AgendaSubject(plan, plan.title, plan.get_edit_url(), _("Plan awaiting approval"))
            for plan in plans.order_by("year", "pk")
        ),
        *(
            AgendaSubject(
                initiative, initiative.title, initiative.get_absolute_url(), _("Initiative")
            )
            for initiative in initiatives_awaiting_decision(strategies)
        ),
    ]
