"""Settings for the portal, read from the environment (see README: Configuration).

With no environment at all the portal runs on SQLite with an embedded, file-based Celery
broker, so that a fresh clone needs no server. ``DATABASE_URL`` and ``CELERY_BROKER_URL``
switch to PostgreSQL and Redis; the code path is the same.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

from portal.env import (
    env_bool,
    env_float,
    env_int,
    env_iri,
    env_list,
    env_str,
    env_url,
    read_env_file,
    saml_apps_from_file,
    sso_apps_from_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
read_env_file(BASE_DIR / ".env")
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-not-secret")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal",
    "strategy",
    "actionplans",
    "followup",
    "bench",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "guardian",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Sign-in: local accounts, the organisations' identity providers and a second factor.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Right after the static files: a kept public page is answered before everything below.
    "portal.front_door.FrontDoorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.LoadUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the user is known: staff and coordinators set up a second factor first.
    "portal.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout signalled during sign-in into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.main_menu",
                "portal.context_processors.sign_in_contact",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
# Parsed whatever the database, so that a bad value is refused on SQLite too.
_prepared_statements = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker share the file: wait for locks, don't fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _prepared_statements:
    # PostgreSQL binds the parameters, so psycopg prepares a statement the fifth time a
    # connection runs it: a page's queries then skip parsing and planning, about half their
    # time (bench/README.md). A pooler in transaction mode cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and sign-in ------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # django-allauth's backend is Django's ModelBackend that also knows allauth's login flow.
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: anonymous users get no object permissions at all
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "start"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Brute-force protection on sign-in (django-axes). A lockout is per user name *and* client
# address, so an attacker can neither lock a colleague out from elsewhere nor lock everyone
# out through the shared proxy address. The client address is the entry our own proxies
# appended to X-Forwarded-For (TRUSTED_PROXY_COUNT of them), never one the client wrote.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "portal.access.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sign-in through django-allauth (portal/sign_in.py has the adapters): a local account
# (user name and password), or the identity provider of the person's organisation (OpenID
# Connect or SAML). Each provider is a SocialApp, in the admin or in the file
# SSO_PROVIDERS_FILE, whose settings name its organisation (see README: Sign-in).
#: Local passwords: the demo and break-glass administrators. PASSWORD_LOGIN=0 turns them off.
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", True)
#: Staff and coordinators signing in with a local password must set up a second factor.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
ACCOUNT_ADAPTER = "portal.sign_in.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "portal.sign_in.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]  # no one signs up: see the adapter
ACCOUNT_EMAIL_VERIFICATION = "none"  # e-mail addresses come from the organisation's provider
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_SESSION_REMEMBER = False  # sessions end when the browser closes, as before
ACCOUNT_LOGOUT_ON_GET = False
# Failed passwords are counted and locked out by django-axes (above), not twice.
ACCOUNT_RATE_LIMITS = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by e-mail is the adapter's, by domain
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_TIMEOUT", 10)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": sso_apps_from_file(env_str("SSO_PROVIDERS_FILE", "")),
    },
    "saml": {"APPS": saml_apps_from_file(env_str("SSO_PROVIDERS_FILE", ""))},
}
#: The portal's own SAML key pair (PEM), one for every organisation's SAML provider: it signs
#: the AuthnRequests, and the metadata each provider imports carries its certificate.
#: Usually read from files: SAML_SP_PRIVATE_KEY_FILE, SAML_SP_CERTIFICATE_FILE.
SAML_SP_PRIVATE_KEY = env_str("SAML_SP_PRIVATE_KEY", "")
SAML_SP_CERTIFICATE = env_str("SAML_SP_CERTIFICATE", "")
if bool(SAML_SP_PRIVATE_KEY) != bool(SAML_SP_CERTIFICATE):
    raise ImproperlyConfigured("Set both SAML_SP_PRIVATE_KEY and SAML_SP_CERTIFICATE, or neither.")
#: Whom the sign-in page tells people to ask when their organisation cannot sign in.
SIGN_IN_CONTACT_EMAIL = env_str(
    "SIGN_IN_CONTACT_EMAIL", env_str("ACCESSIBILITY_CONTACT_EMAIL", "digitalisering@example.org")
)
#: A second factor is an authenticator app (TOTP) or a security key (WebAuthn, with
#: allauth's own scripts served from our static files), with recovery codes for both. Keys
#: are a second factor only: signing in with a passkey alone would skip the organisation's
#: provider, which decides who belongs to it.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
#: Browsers allow WebAuthn on http://localhost; the verification accepts it in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Digitaliseringsportalen")

# --- Language ---------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Uploaded plan files and the generated follow-up reports. Local files by default; with
# S3_BUCKET, S3-compatible object storage, so that web and workers on different hosts
# share them. The access key may come from S3_SECRET_ACCESS_KEY_FILE (a secret file).
S3_BUCKET = env_str("S3_BUCKET", "")
if S3_BUCKET:
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "location": env_str("S3_PREFIX", "portal"),
            # Reports are versioned by name and never overwritten; files are private and
            # served through the portal's own views, which check access.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Cache ------------------------------------------------------------------------------
# Shared by all web processes in production (Redis); per process in development. With
# Redis unreachable, pages are rendered without the cache (portal.cache): each call waits
# at most the timeouts below, one retry on a fresh connection (after a Redis restart the
# pooled ones are closed), and then the process leaves Redis alone for a few seconds.
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1.0,
                "retry": Retry(NoBackoff(), 1),
            },
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://… or locmem://")
#: Rendered fragments are keyed by a version of their content, so this only bounds memory.
PAGE_FRAGMENT_CACHE_SECONDS = env_int("PAGE_FRAGMENT_CACHE_SECONDS", 24 * 60 * 60)
#: Memory for them in each web process too, in front of the shared cache.
PAGE_FRAGMENT_MEMORY_MB = env_int("PAGE_FRAGMENT_MEMORY_MB", 32)
#: Kept public pages answered before the middleware (portal.front_door). It needs the write
#: generation shared by every process that writes, so it is on only with a shared cache:
#: with the per-process development cache, the worker's writes would not reach the server.
PUBLIC_PAGE_FRONT_DOOR = env_bool("PUBLIC_PAGE_FRONT_DOOR", CACHE_URL != "locmem://")
#: Memory for those pages in each web process, and how long one is trusted at most (it
#: bounds what a write whose signal was lost while Redis was down leaves behind).
PUBLIC_PAGE_MEMORY_MB = env_int("PUBLIC_PAGE_MEMORY_MB", 32)
PUBLIC_PAGE_MEMORY_SECONDS = env_int("PUBLIC_PAGE_MEMORY_SECONDS", 60)
#: How long the front door trusts the write generation it last read (portal.writes).
PUBLIC_PAGE_GENERATION_SECONDS = env_float("PUBLIC_PAGE_GENERATION_SECONDS", 0.05)
if not 0 <= PUBLIC_PAGE_GENERATION_SECONDS <= 1:
    # Longer, and another process's write would stay unseen by anonymous readers too long.
    raise ImproperlyConfigured(
        f"PUBLIC_PAGE_GENERATION_SECONDS={PUBLIC_PAGE_GENERATION_SECONDS}: use 0 to 1 seconds"
    )

# --- Spreadsheet imports ------------------------------------------------------------------
#: Upload limit, and what its zip directory may declare unpacked (a zip bomb declares more).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 2**20)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 2**20)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
#: An import keeps and shows this many of its errors (with the count of all of them), and
#: lists this many of its rows on its page.
IMPORT_MAX_ERRORS = 200
IMPORT_MAX_LISTED_ROWS = 500
#: Files up to this size (about 100 activities) are checked and saved while the browser
#: waits (a 300-activity plan saves in about 5 s); larger ones by
#: the Celery worker, and the page shows their progress.
IMPORT_SYNC_MAX_BYTES = env_int("IMPORT_SYNC_MAX_BYTES", 24 * 2**10)

# --- Celery -----------------------------------------------------------------------------
# The embedded broker keeps its queue in files under var/, so `make run` starts a real
# worker process without a server. Tasks are never run eagerly: a request only enqueues.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
else:
    # Longer than any task's hard time limit, so a running task is not handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
#: A follow-up report's render: the task's own time limits (well under the broker's
#: visibility timeout above) and a cap on the memory the render may add to the worker.
REPORT_TIME_LIMIT = env_int("REPORT_TIME_LIMIT", 10 * 60)
REPORT_MEMORY_LIMIT_MB = env_int("REPORT_MEMORY_LIMIT_MB", 1024)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": 6 * 60 * 60,
    },
    # Hourly: each mail is sent once (see actionplans.tasks._send_once), so running often
    # only makes the reminder and the summary go out soon after their day begins.
    "offer-reminders": {"task": "actionplans.tasks.send_offer_reminders", "schedule": 60 * 60},
    "offer-summaries": {"task": "actionplans.tasks.send_offer_summaries", "schedule": 60 * 60},
    "followup-reminders": {"task": "followup.tasks.send_round_reminders", "schedule": 60 * 60},
    "consultation-reminders": {
        "task": "strategy.tasks.send_consultation_reminders",
        "schedule": 60 * 60,
    },
    "actionplans-stalled-imports": {
        "task": "actionplans.tasks.fail_stalled_imports",
        "schedule": 10 * 60,
    },
    "followup-stalled-reports": {
        "task": "followup.tasks.fail_stalled_reports",
        "schedule": 60 * 60,
    },
    "followup-orphan-report-files": {
        "task": "followup.tasks.remove_orphan_report_files",
        "schedule": 60 * 60,
    },
    # Nightly, when Kolada is quiet: the values of the indicators linked to a Kolada KPI.
    "followup-kolada-values": {
        "task": "followup.tasks.kolada_fetch",
        "schedule": crontab(hour=3, minute=20),
    },
    # Just after midnight: a decided strategy goes in force on 1 January, the one it
    # replaces ends (strategy.services.dates).
    "strategy-by-date": {
        "task": "strategy.tasks.strategies_by_date",
        "schedule": crontab(hour=0, minute=5),
    },
    # Every minute: the jobs a broker outage kept from a worker (see portal.tasks).
    "actionplans-owed-jobs": {"task": "actionplans.tasks.requeue_owed_jobs", "schedule": 60},
    "followup-owed-jobs": {"task": "followup.tasks.requeue_owed_jobs", "schedule": 60},
    "strategy-owed-jobs": {"task": "strategy.tasks.requeue_owed_jobs", "schedule": 60},
}
# --- Kolada (indicator values) ------------------------------------------------------------
#: Kolada's API v3; a local test server can stand in (http://127.0.0.1:8765/v3).
KOLADA_BASE_URL = env_url("KOLADA_BASE_URL", "https://api.kolada.se/v3")
#: Seconds to connect and for each read.
KOLADA_TIMEOUT = env_float("KOLADA_TIMEOUT", 20.0)
#: Retries of a request after a server error, a timeout or a lost connection, waiting
#: KOLADA_BACKOFF seconds, then twice as long, and so on.
KOLADA_RETRIES = env_int("KOLADA_RETRIES", 3)
KOLADA_BACKOFF = env_float("KOLADA_BACKOFF", 2.0)

# --- The API (/api/v1/) -------------------------------------------------------------------


def _rate(name: str, default: str) -> str:
    """A rate as Django REST framework reads it: requests per second, minute, hour or day."""
    value = env_str(name, default)
    number, _, period = value.partition("/")
    periods = ("second", "sec", "s", "minute", "min", "m", "hour", "h", "day", "d")
    if not (number.isascii() and number.isdigit()) or period not in periods:
        raise ImproperlyConfigured(f"{name} must be like 120/minute, not {value!r}")
    return value


#: Requests allowed per personal API key, and per address for anonymous requests.
API_RATE_PER_TOKEN = _rate("API_RATE_PER_TOKEN", "1200/minute")
API_RATE_PER_ADDRESS = _rate("API_RATE_PER_ADDRESS", "300/minute")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttles.PerTokenThrottle",
        "portal.api.throttles.PerAddressThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.problems.exception_handler",
    # No OPTIONS metadata: a cross-origin preflight (a key sent from another site) fails.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Digitaliseringsstrategins API",
    "DESCRIPTION": (
        "The strategy, its action plans, activities, decisions and indicators, as the "
        "portal's public pages show them; with a personal API key (Authorization: Bearer), "
        "also what that key's user may see. Lists are paged by cursor; every read has an "
        "ETag (send If-None-Match for a 304); errors are application/problem+json."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.problem_responses",
    ],
    # Several models have a "kind" and a "state"; each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "StrategyKindEnum": "strategy.models.Strategy.Kind",
        "ActivityKindEnum": "actionplans.models.Activity.Kind",
        "BudgetLineKindEnum": "actionplans.models.BudgetLine.Kind",
        "OrganisationKindEnum": "portal.models.Organisation.Kind",
        "PlanStateEnum": "actionplans.models.ActionPlan.State",
        "ReportStateEnum": "followup.models.ActivityReport.State",
        "StrategyStateEnum": "strategy.models.Strategy.State",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

#: The portal's own address, for links in mails (the web request is not there to ask).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portalen@localhost")

# --- Security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # The container healthcheck calls /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a commitment for the whole domain; the operator opts in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Scripts only from our own origin or carrying the per-response nonce; no inline handlers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Accessibility statement ------------------------------------------------------------
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL", "digitalisering@example.org")
ACCESSIBILITY_ORGANISATION = env_str("ACCESSIBILITY_ORGANISATION", "Region Örebro län")

# --- Open data (the DCAT-AP-SE catalogue at /datasets/dcat and its downloads) -------------
#: The licence of the datasets' files and API, as an IRI; the catalogue's own description
#: is always CC0, as dataportal.se asks.
OPEN_DATA_LICENSE = env_iri(
    "OPEN_DATA_LICENSE", "http://creativecommons.org/publicdomain/zero/1.0/"
)
#: Where questions about the data go: the datasets' contact point.
OPEN_DATA_CONTACT_EMAIL = env_str("OPEN_DATA_CONTACT_EMAIL", ACCESSIBILITY_CONTACT_EMAIL)
#: The organisation (by its name in the portal) that publishes the catalogue.
OPEN_DATA_PUBLISHER = env_str("OPEN_DATA_PUBLISHER", ACCESSIBILITY_ORGANISATION)

# --- Demo -------------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo" if DEBUG else "")
