"""Follow-up in the browser: rounds, activity reports, the generated PDF and its review.

Views stay thin: access through followup.access, reads through selectors, writes through
services. htmx requests for a PDF's build state get the ``status`` fragment only.
"""

from typing import cast

from csp.constants import SELF
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actionplans.access import get_plan_for_user
from followup import selectors
from followup.access import (
    FOLLOWABLE_STATES,
    RoundAccess,
    get_pdf_report_for_user,
    get_report_for_user,
    get_round_for_user,
)
from followup.forms import CommentForm, ReportForm, ReviewForm, RoundForm, report_initial
from followup.models import ActivityReport, FollowUpRound, IndicatorValue, Report
from followup.pdf.indicators import indicator_groups
from followup.services import pdf_reports as pdf_services
from followup.services import reports as report_services
from followup.services import rounds as round_services
from followup.tasks import build_report, send_report, send_round_opened
from portal.forms import add_service_errors
from portal.http import SignedInRequest


@login_required
@require_http_methods(["GET", "POST"])
def plan_rounds(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    can_open = access.can_edit_plan and plan.state in FOLLOWABLE_STATES
    form = RoundForm(request.POST or None, initial={"year": plan.year})
    if request.method == "POST":
        if not can_open:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                followup_round = round_services.round_open(
                    plan=plan,
                    user=request.user,
                    access=RoundAccess(plan=access, user_id=request.user.pk),
                    year=data["year"],
                    term=data["term"],
                    deadline=data["deadline"],
                    reminder_days=data["reminder_days"],
                    instructions=data["instructions"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                send_round_opened.delay_on_commit(followup_round.pk)  # type: ignore[attr-defined]
                messages.success(
                    request,
                    _("The round is open; the leads of %(count)s activities have been notified.")
                    % {"count": followup_round.reports.count()},
                )
                return redirect(followup_round)
    return render(
        request,
        "followup/plan_rounds.html",
        {
            "plan": plan,
            "rounds": selectors.plan_rounds(plan),
            "form": form,
            "can_open": can_open,
        },
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def round_detail(request: SignedInRequest, round_id: int) -> HttpResponse:
    followup_round, access = get_round_for_user(request.user, round_id)
    overview = selectors.round_overview(followup_round)
    pdf_reports = selectors.round_pdf_reports(followup_round)
    context = {
        "round": followup_round,
        "plan": followup_round.plan,
        "overview": overview,
        "pdf_reports": pdf_reports,
        "building": any(r.in_progress for r in pdf_reports),
        "access": access,
        "approved": any(r.review == Report.Review.APPROVED for r in pdf_reports),
        "indicator_groups": indicator_groups(followup_round),
        "lights": [
            (light, label, overview.plan_progress.by_light.get(light, 0))
            for light, label in ActivityReport.TrafficLight.choices
        ],
    }
    template = "followup/round_detail.html"
    if request.htmx:
        template += "#pdf-reports"
    return render(request, template, context)


@login_required
@require_POST
def round_state(request: SignedInRequest, round_id: int) -> HttpResponse:
    followup_round, access = get_round_for_user(request.user, round_id)
    if not access.can_manage:
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "close":
            round_services.round_close(
                followup_round=followup_round, user=request.user, access=access
            )
            messages.success(request, _("The round is closed."))
        elif action == "reopen":
            round_services.round_reopen(
                followup_round=followup_round, user=request.user, access=access
            )
            messages.success(request, _("The round is open again."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(followup_round)


def _report_form(report: ActivityReport, data=None) -> ReportForm:
    activity = report.activity
    sub_goals = list(activity.sub_goals.order_by("order", "pk"))
    budget_lines = list(
        activity.budget_lines.filter(year=report.round.year).order_by("kind", "order", "pk")
    )
    indicators = list(selectors.report_indicators(activity))
    outcomes = {o.sub_goal_id: (o.performed_count, o.comment) for o in report.outcomes.all()}
    budget = {o.budget_line_id: o.amount for o in report.budget_outcomes.all()}
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator__in=indicators, year=report.round.year
        ).filter(organisation__isnull=True)
    } | {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator__in=[i for i in indicators if i.per_organisation],
            year=report.round.year,
            organisation_id=activity.lead_organisation_id,
        )
    }
    # Meetings and events held for a sub-goal are what was performed, unless the lead has
    # entered a count of their own.
    held = selectors.held_meetings(report.round, [s.pk for s in sub_goals])
    for sub_goal in sub_goals:
        count = held.get(sub_goal.pk, 0)
        sub_goal.held = count  # type: ignore[attr-defined]  # shown beside the field
        if sub_goal.pk not in outcomes and count:
            outcomes[sub_goal.pk] = (count, "")
    return ReportForm(
        data,
        initial=report_initial(report, outcomes, budget, values),
        report=report,
        sub_goals=sub_goals,
        budget_lines=budget_lines,
        indicators=indicators,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: SignedInRequest, report_id: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, report_id)
    followup_round = report.round
    can_fill = access.can_fill(report) or access.can_manage
    editable = can_fill and followup_round.state == FollowUpRound.State.OPEN
    form = _report_form(report, request.POST if request.method == "POST" else None)
    conflict = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                report_services.report_save(
                    report=report,
                    user=request.user,
                    access=access,
                    data=form.to_input(),
                    expected_version=form.cleaned_data["version"],
                    submit=submit,
                )
            except report_services.ReportConflict as error:
                conflict = error.stored
                form.data = cast(QueryDict, form.data).copy()
                form.data["version"] = str(conflict.version)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The report is submitted.") if submit else _("The draft is saved."),
                )
                return redirect(report)
    return render(
        request,
        "followup/report_form.html",
        {
            "report": report,
            "round": followup_round,
            "activity": report.activity,
            "form": form,
            "rows": form.rows(),
            "editable": editable,
            "can_reopen": access.can_manage
            and report.state == ActivityReport.State.SUBMITTED
            and followup_round.state == FollowUpRound.State.OPEN,
            "conflict": conflict,
            "history": report.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


@login_required
@require_POST
def report_reopen(request: SignedInRequest, report_id: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, report_id)
    report_services.report_reopen(report=report, user=request.user, access=access)
    messages.success(request, _("The report is a draft again; its lead can change it."))
    return redirect(report)


@login_required
@require_POST
def pdf_report_request(request: SignedInRequest, round_id: int) -> HttpResponse:
    followup_round, access = get_round_for_user(request.user, round_id)
    try:
        report, queued = pdf_services.pdf_report_request(
            followup_round=followup_round, user=request.user, access=access
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(followup_round)
    if queued:
        build_report.delay_on_commit(report.pk)  # type: ignore[attr-defined]  # DjangoTask
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def pdf_report_detail(request: SignedInRequest, report_id: int) -> HttpResponse:
    report, access = get_pdf_report_for_user(request.user, report_id)
    newest = report.round.pdf_reports.order_by("-version").values_list("pk", flat=True).first()
    # The buttons say what a post is: "review", "retry", else a comment.
    action = (
        "review" if "review" in request.POST else "retry" if "retry" in request.POST else "comment"
    )
    posted = request.POST if request.method == "POST" else None
    comment_form = CommentForm(posted if action == "comment" else None)
    review_form = ReviewForm(posted if action == "review" else None)
    if request.method == "POST":
        allowed = {
            "comment": access.can_comment,
            "review": access.can_review,
            "retry": access.can_manage,
        }[action]
        if not allowed:
            raise PermissionDenied
        try:
            if action == "comment":
                if comment_form.is_valid():
                    pdf_services.pdf_report_comment(
                        report=report,
                        user=request.user,
                        access=access,
                        text=comment_form.cleaned_data["comment"],
                    )
                    messages.success(request, _("Your comment is saved."))
                    return redirect(report)
            elif action == "review":
                if review_form.is_valid():
                    data = review_form.cleaned_data
                    if data["decision"] == "approve":
                        recipients = list(data["recipients"])
                        pdf_services.pdf_report_approve(
                            report=report,
                            user=request.user,
                            access=access,
                            recipients=recipients,
                            comment=data["comment"],
                        )
                        if recipients:
                            send_report.delay_on_commit(report.pk)  # type: ignore[attr-defined]
                        messages.success(request, _("The report is approved and locked."))
                    else:
                        pdf_services.pdf_report_send_back(
                            report=report, user=request.user, access=access, comment=data["comment"]
                        )
                        messages.success(request, _("The report was sent back."))
                    return redirect(report)
            else:
                _retried, queued = pdf_services.pdf_report_retry(
                    report=report, user=request.user, access=access
                )
                if queued:
                    build_report.delay_on_commit(report.pk)  # type: ignore[attr-defined]
                return redirect(report)
        except ValidationError as error:
            add_service_errors(review_form if action == "review" else comment_form, error)
    context = {
        "report": report,
        "round": report.round,
        "plan": report.round.plan,
        "access": access,
        "is_newest": newest == report.pk,
        "can_review": access.can_review
        and report.state == Report.State.DONE
        and report.review == Report.Review.PENDING
        and newest == report.pk,
        "comments": report.comments.select_related("author"),
        "comment_form": comment_form,
        "review_form": review_form,
        "recipients": report.recipients.order_by("name"),
        "mails": report.mails.order_by("sent_at"),
    }
    template = "followup/pdf_report.html"
    if request.htmx:
        template += "#status"
    response = render(request, template, context)
    if request.htmx and not report.in_progress:
        # The build has ended: load the whole page, whose preview, comments and review
        # depend on the finished file.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def pdf_report_file(request: SignedInRequest, report_id: int) -> FileResponse:
    report, _access = get_pdf_report_for_user(request.user, report_id)
    if report.state != Report.State.DONE or not report.file:
        raise Http404
    inline = request.GET.get("visa") == "1"
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=not inline,
        filename=report.file_name,
        content_type="application/pdf",
    )
    # A version never changes once built; its hash is a strong validator.
    response["ETag"] = f'"{report.sha256}"'
    response["Cache-Control"] = "private, max-age=3600"
    if inline:
        # The review page shows the PDF in a frame; only our own pages may frame it.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": [SELF]}  # type: ignore[attr-defined]
    if report.finished_at:
        response["Last-Modified"] = http_date(report.finished_at.timestamp())
    return response
