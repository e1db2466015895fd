from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from portal.api import problems

# A BadParameter (portal.params) is a 400 that says what was wrong.
handler400 = "portal.views.bad_request"

urlpatterns = [
    path("", views.start, name="start"),
    path("hem/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("organ/<slug:slug>/", views.body_detail, name="body_detail"),
    path("organ/<slug:slug>/kalender.ics", views.body_calendar, name="body_calendar"),
    path("organ/<slug:slug>/moten/nytt/", views.meeting_create, name="meeting_create"),
    path("organ/<slug:slug>/moten/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path(
        "organ/<slug:slug>/moten/<int:meeting_id>/andra/", views.meeting_edit, name="meeting_edit"
    ),
    path(
        "organ/<slug:slug>/moten/<int:meeting_id>/ta-bort/",
        views.meeting_delete,
        name="meeting_delete",
    ),
    path(
        "organ/<slug:slug>/moten/<int:meeting_id>/dagordning/",
        views.meeting_agenda,
        name="meeting_agenda",
    ),
    path(
        "organ/<slug:slug>/moten/<int:meeting_id>/dagordning/<int:item_id>/flytta/",
        views.meeting_agenda_item_move,
        name="meeting_agenda_item_move",
    ),
    path(
        "organ/<slug:slug>/moten/<int:meeting_id>/dagordning/<int:item_id>/ta-bort/",
        views.meeting_agenda_item_remove,
        name="meeting_agenda_item_remove",
    ),
    path(
        "organ/<slug:slug>/moten/<int:meeting_id>/beslut/",
        views.meeting_decision,
        name="meeting_decision",
    ),
    path("beslut/", views.decision_register, name="decision_register"),
    path("konto/api-nycklar/", views.api_tokens, name="api_tokens"),
    path("konto/api-nycklar/ny/", views.api_token_create, name="api_token_create"),
    path(
        "konto/api-nycklar/<int:token_id>/aterkalla/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("strategier/", include("strategy.urls")),
    path("", include("actionplans.urls")),
    path("", include("followup.urls")),
    # The API: each app's endpoints live with its data (<app>/api.py).
    path("api/v1/", include("portal.api.views")),
    path("api/v1/", include("strategy.api")),
    path("api/v1/", include("actionplans.api")),
    path("api/v1/", include("followup.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="portal/api_docs.html"
        ),
        name="api_docs",
    ),
    # Any other path under api/ (a newline too, which <path:> would not match).
    re_path(r"^api/", problems.not_found),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the admin).
    path("favicon.ico", views.favicon, name="favicon"),
]
