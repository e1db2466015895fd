"""The plan workspace: where coordinators and leads edit a plan and the governing bodies
comment on and approve it. Access is checked in ``actionplans.access``; writes go through
``actionplans.services``. Every page works without JavaScript; with htmx an activity is
edited in place."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actionplans.access import PlanAccess, get_activity_for_user, get_plan_for_user
from actionplans.forms import CommentForm, RolloverForm, TransitionForm, activity_forms
from actionplans.history import activity_history
from actionplans.models import ActionPlan, Activity
from actionplans.selectors import plans as plan_selectors
from actionplans.selectors.carry_over import next_strategy
from actionplans.services import activities as activity_services
from actionplans.services import plans as plan_services
from actionplans.workflow import available_transitions
from portal.http import SignedInRequest
from portal.page_cache import content_key, kept_fragment
from portal.params import query_id


def _has_errors(form, formsets) -> bool:
    return form.is_bound and (bool(form.errors) or any(f.total_error_count() for f in formsets))


def _all_valid(form, formsets) -> bool:
    return form.is_valid() and all(f.is_valid() for f in formsets)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_GET
def workspace_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "actionplans/workspace_list.html",
        {"plans": plan_selectors.plans_for_user(request.user)},
    )


def _with_access(activities: list[Activity], access: PlanAccess) -> list:
    """(activity, what the user may do with it) pairs, for the cards' buttons."""
    return [(activity, access.for_activity(activity)) for activity in activities]


def _activities_html(request, plan: ActionPlan, access: PlanAccess) -> str:
    """The activity cards (300 at national scale: about 300 ms to render) are the same for
    everyone with the same rights on the plan: kept per content version, rights and
    language, with this response's own CSRF tokens."""
    rights = (
        sorted(access.strategy_perms),
        sorted(access.area_ids),
        access.is_superuser,
        access.plan_state,
    )
    version = plan_selectors.workspace_content_version(plan)
    key = content_key("workspace", plan.pk, plan.state, version, rights, get_language())

    def render_cards() -> str:
        activities = plan_selectors.workspace_activities(plan)
        active = [a for a in activities if a.removed_at is None]
        context = {
            "plan": plan,
            "access": access,
            "areas": [
                (area, _with_access(items, access))
                for area, items in plan_selectors.group_by_area(active)
            ],
            "removed": _with_access([a for a in activities if a.removed_at is not None], access),
        }
        return render_to_string("actionplans/workspace.html#activities", context, request=request)

    return kept_fragment(key, request, render_cards)


