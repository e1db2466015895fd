"""The intake of initiatives: submit, follow the timeline, prepare and decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actionplans import initiatives
from actionplans.initiative_forms import (
    AgendaForm,
    AssignForm,
    CommentForm,
    DecideForm,
    InitiativeForm,
    ScoreForm,
)
from actionplans.models import Initiative
from portal.forms import add_service_errors
from portal.http import SignedInRequest


@login_required
@require_GET
def initiative_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "actionplans/initiative_list.html",
        {
            "initiatives": initiatives.initiatives_for(request.user),
            "can_submit": initiatives.can_submit(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: SignedInRequest) -> HttpResponse:
    if not initiatives.can_submit(request.user):
        raise PermissionDenied
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = initiatives.initiative_submit(
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
    initiative, access = initiatives.get_initiative_for_user(request.user, initiative_id)
    action = next((name for name in ACTIONS if name in request.POST), None)
    if request.method == "POST":
        allowed = {
            "assign": access.can_prepare,
            "score": access.can_score,
            "agenda": access.can_prepare or access.can_decide,
            "decide": access.can_decide,
            "comment": access.can_comment,
            None: False,
        }[action]
        if not allowed:
            raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    preparers = initiatives.preparers(initiative.strategy)
    meetings = initiatives.steering_meetings(initiative.strategy)
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
            meetings=initiatives.coming_steering_meetings(initiative.strategy),
        ),
        "decide": DecideForm(
            data if action == "decide" else None,
            initiative=initiative,
            meetings=meetings,
            initial={
                "year": timezone.localdate().year + 1,
                "meeting": _agenda_meeting(initiative) or _next_meeting(meetings),
            },
        ),
        "comment": CommentForm(data if action == "comment" else None),
    }
    if action and forms[action].is_valid():
        cleaned = forms[action].cleaned_data
        try:
            if action == "assign":
                initiatives.initiative_assign(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    preparer=cleaned["preparer"],
                )
            elif action == "score":
                initiatives.initiative_score(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    scores={n: cleaned[n] for n in Initiative.CRITERIA},
                    analysis=cleaned["analysis"],
                )
            elif action == "agenda":
                initiatives.initiative_to_agenda(
                    initiative=initiative,
                    user=request.user,
                    access=access,
                    meeting=cleaned["meeting"],
                )
            elif action == "decide":
                initiatives.initiative_decide(
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
                initiatives.initiative_comment(
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
            "open": initiative.state != Initiative.State.DECIDED,
        },
    )


def _next_meeting(meetings):
    """The steering group's meeting of today, or else the most recent one."""
    today = timezone.localdate()
    meeting = meetings.filter(starts_at__date__lte=today).first()
    return meeting.pk if meeting else None


def _agenda_meeting(initiative: Initiative):
    """The meeting whose agenda the initiative was put on, if any."""
    from django.contrib.contenttypes.models import ContentType

    from portal.models import AgendaItem

    item = (
        AgendaItem.objects.filter(
            subject_type=ContentType.objects.get_for_model(Initiative), subject_id=initiative.pk
        )
        .order_by("-meeting__starts_at")
        .first()
    )
    return item.meeting_id if item else None
