"""What of this app a body's meeting can take up (portal.agenda): the strategies it governs
that await its decision (worked through after their consultation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.agenda import AgendaSubject
from portal.models import Body
from strategy.models import Strategy


def agenda_subjects(body: Body) -> list[AgendaSubject]:
    if body.kind != Body.Kind.STEERING_GROUP:
        return []
    strategies = body.governed_strategies.filter(state=Strategy.State.REVISION)
    return [
        AgendaSubject(
            strategy,
            strategy.title,
            reverse("strategy:decide", args=[strategy.slug]),
            _("Strategy awaiting decision"),
        )
        for strategy in strategies.order_by("period_start", "pk")
    ]
