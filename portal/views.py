from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actionplans.offers import open_offers_for
from actionplans.selectors import public_plans
from followup.selectors import reports_awaiting_review, reports_to_fill, reviewed_strategies
from portal import selectors, services
from portal.access import (
    bodies_kept_by,
    can_manage_meetings,
    get_body_for_manager,
    get_meeting_for_manager,
)
from portal.agenda import AgendaSubject, agenda_subjects
from portal.forms import (
    AgendaItemForm,
    MeetingDecisionForm,
    MeetingEditForm,
    MeetingForm,
    add_service_errors,
)
from portal.health import check_broker, check_database
from portal.http import PortalRequest, SignedInRequest
from portal.ical import body_calendar as body_calendar_text
from portal.models import AgendaItem, Body, Meeting
from portal.selectors import memberships_for_user
from strategy.selectors import public_strategies


@require_GET
def start(request: PortalRequest) -> HttpResponse:
    context = {
        "strategies": list(public_strategies()),
        "plans": list(public_plans()[:6]),
    }
    return render(request, "portal/start.html", context)


@require_GET
@login_required
def home(request: SignedInRequest) -> HttpResponse:
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
def accessibility(request: PortalRequest) -> HttpResponse:
    context = {
        "organisation": settings.ACCESSIBILITY_ORGANISATION,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "portal/accessibility.html", context)


@require_GET
@never_cache
def healthz(request: PortalRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def favicon(request: PortalRequest) -> HttpResponse:
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def body_detail(request: PortalRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body, slug=slug)
    can_manage = can_manage_meetings(request.user, body)
    # Those who keep the meetings read what the members read.
    member = can_manage or selectors.is_member(request.user, body)
    now = timezone.now()
    meetings = selectors.body_meetings(body)
    context = {
        "body": body,
        "member": member,
        "members": selectors.body_members(body),
        "upcoming": [m for m in reversed(meetings) if m.ends_at >= now],
        "past": [m for m in meetings if m.ends_at < now],
        "decisions": selectors.decisions(body=body, member_of=[body] if member else [])[:20],
        "can_manage": can_manage,
    }
    return render(request, "portal/body_detail.html", context)


# --- A body's meetings: public to read; kept by its chair or secretary --------------------


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    agenda_form: AgendaItemForm | None = None,
    decision_form: MeetingDecisionForm | None = None,
    template: str = "portal/meeting_detail.html",
    oob: bool = False,
) -> HttpResponse:
    body = meeting.body
    manager = can_manage_meetings(request.user, body)
    insider = manager or selectors.is_member(request.user, body)
    items = list(meeting.items.order_by("order", "pk"))
    context = {
        "body": body,
        "meeting": meeting,
        "items": items,
        "insider": insider,
        "can_manage": manager,
        "decisions": [d for d in meeting.decisions.order_by("pk") if d.is_public or insider],
        "show_minutes": bool(meeting.minutes) and (meeting.minutes_published or insider),
        "oob": oob,
    }
    if manager:
        context["agenda_form"] = agenda_form or AgendaItemForm(subjects=agenda_subjects(body))
        context["decision_form"] = decision_form or MeetingDecisionForm(items=items)
    return render(request, template, context)


