"""A plan's follow-up rounds: opening one, its page, closing and opening it again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from followup import selectors
from followup.access import get_followup_plan_for_user, get_round_for_user
from followup.forms import RoundForm
from followup.models import FollowUpRound
from followup.pdf.indicators import indicator_groups
from followup.services import rounds as round_services
from followup.tasks import send_round_opened
from portal.forms import add_service_errors
from portal.http import SignedInRequest
from portal.page_cache import content_key, kept_fragment
from portal.params import posted_choice
from portal.tasks import enqueue


@login_required
@require_http_methods(["GET", "POST"])
def plan_rounds(request: SignedInRequest, plan_id: int) -> HttpResponse:
    """The plan's rounds, and the form that opens the next one."""
    plan, access = get_followup_plan_for_user(request.user, plan_id)
    form = RoundForm(request.POST or None, initial={"year": plan.year})
    if request.method == "POST":
        if not access.can_open:
            raise PermissionDenied(
                "Only the plan's coordinators open follow-up rounds, once the plan is decided."
            )
        if form.is_valid():
            try:
                data = form.cleaned_data
                followup_round = round_services.round_open(
                    plan=plan,
                    user=request.user,
                    access=access,
                    year=data["year"],
                    term=data["term"],
                    deadline=data["deadline"],
                    reminder_days=data["reminder_days"],
                    instructions=data["instructions"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                enqueue(send_round_opened, followup_round.pk)
                messages.success(
                    request,
                    _("The round is open; the leads of %(count)s activities have been notified.")
                    % {"count": followup_round.reports.count()},
                )
                return redirect(followup_round)
    context = {"plan": plan, "rounds": selectors.plan_rounds(plan), "form": form, "access": access}
    return render(request, "followup/plan_rounds.html", context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def round_detail(request: SignedInRequest, round_id: int) -> HttpResponse:
    followup_round, access = get_round_for_user(request.user, round_id)
    pdf_reports = selectors.round_pdf_reports(followup_round)
    context = {
        "round": followup_round,
        "plan": followup_round.plan,
        "pdf_reports": pdf_reports,
        "building": any(r.in_progress for r in pdf_reports),
        "access": access,
    }
    if request.htmx:
        return render(request, "followup/round_detail.html#pdf-reports", context)
    context["reports_html"] = _reports_html(request, followup_round)
    context["indicator_groups"] = indicator_groups(followup_round)
    return render(request, "followup/round_detail.html", context)


def _reports_html(request: SignedInRequest, followup_round: FollowUpRound) -> str:
    """The summary and the table of every activity's report (300 at national scale: about
    200 ms to read and render) are the same for everyone who may open the round: kept per
    content version and language."""
    version = selectors.round_content_version()
    key = content_key("round-reports", followup_round.pk, version, get_language())

    def render_reports() -> str:
        overview = selectors.round_overview(followup_round)
        context = {
            "round": followup_round,
            "overview": overview,
            "lights": selectors.light_counts(overview),
        }
        return render_to_string("followup/round_detail.html#reports", context, request=request)

    return kept_fragment(key, request, render_reports)


@login_required
@require_POST
def round_state(request: SignedInRequest, round_id: int) -> HttpResponse:
    """Close the round, or open it again (the page's one button says which)."""
    followup_round, access = get_round_for_user(request.user, round_id)
    if not access.followup.can_manage:
        raise PermissionDenied(
            "Only the plan's coordinators close a follow-up round or open it again."
        )
    action = posted_choice(request, "action", ("close", "reopen"))
    try:
        if action == "close":
            round_services.round_close(
                followup_round=followup_round, user=request.user, access=access.followup
            )
            messages.success(request, _("The round is closed."))
        else:
            round_services.round_reopen(
                followup_round=followup_round, user=request.user, access=access.followup
            )
            messages.success(request, _("The round is open again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(followup_round)
