"""An activity's report in a round: its lead fills it, the coordinator reopens it."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from followup import selectors
from followup.access import ReportAccess, get_report_for_user
from followup.forms import ReportForm, report_initial
from followup.models import ActivityReport
from followup.services import reports as report_services
from portal.forms import add_service_errors
from portal.http import SignedInRequest


def _report_form(report: ActivityReport, data: QueryDict | None = None) -> ReportForm:
    rows = selectors.report_form_data(report)
    return ReportForm(
        data,
        initial=report_initial(report, rows.outcomes, rows.budget, rows.values),
        report=report,
        sub_goals=rows.sub_goals,
        budget_lines=rows.budget_lines,
        indicators=rows.indicators,
    )


def _report_page(
    request: SignedInRequest,
    report: ActivityReport,
    access: ReportAccess,
    form: ReportForm,
    conflict: report_services.ReportConflict | None = None,
) -> HttpResponse:
    context = {
        "report": report,
        "round": report.round,
        "activity": report.activity,
        "form": form,
        "rows": form.rows(),
        "access": access,
        "conflict": conflict,
        "history": selectors.report_history(report),
    }
    return render(request, "followup/report_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: SignedInRequest, report_id: int) -> HttpResponse:
    """The report's page; its form saves a draft or, with the submit button, submits."""
    report, access = get_report_for_user(request.user, report_id)
    form = _report_form(report, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return _report_page(request, report, access, form)
    if not access.can_edit:
        raise PermissionDenied(
            "Only those who fill the report change it, and only while its round is open."
        )
    if not form.is_valid():
        return _report_page(request, report, access, form)
    submit = "submit" in request.POST
    try:
        report_services.report_save(
            report=report,
            user=request.user,
            access=access.followup,
            data=form.to_input(),
            expected_version=form.cleaned_data["version"],
            submit=submit,
        )
    except report_services.ReportConflict as error:
        # The form keeps the text; saving it again replaces the stored version.
        form.data = cast(QueryDict, form.data).copy()
        form.data["version"] = str(error.stored.version)
        return _report_page(request, report, access, form, conflict=error)
    except ValidationError as error:
        add_service_errors(form, error)
        return _report_page(request, report, access, form)
    messages.success(request, _("The report is submitted.") if submit else _("The draft is saved."))
    return redirect(report)


@login_required
@require_POST
def report_reopen(request: SignedInRequest, report_id: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, report_id)
    report_services.report_reopen(report=report, user=request.user, access=access.followup)
    messages.success(request, _("The report is a draft again; its lead can change it."))
    return redirect(report)
