"""The round's report to the steering group: a new version, its page (the build's state,
the file, comments, the review), a retry of a failed build, and the file itself.

htmx requests for a version's build state get the ``status`` fragment only.
"""

from csp.constants import SELF
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from followup import selectors
from followup.access import PdfReportAccess, get_pdf_report_for_user, get_round_for_user
from followup.forms import CommentForm, ReviewForm
from followup.models import Report
from followup.services import pdf_reports as pdf_services
from followup.tasks import build_report, send_report
from portal.forms import add_service_errors
from portal.http import SignedInRequest
from portal.tasks import enqueue


@login_required
@require_POST
def pdf_report_request(request: SignedInRequest, round_id: int) -> HttpResponse:
    followup_round, access = get_round_for_user(request.user, round_id)
    try:
        report, queued = pdf_services.pdf_report_request(
            followup_round=followup_round, user=request.user, access=access.followup
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(followup_round)
    if queued:
        enqueue(build_report, report.pk)
    return redirect(report)


def _pdf_report_page(
    request: SignedInRequest,
    report: Report,
    access: PdfReportAccess,
    *,
    comment_form: CommentForm | None = None,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    """The version's page, with the forms a post sent back with its errors."""
    context = {
        "report": report,
        "round": report.round,
        "plan": report.round.plan,
        "access": access,
        "comment_form": comment_form if comment_form is not None else CommentForm(),
        "review_form": review_form if review_form is not None else ReviewForm(),
        **selectors.pdf_report_page(report),
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
@vary_on_headers("HX-Request")
def pdf_report_detail(request: SignedInRequest, report_id: int) -> HttpResponse:
    report, access = get_pdf_report_for_user(request.user, report_id)
    return _pdf_report_page(request, report, access)


@login_required
@require_POST
def pdf_report_comment(request: SignedInRequest, report_id: int) -> HttpResponse:
    report, access = get_pdf_report_for_user(request.user, report_id)
    if not access.followup.can_comment:
        raise PermissionDenied(
            "Only those who comment on the plan comment on its follow-up reports."
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            pdf_services.pdf_report_comment(
                report=report,
                user=request.user,
                access=access.followup,
                text=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment is saved."))
            return redirect(report)
    return _pdf_report_page(request, report, access, comment_form=form)


@login_required
@require_POST
def pdf_report_review(request: SignedInRequest, report_id: int) -> HttpResponse:
    """The steering group's decision: approve the version (and mail it), or send it back."""
    report, access = get_pdf_report_for_user(request.user, report_id)
    if not access.followup.can_review:
        raise PermissionDenied(
            "Only the steering group approves a follow-up report or sends it back."
        )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _pdf_report_page(request, report, access, review_form=form)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            recipients = list(data["recipients"])
            pdf_services.pdf_report_approve(
                report=report,
                user=request.user,
                access=access.followup,
                recipients=recipients,
                comment=data["comment"],
            )
            if recipients:
                enqueue(send_report, report.pk)
            messages.success(request, _("The report is approved and locked."))
        else:
            pdf_services.pdf_report_send_back(
                report=report, user=request.user, access=access.followup, comment=data["comment"]
            )
            messages.success(request, _("The report was sent back."))
    except ValidationError as error:
        add_service_errors(form, error)
        return _pdf_report_page(request, report, access, review_form=form)
    return redirect(report)


@login_required
@require_POST
def pdf_report_retry(request: SignedInRequest, report_id: int) -> HttpResponse:
    """Build a failed version again."""
    report, access = get_pdf_report_for_user(request.user, report_id)
    if not access.followup.can_manage:
        raise PermissionDenied("Only the plan's coordinators build a failed report again.")
    try:
        report, queued = pdf_services.pdf_report_retry(
            report=report, user=request.user, access=access.followup
        )
    except ValidationError as error:
        # As a message on the version's page: the page's forms are not what was posted (an
        # error added to an unbound form was a 500).
        messages.error(request, " ".join(error.messages))
        return redirect(report)
    if queued:
        enqueue(build_report, report.pk)
    return redirect(report)


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
