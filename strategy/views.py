from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.http import PortalRequest
from strategy import selectors


@require_GET
def strategy_list(request: PortalRequest) -> HttpResponse:
    return render(
        request, "strategy/strategy_list.html", {"strategies": list(selectors.public_strategies())}
    )


@require_GET
def strategy_detail(request: PortalRequest, slug: str) -> HttpResponse:
    strategy = selectors.strategy_tree(slug=slug)
    return render(request, "strategy/strategy_detail.html", {"strategy": strategy})


@require_GET
def focus_area_detail(request: PortalRequest, strategy_slug: str, slug: str) -> HttpResponse:
    focus_area = selectors.focus_area_page(strategy_slug=strategy_slug, slug=slug)
    return render(request, "strategy/focus_area_detail.html", {"focus_area": focus_area})


@require_GET
def collaboration_areas(request: PortalRequest, slug: str) -> HttpResponse:
    strategy, areas = selectors.collaboration_areas_page(strategy_slug=slug)
    return render(
        request, "strategy/collaboration_areas.html", {"strategy": strategy, "areas": list(areas)}
    )
