"""Next year's plan in the strategy that follows the plan's: the continuing activities carried
over, their links mapped to the new tree as the coordinator confirms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actionplans.access import CarryOverAccess, get_plan_for_user
from actionplans.forms import CarryOverForm
from actionplans.selectors.carry_over import carry_over_mapping, next_strategy
from actionplans.services import carry_over as carry_over_services
from portal.http import SignedInRequest
from strategy.access import strategy_access


@login_required
@require_http_methods(["GET", "POST"])
def plan_carry_over(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, plan_access = get_plan_for_user(request.user, plan_id)
    strategy = next_strategy(plan)
    if strategy is None:
        raise Http404
    access = CarryOverAccess(plan_access, strategy_access(request.user, strategy))
    if not access.can_carry_over:
        raise PermissionDenied("Only the coordinators of both strategies carry a plan over.")
    rows = carry_over_mapping(plan.strategy, strategy)
    form = CarryOverForm(request.POST or None, plan=plan, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            result = carry_over_services.plan_carry_over(
                plan=plan, strategy=strategy, user=request.user, access=access,
                activity_ids=[a.pk for a in form.cleaned_data["activities"]],
                title=form.cleaned_data["title"], mapping=form.mapping(),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The plan for %(year)s is open as a draft under %(strategy)s.")
                % {"year": result.plan.year, "strategy": strategy.title},
            )
            for sentence in result.dropped:
                messages.warning(request, sentence)
            return redirect("actionplans:workspace", result.plan.pk)
    context = {"plan": plan, "strategy": strategy, "form": form}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "actionplans/plan_carry_over.html", context, status=status)