@require_GET
def meeting_detail(request: PortalRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("body"), pk=meeting_id, body__slug=slug
    )
    return _meeting_page(request, meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: SignedInRequest, slug: str) -> HttpResponse:
    body = get_body_for_manager(request.user, slug)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(body=body, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is added. Now set its agenda."))
            return redirect("meeting_detail", body.slug, meeting.pk)
    return render(request, "portal/meeting_form.html", {"body": body, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request.user, slug, meeting_id)
    conflict = None
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.meeting_delete(meeting=meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("meeting_edit", slug, meeting.pk)
        messages.success(request, _("The meeting is removed."))
        return redirect("body_detail", slug)
    if request.method == "POST":
        form = MeetingEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_update(
                    meeting=meeting,
                    user=request.user,
                    expected_version=data.pop("version"),
                    **data,
                )
            except services.MeetingConflict as error:
                # Keep what was typed; show what is stored; the next save overwrites it.
                conflict = error.stored
                form = MeetingEditForm(
                    data={**request.POST.dict(), "version": conflict.version},
                )
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is saved."))
                return redirect("meeting_detail", slug, meeting.pk)
    else:
        form = MeetingEditForm(
            initial={
                "version": meeting.version,
                "title": meeting.title,
                "starts_at": timezone.localtime(meeting.starts_at),
                "ends_at": timezone.localtime(meeting.ends_at),
                "location": meeting.location,
                "minutes": meeting.minutes,
                "minutes_published": meeting.minutes_published,
            }
        )
    context = {"body": meeting.body, "meeting": meeting, "form": form, "conflict": conflict}
    return render(request, "portal/meeting_form.html", context, status=409 if conflict else 200)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def meeting_agenda(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Add, move or remove an agenda item; htmx gets the agenda back, others the page."""
    meeting = get_meeting_for_manager(request.user, slug, meeting_id)
    form = None
    if "item" in request.POST:
        item = get_object_or_404(AgendaItem, pk=request.POST["item"], meeting=meeting)
        if request.POST.get("direction") in ("up", "down"):
            services.agenda_item_move(
                item=item, user=request.user, direction=request.POST["direction"]
            )
        elif "remove" in request.POST:
            services.agenda_item_remove(item=item, user=request.user)
    else:
        subjects = agenda_subjects(meeting.body)
        form = AgendaItemForm(request.POST, subjects=subjects)
        if form.is_valid():
            subject = form.cleaned_data["subject"]
            title = form.cleaned_data["title"]
            if not title:  # the form asks for a title or a subject
                title = _stored_title(meeting, subject)
            services.agenda_item_add(
                meeting=meeting,
                user=request.user,
                title=title,
                subject=subject.object if subject else None,
                subject_url=subject.url if subject else "",
            )
            # The next item's form, offering the same subjects (no second read of them).
            form = AgendaItemForm(subjects=subjects)
    added_or_moved = form is None or not form.is_bound
    # An invalid form comes back with its errors as 200: htmx swaps no 4xx response.
    if request.htmx:
        # The agenda, and out of band the decision form's list of items.
        return _meeting_page(
            request,
            meeting,
            agenda_form=form,
            template="portal/meeting_detail.html#agenda",
            oob=True,
        )
    if added_or_moved:
        return redirect(f"{reverse('meeting_detail', args=[slug, meeting.pk])}#agenda-heading")
    return _meeting_page(request, meeting, agenda_form=form)


def _stored_title(meeting: Meeting, subject: AgendaSubject) -> str:
    """The item's title for what it concerns, in the portal's language: the agenda is a
    public document, whatever the language of the one who sets it."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return str(subject)
    with translation.override(settings.LANGUAGE_CODE):
        return next(
            str(other) for other in agenda_subjects(meeting.body) if other.key == subject.key
        )


@login_required
@require_POST
def meeting_decision(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request.user, slug, meeting_id)
    items = list(meeting.items.order_by("order", "pk"))
    form = MeetingDecisionForm(request.POST, items=items)
    if form.is_valid():
        try:
            services.meeting_decision_record(
                meeting=meeting, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is in the register."))
            page = reverse("meeting_detail", args=[slug, meeting.pk])
            return redirect(f"{page}#decisions-heading")
    return _meeting_page(request, meeting, decision_form=form)


@require_GET
def body_calendar(request: PortalRequest, slug: str) -> HttpResponse:
    """The body's meetings as an iCalendar feed: times and places are public, so calendar
    apps can subscribe without signing in."""
    body = get_object_or_404(Body, slug=slug)
    meetings = body.meetings.filter(
        starts_at__gte=timezone.now() - timedelta(days=365)
    ).prefetch_related("items")
    text = body_calendar_text(
        body,
        meetings,
        host=request.get_host(),
        url=lambda meeting: request.build_absolute_uri(
            reverse("meeting_detail", args=[body.slug, meeting.pk])
        ),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return response


@require_GET
def decision_register(request: PortalRequest) -> HttpResponse:
    bodies = list(Body.objects.order_by("name"))
    body = next((b for b in bodies if b.slug == request.GET.get("organ")), None)
    year = request.GET.get("ar", "")
    year_number = int(year) if year.isdigit() and len(year) == 4 else None
    context = {
        "bodies": bodies,
        "body": body,
        "year": year_number,
        "decisions": selectors.decisions(
            body=body,
            year=year_number,
            member_of={*selectors.member_bodies(request.user), *bodies_kept_by(request.user)},
        ),
    }
    return render(request, "portal/decision_register.html", context)
