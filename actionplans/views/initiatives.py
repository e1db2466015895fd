"""The intake of initiatives: submit, follow the timeline, prepare and decide.

The initiative's page shows the forms of the steps its reader may take now; each form posts
to the view of its step. A step that fails comes back as the page with that form's errors.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplans.access import InitiativeAccess, can_submit, get_initiative_for_user
from actionplans.initiative_forms import (
    AgendaForm,
    AssignForm,
    CommentForm,
    DecideForm,
    InitiativeForm,
    ScoreForm,
)
from actionplans.models import Initiative, InitiativeEvent
from actionplans.selectors import initiatives as initiative_selectors
from actionplans.services import initiatives as initiative_services
from actionplans.tasks import send_initiative_notice
from portal.dates import today
from portal.forms import add_service_errors
from portal.http import SignedInRequest
from portal.tasks import enqueue


@login_required
@require_GET
def initiative_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "actionplans/initiative_list.html",
        {
            "initiatives": initiative_selectors.initiatives_for(request.user),
            "can_submit": can_submit(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: SignedInRequest) -> HttpResponse:
    if not can_submit(request.user):
        raise PermissionDenied("Only members of a collaborating organisation submit initiatives.")
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = initiative_services.initiative_submit(
                user=request.user,
                strategy=data["strategy"],
                title=data["title"],
                problem=data["problem"],
                expected_benefit=data["expected_benefit"],
                focus_areas=list(data["focus_areas"]),
                proposed_kind=data["proposed_kind"],
                rough_cost=data["rough_cost"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _notify(event)
            messages.success(
                request, _("The initiative is submitted. You will be told of every step by mail.")
            )
            return redirect(event.initiative)
    return render(request, "actionplans/initiative_form.html", {"form": form})


# --- The initiative's page and the forms of its steps --------------------------------------


def _assign_form(initiative: Initiative, data=None) -> AssignForm:
    return AssignForm(
        data,
        preparers=initiative_selectors.preparers(initiative.strategy),
        initial={"preparer": initiative.preparer_id},
    )


def _score_form(initiative: Initiative, data=None) -> ScoreForm:
    fields = (*Initiative.CRITERIA, "analysis")
    return ScoreForm(data, initial={name: getattr(initiative, name) for name in fields})


def _agenda_form(initiative: Initiative, data=None) -> AgendaForm:
    return AgendaForm(
        data, meetings=initiative_selectors.coming_steering_meetings(initiative.strategy)
    )


def _decide_form(initiative: Initiative, data=None) -> DecideForm:
    meetings = initiative_selectors.steering_meetings(initiative.strategy)
    return DecideForm(
        data,
        initiative=initiative,
        meetings=meetings,
        initial={
            "year": today().year + 1,
            "meeting": initiative_selectors.decision_meeting_id(initiative, meetings),
        },
    )


def _comment_form(initiative: Initiative, data=None) -> CommentForm:
    return CommentForm(data)


STEP_FORMS = {
    "assign": _assign_form,
    "score": _score_form,
    "agenda": _agenda_form,
    "decide": _decide_form,
    "comment": _comment_form,
}


def _page(
    request: SignedInRequest,
    initiative: Initiative,
    access: InitiativeAccess,
    posted: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """The initiative's page; ``posted`` is the form of a step that failed, by its name."""
    posted = posted or {}
    step_forms = {
        name: posted[name] if name in posted else build(initiative)
        for name, build in STEP_FORMS.items()
    }
    context = {
        "initiative": initiative,
        "access": access,
        "events": initiative.events.select_related("actor"),
        "focus_areas": list(initiative.focus_areas.order_by("order")),
        "forms": step_forms,
    }
    return render(request, "actionplans/initiative_detail.html", context)


def _notify(event: InitiativeEvent) -> None:
    enqueue(send_initiative_notice, event.pk)


def _done(request: SignedInRequest, event: InitiativeEvent) -> HttpResponse:
    _notify(event)
    messages.success(request, _("Saved. The submitter is told by mail."))
    return redirect(event.initiative)


@login_required
@require_GET
def initiative_detail(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    return _page(request, initiative, access)


@login_required
@require_POST
def initiative_assign(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    if not access.may_prepare:
        raise PermissionDenied(
            "Only the strategy group, the council and the coordinators assign a preparer."
        )
    form = _assign_form(initiative, request.POST)
    if form.is_valid():
        try:
            event = initiative_services.initiative_assign(
                initiative=initiative,
                user=request.user,
                access=access,
                preparer=form.cleaned_data["preparer"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, event)
    return _page(request, initiative, access, {"assign": form})


@login_required
@require_POST
def initiative_score(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    if not access.may_score:
        raise PermissionDenied("Only the initiative's preparer scores it.")
    form = _score_form(initiative, request.POST)
    if form.is_valid():
        try:
            event = initiative_services.initiative_score(
                initiative=initiative,
                user=request.user,
                access=access,
                scores={name: form.cleaned_data[name] for name in Initiative.CRITERIA},
                analysis=form.cleaned_data["analysis"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, event)
    return _page(request, initiative, access, {"score": form})


@login_required
@require_POST
def initiative_to_agenda(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    if not access.may_put_on_agenda:
        raise PermissionDenied(
            "Only those who prepare or decide initiatives put them on an agenda."
        )
    form = _agenda_form(initiative, request.POST)
    if form.is_valid():
        try:
            event = initiative_services.initiative_to_agenda(
                initiative=initiative,
                user=request.user,
                access=access,
                meeting=form.cleaned_data["meeting"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, event)
    return _page(request, initiative, access, {"agenda": form})


@login_required
@require_POST
def initiative_decide(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    if not access.may_decide:
        raise PermissionDenied("Only the steering group decides initiatives.")
    form = _decide_form(initiative, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = initiative_services.initiative_decide(
                initiative=initiative,
                user=request.user,
                access=access,
                outcome=data["outcome"],
                reason=data["reason"],
                meeting=data["meeting"],
                year=data["year"],
                collaboration_area=data["collaboration_area"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, event)
    return _page(request, initiative, access, {"decide": form})


@login_required
@require_POST
def initiative_comment(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    if not access.can_comment:
        raise PermissionDenied(
            "Only the submitter and those who prepare or decide comment on an initiative."
        )
    form = _comment_form(initiative, request.POST)
    if form.is_valid():
        try:
            event = initiative_services.initiative_comment(
                initiative=initiative,
                user=request.user,
                access=access,
                text=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, event)
    return _page(request, initiative, access, {"comment": form})
