"""The public pages of the strategy tree, and the coordinators' pages of its indicators;
the editor and the workflow's steps are in ``editor`` and ``workflow``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.forms import add_service_errors
from portal.http import PortalRequest, SignedInRequest
from portal.page_cache import public_page
from strategy import selectors, services
from strategy.access import get_indicator_for_user, get_strategy_for_indicators, strategy_access
from strategy.forms import IndicatorForm, TargetsForm
from strategy.workflow import available_transitions


@require_GET
@public_page(selectors.public_pages_version)
def strategy_list(request: PortalRequest) -> HttpResponse:
    return render(
        request, "strategy/strategy_list.html", {"strategies": list(selectors.public_strategies())}
    )


@require_GET
@public_page(selectors.public_pages_version)
def strategy_detail(request: PortalRequest, slug: str) -> HttpResponse:
    """Public in a public state (on consultation marked as a draft, ended marked as ended);
    its coordinators and steering group see it in every state, with the workflow's steps."""
    strategy = selectors.strategy_tree(
        slug=slug, strategies=selectors.readable_strategies(request.user)
    )
    access = strategy_access(request.user, strategy)
    context = {
        "strategy": strategy,
        "access": access,
        "transitions": available_transitions(strategy, access),
    }
    return render(request, "strategy/strategy_detail.html", context)


@require_GET
@public_page(selectors.public_pages_version)
def focus_area_detail(request: PortalRequest, strategy_slug: str, slug: str) -> HttpResponse:
    focus_area = selectors.focus_area_page(strategy_slug=strategy_slug, slug=slug)
    return render(request, "strategy/focus_area_detail.html", {"focus_area": focus_area})


@require_GET
@public_page(selectors.public_pages_version)
def collaboration_areas(request: PortalRequest, slug: str) -> HttpResponse:
    strategy, areas = selectors.collaboration_areas_page(strategy_slug=slug)
    return render(
        request, "strategy/collaboration_areas.html", {"strategy": strategy, "areas": list(areas)}
    )


# --- Indicators (the strategy's coordinators) ------------------------------------------------


@login_required
@require_GET
def indicator_list(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy, access = get_strategy_for_indicators(request.user, slug)
    context = {
        "strategy": strategy,
        "indicators": selectors.strategy_indicators(strategy),
        "access": access,
    }
    return render(request, "strategy/indicator_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy, access = get_strategy_for_indicators(request.user, slug)
    form = IndicatorForm(request.POST or None, choices=selectors.indicator_choices(strategy))
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                strategy=strategy, data=form.to_input(), user=request.user, access=access
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator is created. Set its yearly targets."))
            return redirect("strategy:indicator_targets", strategy.slug, indicator.pk)
    context = {"strategy": strategy, "form": form}
    return render(request, "strategy/indicator_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: SignedInRequest, slug: str, indicator_id: int) -> HttpResponse:
    indicator, access = get_indicator_for_user(request.user, slug, indicator_id)
    form = IndicatorForm(
        request.POST or None,
        initial=IndicatorForm.initial_for(indicator),
        choices=selectors.indicator_choices(indicator.strategy),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                indicator=indicator, data=form.to_input(), user=request.user, access=access
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect("strategy:indicator_edit", slug, indicator.pk)
    context = {"strategy": indicator.strategy, "indicator": indicator, "form": form}
    return render(request, "strategy/indicator_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_targets(request: SignedInRequest, slug: str, indicator_id: int) -> HttpResponse:
    indicator, access = get_indicator_for_user(request.user, slug, indicator_id)
    form = TargetsForm(
        request.POST or None,
        years=selectors.target_years(indicator.strategy, indicator),
        targets={target.year: target.value for target in indicator.targets.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_targets_set(
                indicator=indicator, targets=form.targets(), user=request.user, access=access
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The yearly targets are saved."))
            return redirect("strategy:indicator_targets", slug, indicator.pk)
    context = {"strategy": indicator.strategy, "indicator": indicator, "form": form}
    return render(request, "strategy/indicator_targets.html", context)
