from django.urls import path

from followup.views import dashboard, indicators, pdf_reports, reports, rounds

app_name = "followup"

urlpatterns = [
    path("planarbete/<int:plan_id>/uppfoljning/", rounds.plan_rounds, name="plan_rounds"),
    path("uppfoljning/<int:round_id>/", rounds.round_detail, name="round"),
    path("uppfoljning/<int:round_id>/status/", rounds.round_state, name="round_state"),
    path(
        "uppfoljning/<int:round_id>/ny-rapport/",
        pdf_reports.pdf_report_request,
        name="pdf_report_request",
    ),
    path("uppfoljning/rapport/<int:report_id>/", reports.report_edit, name="report"),
    path(
        "uppfoljning/rapport/<int:report_id>/oppna-igen/",
        reports.report_reopen,
        name="report_reopen",
    ),
    path("uppfoljning/pdf/<int:report_id>/", pdf_reports.pdf_report_detail, name="pdf_report"),
    path(
        "uppfoljning/pdf/<int:report_id>/kommentera/",
        pdf_reports.pdf_report_comment,
        name="pdf_report_comment",
    ),
    path(
        "uppfoljning/pdf/<int:report_id>/granska/",
        pdf_reports.pdf_report_review,
        name="pdf_report_review",
    ),
    path(
        "uppfoljning/pdf/<int:report_id>/forsok-igen/",
        pdf_reports.pdf_report_retry,
        name="pdf_report_retry",
    ),
    path(
        "uppfoljning/pdf/<int:report_id>/fil/", pdf_reports.pdf_report_file, name="pdf_report_file"
    ),
    # Three segments: strategy.urls (included first) takes /strategier/<slug>/<slug>/ for
    # the focus areas.
    path(
        "strategier/<slug:slug>/uppfoljning/oversikt/",
        dashboard.programme_dashboard,
        name="dashboard",
    ),
    # An indicator's values, beside its details and targets (strategy.urls).
    path(
        "strategier/<slug:slug>/indikatorer/<int:indicator_id>/varden/",
        indicators.indicator_values,
        name="indicator_values",
    ),
    path(
        "strategier/<slug:slug>/indikatorer/<int:indicator_id>/kolada/",
        indicators.indicator_kolada,
        name="indicator_kolada",
    ),
]
