"""The steering group's decision of a strategy, taken at one of its meetings (the strategy
is on the agenda: strategy.agenda)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.forms import add_service_errors
from portal.http import SignedInRequest
from strategy import selectors
from strategy.access import get_strategy_for_workflow
from strategy.forms import DecisionForm
from strategy.services import strategies


@login_required
@require_http_methods(["GET", "POST"])
def strategy_decide(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy, access = get_strategy_for_workflow(request.user, slug)
    if not access.is_steering_group:
        raise PermissionDenied("Only the strategy's steering group decides it.")
    if request.method == "POST" and not access.can_decide:
        messages.error(request, _("The strategy does not await a decision now."))
        return redirect("strategy:detail", strategy.slug)
    meetings = selectors.decision_meetings(strategy)
    form = DecisionForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            strategies.strategy_transition(
                strategy=strategy, name="decide", user=request.user, access=access,
                meeting=form.cleaned_data["meeting"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The strategy is decided and in the register."))
            return redirect("strategy:detail", strategy.slug)
    context = {"strategy": strategy, "access": access, "form": form, "meetings": meetings}
    status = 400 if form.errors else 200
    return render(request, "strategy/strategy_decide.html", context, status=status)
