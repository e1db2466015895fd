import sys
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django.views.defaults import server_error as django_server_error

from portal import panels, selectors, services
from portal.access import (
    BodyAccess,
    body_access,
    get_agenda_item_for_manager,
    get_api_token_for_owner,
    get_body_for_manager,
    get_meeting_for_manager,
)
from portal.agenda import AgendaSubject, agenda_subjects
from portal.forms import (
    AgendaItemForm,
    ApiTokenForm,
    MeetingDecisionForm,
    MeetingEditForm,
    MeetingForm,
    MembershipAddForm,
    add_service_errors,
)
from portal.health import check_broker, check_database
from portal.http import PortalRequest, SignedInRequest
from portal.ical import body_calendar as body_calendar_text
from portal.models import Body, Decision, Meeting, User
from portal.page_cache import (
    content_key,
    everything_version,
    history_version,
    kept_fragment,
    public_page,
)
from portal.params import BadParameter, query_slug, query_year
from portal.selectors import memberships_for_user


def _start_version() -> str:
    return history_version(panels.start_models())


@require_GET
@public_page(_start_version)
def start(request: PortalRequest) -> HttpResponse:
    # The apps above portal fill the page (portal.panels): strategies, published plans.
    return render(request, "portal/start.html", {"panels": panels.start_panels(request.user)})


@require_GET
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"content_html": _home_html(request)})


def _home_html(request: SignedInRequest) -> str:
    """What needs the person now, from every app's panels: about twenty queries. Kept per
    person, language and hour (a deadline or a meeting passes without a write) until
    anything is written anywhere."""
    user = request.user
    hour = timezone.localtime().strftime("%Y-%m-%dT%H")
    key = content_key("home", user.pk, get_language(), hour, everything_version())

    def render_content() -> str:
        context = {
            "organisation": user.organisation,
            "memberships": list(memberships_for_user(user=user)),
            "panels": panels.home_panels(user),
            "organisation_links": panels.links("organisation", user),
            "go_to_links": panels.links("go_to", user),
        }
        return render_to_string("portal/home.html#content", context, request=request)

    return kept_fragment(key, request, render_content)


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


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400). Only a BadParameter's message is written for the reader;
    Django's own 400s (a disallowed host, say) say nothing of what they refused."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


