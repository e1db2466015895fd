from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount import views as social_views
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from portal.api import problems
from portal.views import members, sign_in

# The admin's own sign-in goes through the portal's (with its second factor).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# django-allauth's pages, mounted one by one: only what the portal uses (no sign-up, no
# e-mail management, no password reset by mail), each in the portal's own templates.
sign_in_patterns = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    # The same page by the name django-allauth redirects to.
    path("login/", sign_in.SignInView.as_view(), name="account_login"),
    path("login/organisation/", sign_in.sign_in_organisation, name="sign_in_organisation"),
    path("logout/", sign_in.sign_out, name="logout"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    # The organisations' OpenID Connect providers: oidc/<provider id>/login/(callback/).
    path(
        "oidc/<str:provider_id>/login/callback/",
        sign_in.oidc_callback,
        name="openid_connect_callback",
    ),
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    # The organisations' SAML providers: saml/<client id>/metadata/, acs/, login/, sls/; the
    # end of the ACS and the SLS are the portal's (a replayed answer or a logout message it
    # cannot accept gets a page that says so).
    path("saml/<str:organization_slug>/acs/finish/", sign_in.saml_finish, name="saml_finish_acs"),
    path("saml/<str:organization_slug>/sls/", sign_in.saml_sls, name="saml_sls"),
    path("", include("allauth.socialaccount.providers.saml.urls")),
    path(
        "3rdparty/login/cancelled/",
        social_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path("3rdparty/login/error/", social_views.login_error, name="socialaccount_login_error"),
    # The second factor: TOTP or security keys (WebAuthn), with recovery codes.
    path("2fa/", mfa_views.index, name="mfa_index"),
    path("2fa/authenticate/", mfa_views.authenticate, name="mfa_authenticate"),
    path("2fa/reauthenticate/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path("2fa/totp/activate/", totp_views.activate_totp, name="mfa_activate_totp"),
    path("2fa/totp/deactivate/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path("2fa/webauthn/", sign_in.security_keys, name="mfa_list_webauthn"),
    path("2fa/webauthn/add/", webauthn_views.add_webauthn, name="mfa_add_webauthn"),
    path(
        "2fa/webauthn/reauthenticate/",
        webauthn_views.reauthenticate_webauthn,
        name="mfa_reauthenticate_webauthn",
    ),
    path(
        "2fa/webauthn/keys/<int:pk>/remove/",
        webauthn_views.remove_webauthn,
        name="mfa_remove_webauthn",
    ),
    path(
        "2fa/webauthn/keys/<int:pk>/edit/", webauthn_views.edit_webauthn, name="mfa_edit_webauthn"
    ),
    path(
        "2fa/recovery-codes/",
        recovery_code_views.view_recovery_codes,
        name="mfa_view_recovery_codes",
    ),
    path(
        "2fa/recovery-codes/generate/",
        recovery_code_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        "2fa/recovery-codes/download/",
        recovery_code_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
]

# A BadParameter (portal.params) is a 400 that says what was wrong.
handler400 = "portal.views.bad_request"
# A database that cannot be reached just now is a 503 that says when to try again.
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.start, name="start"),
    path("hem/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("organ/<slug:slug>/", views.body_detail, name="body_detail"),
    path("organ/<slug:slug>/kalender.ics", views.body_calendar, name="body_calendar"),
    path("organ/<slug:slug>/medlemmar/sok/", members.body_member_search, name="body_member_search"),
    path("organ/<slug:slug>/medlemmar/ny/", members.body_member_add, name="body_member_add"),
    path(
        "organ/<slug:slug>/medlemmar/<int:membership_id>/avsluta/",
        members.body_member_end,
        name="body_member_end",
    ),
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
    path("accounts/", include(sign_in_patterns)),
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
