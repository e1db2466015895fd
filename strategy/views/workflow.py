"""A strategy's life: a new one started from another, a decided one revised, and the steps
of its workflow (strategy.workflow)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import add_service_errors
from portal.http import SignedInRequest
from strategy import selectors
from strategy.access import get_strategy_for_editor, get_strategy_for_workflow, strategy_access
from strategy.forms import NewStrategyForm
from strategy.services import strategies
from strategy.workflow import TRANSITIONS


@login_required
@require_http_methods(["GET", "POST"])
def strategy_new(request: SignedInRequest) -> HttpResponse:
    """Start a new strategy from one the user coordinates: a copy of its tree, or empty."""
    sources = selectors.strategy_sources(request.user)
    if not sources:
        raise PermissionDenied("Only a strategy's coordinators start a new one.")
    form = NewStrategyForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        source, copy_tree, new = form.to_input()
        start = strategies.strategy_copy if copy_tree else strategies.strategy_create
        try:
            strategy = start(
                source=source, new=new, user=request.user,
                access=strategy_access(request.user, source),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is created. Write it here."))
            return redirect("strategy:editor", strategy.slug)
    return render(request, "strategy/strategy_new.html", {"form": form})


@login_required
@require_POST
def strategy_revise(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy, access = get_strategy_for_editor(request.user, slug)
    try:
        revision = strategies.strategy_revise(strategy=strategy, user=request.user, access=access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:editor", strategy.slug)
    messages.success(request, _("The revision is a draft: change it here."))
    return redirect("strategy:editor", revision.slug)


@login_required
@require_POST
def strategy_transition(request: SignedInRequest, slug: str, name: str) -> HttpResponse:
    """A step of the workflow, from the strategy's page or its editor."""
    strategy, access = get_strategy_for_workflow(request.user, slug)
    if name not in TRANSITIONS:
        raise Http404
    try:
        strategy = strategies.strategy_transition(
            strategy=strategy, name=name, user=request.user, access=access
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The strategy is now “%(state)s”.") % {"state": strategy.get_state_display()},
        )
    if access.can_open_editor:
        return redirect("strategy:editor", strategy.slug)
    return redirect("strategy:detail", strategy.slug)