#: What the database raises when it cannot be reached just now: restarting, failing over,
#: out of connections, a lock waited for too long.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
#: Seconds after which a reader may try again: a PostgreSQL restart takes two or three.
RETRY_AFTER = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (handler500). A database that cannot be reached just now is a 503 that
    says so and when to try again, for the page and the API alike. Django has logged the
    error with its traceback either way. Rendered without the request's context, whose
    menus would ask the database."""
    if not isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return django_server_error(request)
    if request.path.startswith("/api/"):
        message = _("The service is briefly unavailable. Try again in a few seconds.")
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


@require_GET
def favicon(request: PortalRequest) -> HttpResponse:
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def body_detail(request: PortalRequest, slug: str) -> HttpResponse:
    return body_page(
        request, get_object_or_404(Body.objects.select_related("organisation"), slug=slug)
    )


def body_page(request: HttpRequest, body: Body, *, search: dict | None = None) -> HttpResponse:
    """The body's page; for those who manage its members also the search for someone to
    add (``search``: what portal.views.members found) and the former members."""
    access = body_access(request.user, body)
    now = timezone.now()
    meetings = selectors.body_meetings(body)
    context = {
        "body": body,
        "access": access,
        "members": selectors.body_members(body),
        "upcoming": [m for m in reversed(meetings) if m.ends_at >= now],
        "past": [_readable(m, access) for m in meetings if m.ends_at < now],
        "decisions": selectors.decisions(body=body, member_of=[body] if access.is_insider else [])[
            :20
        ],
    }
    if access.can_manage_members:
        context["former_members"] = selectors.body_former_members(body)
        context.update(search or {"add_form": MembershipAddForm(people=User.objects.none())})
    return render(request, "portal/body_detail.html", context)


@dataclass(frozen=True)
class PastMeeting:
    """A past meeting with what of it the reader may read, for the template to show as it is."""

    meeting: Meeting
    decisions: list[Decision]
    minutes: str


def _readable(meeting: Meeting, access: BodyAccess) -> PastMeeting:
    decisions = [d for d in meeting.decisions.all() if access.can_read_decision(d)]
    minutes = meeting.minutes if access.can_read_minutes(meeting) else ""
    return PastMeeting(meeting, decisions, minutes)


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
    access = body_access(request.user, body)
    items = list(meeting.items.order_by("order", "pk"))
    context = {
        "body": body,
        "meeting": meeting,
        "items": items,
        "access": access,
        "decisions": [d for d in meeting.decisions.order_by("pk") if access.can_read_decision(d)],
        "show_minutes": bool(meeting.minutes) and access.can_read_minutes(meeting),
        "oob": oob,
    }
    if access.can_manage:
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


def _meeting_initial(meeting: Meeting) -> dict:
    return {
        "version": meeting.version,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "location": meeting.location,
        "minutes": meeting.minutes,
        "minutes_published": meeting.minutes_published,
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request.user, slug, meeting_id)
    conflict = None
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
                conflict = error
                form = MeetingEditForm(
                    data={**request.POST.dict(), "version": error.stored.version}
                )
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is saved."))
                return redirect("meeting_detail", slug, meeting.pk)
    else:
        form = MeetingEditForm(initial=_meeting_initial(meeting))
    context = {"body": meeting.body, "meeting": meeting, "form": form, "conflict": conflict}
    return render(request, "portal/meeting_form.html", context, status=409 if conflict else 200)


@login_required
@require_POST
def meeting_delete(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request.user, slug, meeting_id)
    try:
        services.meeting_delete(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meeting_edit", slug, meeting.pk)
    messages.success(request, _("The meeting is removed."))
    return redirect("body_detail", slug)


def _agenda_response(
    request: SignedInRequest, meeting: Meeting, form: AgendaItemForm | None = None
) -> HttpResponse:
    """After a change to the agenda: htmx gets the agenda back, others the page."""
    if request.htmx:
        # The agenda, and out of band the decision form's list of items. An invalid form
        # comes back with its errors as 200: htmx swaps no 4xx response.
        return _meeting_page(
            request,
            meeting,
            agenda_form=form,
            template="portal/meeting_detail.html#agenda",
            oob=True,
        )
    if form is None or not form.is_bound:
        page = reverse("meeting_detail", args=[meeting.body.slug, meeting.pk])
        return redirect(f"{page}#agenda-heading")
    return _meeting_page(request, meeting, agenda_form=form)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def meeting_agenda(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Add an item to the agenda."""
    meeting = get_meeting_for_manager(request.user, slug, meeting_id)
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
    return _agenda_response(request, meeting, form)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def meeting_agenda_item_move(
    request: SignedInRequest, slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    """Move an item one place up or down."""
    meeting, item = get_agenda_item_for_manager(request.user, slug, meeting_id, item_id)
    try:
        services.agenda_item_move(
            item=item, user=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _agenda_response(request, meeting)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def meeting_agenda_item_remove(
    request: SignedInRequest, slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    meeting, item = get_agenda_item_for_manager(request.user, slug, meeting_id, item_id)
    services.agenda_item_remove(item=item, user=request.user)
    return _agenda_response(request, meeting)


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
    # Filters: a body or a year that is not one shows the register without that filter.
    body = next((b for b in bodies if b.slug == query_slug(request, "organ")), None)
    year_number = query_year(request, "ar")
    context = {
        "bodies": bodies,
        "body": body,
        "year": year_number,
        "decisions": selectors.decisions(
            body=body,
            year=year_number,
            member_of={
                *selectors.member_bodies(request.user),
                *selectors.bodies_kept_by(request.user),
            },
        ),
    }
    return render(request, "portal/decision_register.html", context)


# --- API keys ---------------------------------------------------------------------------------


def _api_tokens_page(
    request: SignedInRequest, form: ApiTokenForm, new_key: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "tokens": selectors.api_tokens(user=request.user),
        "new_key": new_key,
    }
    return render(request, "portal/api_tokens.html", context, status=400 if form.errors else 200)


@never_cache
@require_GET
@login_required
def api_tokens(request: SignedInRequest) -> HttpResponse:
    return _api_tokens_page(request, ApiTokenForm())


@never_cache
@require_POST
@login_required
def api_token_create(request: SignedInRequest) -> HttpResponse:
    """The new key is shown in this response only, never stored or redirected with."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _api_tokens_page(request, form)
    try:
        _token, key = services.api_token_create(user=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return _api_tokens_page(request, form)
    return _api_tokens_page(request, ApiTokenForm(), new_key=key)


@require_POST
@login_required
def api_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = get_api_token_for_owner(request.user, token_id)
    if services.api_token_revoke(user=request.user, token=token):
        messages.success(request, _("The key “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")
