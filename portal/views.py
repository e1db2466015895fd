from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actionplans.offers import open_offers_for
from actionplans.selectors import public_plans
from followup.access import reports_to_fill, reviewed_strategies
from followup.selectors import reports_awaiting_review
from portal import selectors
from portal.health import check_broker, check_database
from portal.ical import body_calendar as body_calendar_text
from portal.models import Body
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
        "reports_to_fill": reports_to_fill(user),
        "reports_to_review": reports_awaiting_review(reviewed_strategies(user)),
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


@require_GET
def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body, slug=slug)
    member = selectors.is_member(request.user, body)
    now = timezone.now()
    meetings = selectors.body_meetings(body)
    context = {
        "body": body,
        "member": member,
        "members": selectors.body_members(body),
        "upcoming": [m for m in reversed(meetings) if m.ends_at >= now],
        "past": [m for m in meetings if m.ends_at < now],
        "decisions": selectors.decisions(body=body, member_of=[body] if member else [])[:20],
    }
    return render(request, "portal/body_detail.html", context)


@require_GET
def body_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The body's meetings as an iCalendar feed: times and places are public, so calendar
    apps can subscribe without signing in."""
    body = get_object_or_404(Body, slug=slug)
    meetings = body.meetings.filter(starts_at__gte=timezone.now() - timedelta(days=365))
    page = request.build_absolute_uri(reverse("body_detail", args=[body.slug]))
    text = body_calendar_text(body, meetings, host=request.get_host(), url=page)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return response


@require_GET
def decision_register(request: HttpRequest) -> HttpResponse:
    bodies = list(Body.objects.order_by("name"))
    body = next((b for b in bodies if b.slug == request.GET.get("organ")), None)
    year = request.GET.get("ar", "")
    year_number = int(year) if year.isdigit() and len(year) == 4 else None
    context = {
        "bodies": bodies,
        "body": body,
        "year": year_number,
        "decisions": selectors.decisions(
            body=body, year=year_number, member_of=selectors.member_bodies(request.user)
        ),
    }
    return render(request, "portal/decision_register.html", context)
