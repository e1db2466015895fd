"""What of this app a body's meeting can take up (portal.agenda): the follow-up reports of
the strategies it governs that await review."""

from django.utils.translation import gettext as _

from followup.models import Report
from portal.agenda import AgendaSubject
from portal.models import Body


def agenda_subjects(body: Body) -> list[AgendaSubject]:
    reports = (
        Report.objects.filter(
            round__plan__strategy__in=body.governed_strategies.all(),
            state=Report.State.DONE,
            review=Report.Review.PENDING,
        )
        .select_related("round__plan")
        .order_by("round__plan__year", "version")
    )
    return [
        AgendaSubject(
            report,
            _("%(plan)s, follow-up %(period)s, version %(version)s")
            % {
                "plan": report.round.plan.title,
                "period": report.round.period,
                "version": report.version,
            },
            report.get_absolute_url(),
            _("Report awaiting review"),
        )
        for report in reports
    ]
