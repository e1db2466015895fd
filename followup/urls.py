from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("planarbete/<int:plan_id>/uppfoljning/", views.plan_rounds, name="plan_rounds"),
    path("uppfoljning/<int:round_id>/", views.round_detail, name="round"),
    path("uppfoljning/<int:round_id>/status/", views.round_state, name="round_state"),
    path(
        "uppfoljning/<int:round_id>/ny-rapport/",
        views.pdf_report_request,
        name="pdf_report_request",
    ),
    path("uppfoljning/rapport/<int:report_id>/", views.report_edit, name="report"),
    path(
        "uppfoljning/rapport/<int:report_id>/oppna-igen/",
        views.report_reopen,
        name="report_reopen",
    ),
    path("uppfoljning/pdf/<int:report_id>/", views.pdf_report_detail, name="pdf_report"),
    path("uppfoljning/pdf/<int:report_id>/fil/", views.pdf_report_file, name="pdf_report_file"),
]