def _workspace_context(request, plan: ActionPlan, access: PlanAccess) -> dict:
    return {
        "plan": plan,
        "access": access,
        "activities_html": _activities_html(request, plan, access),
        "transitions": available_transitions(plan, access),
        "transition_form": TransitionForm(),
        "comment_form": CommentForm(),
        "events": plan_selectors.plan_events(plan),
        "offers": list(plan.offers.order_by("-sent_at")),
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def workspace(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    if request.htmx:
        return HttpResponse(_activities_html(request, plan, access))
    return render(request, "actionplans/workspace.html", _workspace_context(request, plan, access))


def _back_to_plan(plan_id: int, activity_id: int | None = None) -> HttpResponse:
    url = reverse("actionplans:workspace", args=[plan_id])
    return redirect(f"{url}#activity-{activity_id}" if activity_id else url)


def _activity_response(request, activity: Activity, access: PlanAccess) -> HttpResponse:
    """After an in-place change: the card (htmx) or the plan page."""
    if request.htmx:
        card = plan_selectors.workspace_activity(activity.pk)
        context = {
            "activity": card,
            "activity_access": access.for_activity(card),
            "plan": card.plan,
            "access": access,
        }
        return render(request, "actionplans/workspace.html#activity-card", context)
    return _back_to_plan(activity.plan_id, activity.pk)


def _activity_form_page(
    request, plan: ActionPlan, form, formsets, *, activity: Activity | None, conflict=None
) -> HttpResponse:
    """The activity's form: in place of its card (htmx, when editing) or as a page."""
    context = {
        "plan": plan,
        "form": form,
        "formsets": formsets,
        "activity": activity,
        "conflict": conflict,
        "has_errors": _has_errors(form, formsets),
    }
    if activity is not None and request.htmx:
        return render(request, "actionplans/activity_form.html#form", context)
    return render(request, "actionplans/activity_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def activity_create(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    if not access.can_add_activities:
        raise PermissionDenied("Only the plan's coordinators and its areas' leads add activities.")
    if not plan.is_editable:
        messages.error(request, _("Activities can only be added while the plan is a draft."))
        return _back_to_plan(plan.pk)
    data = request.POST if request.method == "POST" else None
    form, formsets = activity_forms(plan=plan, access=access, instance=None, data=data)
    # The area the "add" link was under; anything else leaves the choice to the form.
    area_id = query_id(request, "area")
    if data is None and area_id is not None:
        form.initial["collaboration_area"] = area_id
    if data is not None and _all_valid(form, formsets):
        try:
            activity = activity_services.activity_save(
                form=form,
                formsets=formsets,
                user=request.user,
                access=access,
                expected_version=None,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The activity “%s” was added.") % activity.title)
            return _back_to_plan(plan.pk, activity.pk)
    return _activity_form_page(request, plan, form, formsets, activity=None)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def activity_edit(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity, access = get_activity_for_user(request.user, activity_id, edit=True)
    plan = activity.plan
    if not plan.is_editable:
        messages.error(request, _("The plan is no longer a draft: its activities are locked."))
        return _back_to_plan(plan.pk, activity.pk)
    data = request.POST if request.method == "POST" else None
    form, formsets = activity_forms(plan=plan, access=access, instance=activity, data=data)
    conflict = None
    if data is not None and _all_valid(form, formsets):
        try:
            saved = activity_services.activity_save(
                form=form,
                formsets=formsets,
                user=request.user,
                access=access,
                expected_version=form.cleaned_data.get("version"),
            )
        except activity_services.ActivityConflict as error:
            conflict = error
            # Saving again is a deliberate choice to replace their version with this one.
            form.data = cast(QueryDict, form.data).copy()
            form.data["version"] = str(error.stored.version)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if not request.htmx:
                messages.success(request, _("The activity “%s” was saved.") % saved.title)
            return _activity_response(request, saved, access)
    return _activity_form_page(request, plan, form, formsets, activity=activity, conflict=conflict)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def activity_card(request: SignedInRequest, activity_id: int) -> HttpResponse:
    """One activity as the workspace shows it (where an in-place edit is cancelled to)."""
    activity, access = get_activity_for_user(request.user, activity_id, edit=False)
    if request.htmx:
        return _activity_response(request, activity, access)
    return _back_to_plan(activity.plan_id, activity.pk)


def _activity_action(request, activity_id: int, action, success: str) -> HttpResponse:
    activity, access = get_activity_for_user(request.user, activity_id, edit=True)
    try:
        action(activity=activity, user=request.user, access=access)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if success:
            messages.success(request, success % {"title": activity.title})
    if request.htmx:
        plan, access = get_plan_for_user(request.user, activity.plan_id)
        return HttpResponse(_activities_html(request, plan, access))
    return _back_to_plan(activity.plan_id, activity.pk)


@login_required
@require_POST
def activity_move(request: SignedInRequest, activity_id: int) -> HttpResponse:
    step = -1 if request.POST.get("direction") == "up" else 1

    def move(**kwargs):
        activity_services.activity_move(step=step, **kwargs)

    return _activity_action(request, activity_id, move, "")


@login_required
@require_POST
def activity_remove(request: SignedInRequest, activity_id: int) -> HttpResponse:
    return _activity_action(
        request,
        activity_id,
        activity_services.activity_remove,
        _("“%(title)s” was removed. It is listed under Removed activities and can be restored."),
    )


@login_required
@require_POST
def activity_restore(request: SignedInRequest, activity_id: int) -> HttpResponse:
    return _activity_action(
        request,
        activity_id,
        activity_services.activity_restore,
        _("“%(title)s” is back in the plan."),
    )


@login_required
@require_GET
def activity_history_view(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity, access = get_activity_for_user(request.user, activity_id, edit=False)
    context = {
        "activity": activity,
        "activity_access": access.for_activity(activity),
        "plan": activity.plan,
        "entries": activity_history(activity),
    }
    return render(request, "actionplans/activity_history.html", context)


@login_required
@require_POST
def activity_revert(request: SignedInRequest, activity_id: int, history_id: int) -> HttpResponse:
    activity, access = get_activity_for_user(request.user, activity_id, edit=True)
    try:
        activity_services.activity_revert(
            activity=activity, history_id=history_id, user=request.user, access=access
        )
    except Activity.history.model.DoesNotExist:
        messages.error(request, _("That version does not exist."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The activity was restored to the chosen version."))
    return redirect("actionplans:activity_history", activity.pk)


@login_required
@require_POST
def plan_transition(request: SignedInRequest, plan_id: int, name: str) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    form = TransitionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        event = plan_services.plan_transition(
            plan=plan, name=name, user=request.user, access=access, comment=comment
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The plan is now “%s”.") % plan.State(event.to_state).label,
        )
    return _back_to_plan(plan.pk)


@login_required
@require_POST
def plan_comment(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    if not access.can_comment:
        raise PermissionDenied(
            "Only the coordinators, strategy group, council and steering group comment on a plan."
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            plan_services.plan_comment(
                plan=plan, user=request.user, access=access, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Your comment is on the plan's timeline."))
    else:
        messages.error(request, _("Write a comment before sending it."))
    return redirect(reverse("actionplans:workspace", args=[plan.pk]) + "#timeline")


@login_required
@require_POST
def plan_revise(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    if not access.can_edit_plan:
        raise PermissionDenied("Only the plan's coordinators open a revision of it.")
    try:
        revision = plan_services.plan_revise(plan=plan, user=request.user, access=access)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back_to_plan(plan.pk)
    messages.success(
        request,
        _("Revision %(revision)s is open as a draft. The approved plan stays as it is.")
        % {"revision": revision.revision},
    )
    return _back_to_plan(revision.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_rollover(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    if not access.can_edit_plan:
        raise PermissionDenied("Only the plan's coordinators start next year's plan from it.")
    if next_strategy(plan) is not None:
        # The next year is a newer strategy's: its links need the mapping to the new tree.
        return redirect("actionplans:plan_carry_over", plan.pk)
    form = RolloverForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            new_plan = plan_services.plan_rollover(
                plan=plan,
                user=request.user,
                access=access,
                activity_ids=[a.pk for a in form.cleaned_data["activities"]],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The plan for %(year)s is open as a draft with %(count)s activities.")
                % {"year": new_plan.year, "count": len(form.cleaned_data["activities"])},
            )
            return _back_to_plan(new_plan.pk)
    return render(request, "actionplans/plan_rollover.html", {"plan": plan, "form": form})
