from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actionplans.offers import open_offers_for
from actionplans.selectors import public_plans
from portal.health import check_broker, check_database
from portal.selectors import memberships_for_user
from strategy.selectors import public_strategies


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    context = {
        "strategies": list(public_strategies()),
        "plans": list(public_plans()[:6]),
    }
    return render(request, "portal/start.html", context)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "organisation": user.organisation,
        "memberships": list(memberships_for_user(user=user)),
        "open_offers": open_offers_for(user),
    }
    return render(request, "portal/home.html", context)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "organisation": settings.ACCESSIBILITY_ORGANISATION,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "portal/accessibility.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
