"""An indicator's values: the table of them with the form that enters one by hand, and the
link to a Kolada KPI, after which the values are fetched (strategy.access decides who)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from followup import selectors
from followup.forms import IndicatorValueForm
from followup.services import indicators as indicator_services
from followup.tasks import kolada_fetch_indicator
from portal.forms import add_service_errors
from portal.http import SignedInRequest
from strategy import services as strategy_services
from strategy.access import get_indicator_for_user
from strategy.forms import KoladaLinkForm
from strategy.selectors import target_years


@login_required
@require_http_methods(["GET", "POST"])
def indicator_values(request: SignedInRequest, slug: str, indicator_id: int) -> HttpResponse:
    indicator, access = get_indicator_for_user(request.user, slug, indicator_id)
    organisations = selectors.value_organisations() if indicator.per_organisation else []
    form = IndicatorValueForm(
        request.POST or None, indicator=indicator, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator_services.indicator_value_set(
                indicator=indicator,
                year=data["year"],
                organisation=form.chosen_organisation(),
                value=data["value"],
                comment=data["comment"],
                user=request.user,
                access=access,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The value is saved."))
            return redirect("followup:indicator_values", slug, indicator.pk)
    context = {
        "strategy": indicator.strategy,
        "indicator": indicator,
        "values": selectors.indicator_values(
            indicator, years=target_years(indicator.strategy, indicator)
        ),
        "form": form,
        "kolada_form": KoladaLinkForm(initial={"kpi": indicator.kolada_kpi}),
        "access": access,
    }
    return render(request, "followup/indicator_values.html", context)


@login_required
@require_POST
def indicator_kolada(request: SignedInRequest, slug: str, indicator_id: int) -> HttpResponse:
    """Link the indicator to a Kolada KPI (or remove the link), and fetch its values."""
    indicator, access = get_indicator_for_user(request.user, slug, indicator_id)
    form = KoladaLinkForm(request.POST)
    if form.is_valid():
        try:
            changed = strategy_services.indicator_kolada_link(
                indicator=indicator, kpi=form.cleaned_data["kpi"], user=request.user, access=access
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if form.cleaned_data["kpi"]:
                # Saving the same KPI again fetches again (after a failed fetch, say).
                kolada_fetch_indicator.delay_on_commit(indicator.pk)  # type: ignore[attr-defined]
                messages.success(
                    request, _("The indicator is linked to Kolada; its values are being fetched.")
                )
            elif changed:
                messages.success(request, _("The link to Kolada is removed."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("followup:indicator_values", slug, indicator.pk)
