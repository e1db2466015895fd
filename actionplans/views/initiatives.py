"""The intake of initiatives: submit, follow the timeline, prepare and decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actionplans import selectors
from actionplans.access import can_submit, get_initiative_for_user
from actionplans.initiative_forms import (
    AgendaForm,
    AssignForm,
    CommentForm,
    DecideForm,
    InitiativeForm,
    ScoreForm,
)
from actionplans.models import Initiative
from actionplans.services import initiatives as initiative_services
from portal.forms import add_service_errors
from portal.http import SignedInRequest


@login_required
@require_GET
def initiative_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "actionplans/initiative_list.html",
        {
            "initiatives": selectors.initiatives_for(request.user),
            "can_submit": can_submit(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: SignedInRequest) -> HttpResponse:
    if not can_submit(request.user):
        raise PermissionDenied
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = initiative_services.initiative_submit(
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
            messages.success(
                request, _("The initiative is submitted. You will be told of every step by mail.")
            )
            return redirect(initiative)
    return render(request, "actionplans/initiative_form.html", {"form": form})


ACTIONS = ("assign", "score", "agenda", "decide", "comment")


@login_required
@require_http_methods(["GET", "POST"])
def initiative_detail(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    initiative, access = get_initiative_for_user(request.user, initiative_id)
    action = next((name for name in ACTIONS if name in request.POST), None)
    if request.method == "POST":
        allowed = {
            "assign": access.may_prepare,
            "score": access.may_score,
            "agenda": access.may_put_on_agenda,
            "decide": access.may_decide,
            "comment": access.can_comment,
            None: False,
        }[action]
        if not allowed:
            raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    preparers = selectors.preparers(initiative.strategy)
    meetings = selectors.steering_meetings(initiative.strategy)
    forms = {
        "assign": AssignForm(
            data if action == "assign" else None,
            preparers=preparers,
            initial={"preparer": initiative.preparer_id},
        ),
        "score": ScoreForm(
            data if action == "score" else None,
            initial={n: getattr(initiative, n) for n in (*Initiative.CRITERIA, "analysis")},
        ),
        "agenda": AgendaForm(
            data if action == "agenda" else None,
            meetings=selectors.coming_steering_meetings(initiative.strategy),
        ),
        "decide": DecideForm(
            data if action == "decide" else None,
            initiative=initiative,
            meetings=meetings,
            initial={
                "year": timezone.localdate().year + 1,
                "meeting": selectors.decision_meeting_id(initiative, meetings),
            },
        ),
        "comment": CommentForm(data if action == "comment" else None),
    }
    if action and forms[action].is_valid():
        cleaned = forms[action].cleaned_data
        try:
            if action == "assign":
                initiative_services.initiative_assign(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    preparer=cleaned["preparer"],
                )
            elif action == "score":
                initiative_services.initiative_score(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    scores={n: cleaned[n] for n in Initiative.CRITERIA},
                    analysis=cleaned["analysis"],
                )
            elif action == "agenda":
                initiative_services.initiative_to_agenda(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    meeting=cleaned["meeting"],
                )
            elif action == "decide":
                initiative_services.initiative_decide(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    outcome=cleaned["outcome"],
                    reason=cleaned["reason"],
                    meeting=cleaned["meeting"],
                    year=cleaned["year"],
                    collaboration_area=cleaned["collaboration_area"],
                )
            else:
                initiative_services.initiative_comment(
                    initiative=initiative, user=request.user, access=access, text=cleaned["comment"]
                )
        except ValidationError as error:
            add_service_errors(forms[action], error)
        else:
            messages.success(request, _("Saved. The submitter is told by mail."))
            return redirect(initiative)
    return render(
        request,
        "actionplans/initiative_detail.html",
        {
            "initiative": initiative,
            "access": access,
            "events": initiative.events.select_related("actor"),
            "focus_areas": list(initiative.focus_areas.order_by("order")),
            "forms": forms,
        },
    )
