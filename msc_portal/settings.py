"""MSC Portal settings: one module, configured from the environment.

Every variable a deployment may set is read here with `env(...)` and listed in the README's
configuration table. The defaults describe a developer's machine: an SQLite file under `var/`,
no broker (tasks run eagerly), e-mail printed to the console. Production sets at least
`SECRET_KEY`, `DATABASE_URL`, `REDIS_URL`, `ALLOWED_HOSTS` and `DEBUG=false`.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer may keep local values in `.env` at the top of the checkout; the real environment wins.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)


def _local_secret_key() -> str:
    """A random key kept in var/secret_key, so a developer's sessions survive restarts.

    Never used in production: the `msc_portal.W001` deploy check insists on SECRET_KEY.
    """
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY_FROM_ENV = bool(env.str("SECRET_KEY", default=""))
SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
# Local names are always allowed: health probes inside the container ask for 127.0.0.1.
ALLOWED_HOSTS = [
    *env.list("ALLOWED_HOSTS", default=["testserver"]),
    "127.0.0.1",
    "localhost",
]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Demo data (manage.py seed_demo) only loads where this is switched on: never in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

INSTALLED_APPS = [
    "msc_portal.admin.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_htmx",
    "csp",
    "msc_portal",
    "accounts",
    "centres",
    "counselling",
    "skills",
    "returns",
    "reports",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "msc_portal.middleware.PortalCSPMiddleware",
    "msc_portal.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "msc_portal.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.AccessDeniedAuditMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msc_portal.urls"
WSGI_APPLICATION = "msc_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "msc_portal.context_processors.navigation",
            ],
        },
    },
]

# Form widgets are rendered by the templates above, so that templates/django/forms/ may replace
# Django's own: a select there writes its options inline, not one include each (the country
# lists have 250 options).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data stores ----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'msc_portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis serves as cache and Celery broker unless they are set apart.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft (msc_portal.cache): pages answer without the cache when Redis is away.
            "BACKEND": "msc_portal.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="msc"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background jobs (Celery) ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None  # task outcomes are stored on our own rows (e.g. report runs)
# Without a broker the portal still works: tasks run in the web process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task killed with its worker (SIGKILL, OOM, a lost machine) runs again, and soon. These
# numbers are chosen together (README, "Operations"):
# - acks_late + reject_on_worker_lost: the message is acknowledged only when the task ends, and
#   given back to the queue when the pool process running it dies.
# - visibility_timeout: when the worker's main process dies its unacknowledged messages are
#   redelivered by Redis after this many seconds (45 s: redelivered within a minute).
# - A task may run longer than the visibility timeout: Redis then delivers it a second time while
#   it runs. Tasks are safe to run twice, and a report run whose heartbeat is fresh is left to the
#   worker rendering it (reports.services.report_run_render).
# - REPORT_RUN_STALE_SECONDS (reports): a run without heartbeat for this long has lost its worker;
#   the sweeper (every 15 s) fails it with a reason and queues it again once. Well under the
#   visibility timeout, far over the heartbeat interval (5 s).
# - soft/hard time limits: a task stuck for good is stopped (soft: SoftTimeLimitExceeded, the run
#   fails with a reason; hard: the process is killed and the sweeper ends the run).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=10 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=11 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=45),
    # Workers look for messages past their visibility timeout every 5 s (kombu's default sweep
    # is every 100 s, which alone made a killed worker's runs wait minutes).
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    # A worker killed while it held the restore lock blocks others for this long at most.
    "unacked_mutex_expire": 30,
    # Fail fast when Redis is away: requests never wait for it (the outbox keeps the work).
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis for ever, never exits
# Redis came back: a task still running when the connection was lost would be acknowledged on a
# new channel that never delivered it; cancel it instead (it is redelivered and runs again).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
REPORT_RUN_STALE_SECONDS = env.int("REPORT_RUN_STALE_SECONDS", default=30)
REPORT_RUN_HEARTBEAT_SECONDS = 5
# A run still queued after this long (no worker took it) is replaced when the same report is
# asked for again.
REPORT_RUN_QUEUED_STUCK_SECONDS = env.int("REPORT_RUN_QUEUED_STUCK_SECONDS", default=10 * 60)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # The outbox (outbox.services): background work recorded by requests, sent to the broker.
    "dispatch-outbox": {"task": "outbox.tasks.dispatch_outbox", "schedule": 5.0},
    # Report runs whose worker is gone are failed with a reason and queued again once.
    "sweep-stale-report-runs": {"task": "reports.tasks.sweep_stale_runs", "schedule": 15.0},
    # The statistics cells get a row per change (counselling/summary.py): folded now and then.
    "compact-statistics": {"task": "counselling.tasks.compact_statistics", "schedule": 300.0},
    "monthly-project-reports": {
        "task": "reports.tasks.queue_monthly_reports",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    # TVR: a follow-up survey a year after each assignment (the task is idempotent).
    "returns-follow-up-surveys": {
        "task": "returns.tasks.send_follow_up_surveys",
        "schedule": 24 * 60 * 60,
    },
    # Retention (SECURITY.md): anonymise inactive visitors, delete inactive experts' CVs.
    # Both tasks only touch what is still due, so a second run the same night changes nothing.
    "anonymise-inactive-visitors": {
        "task": "counselling.tasks.anonymise_inactive_visitors",
        "schedule": crontab(minute=30, hour=2),
    },
    "delete-inactive-expert-cvs": {
        "task": "returns.tasks.delete_inactive_cvs",
        "schedule": crontab(minute=45, hour=2),
    },
    # API answers kept for retries (Idempotency-Key) may name visitors: not kept for ever.
    "purge-idempotency-keys": {
        "task": "counselling.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=55, hour=2),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")


def _months_by_country(name: str) -> dict[str, int]:
    """ "AL=36,RS=60" -> {"AL": 36, "RS": 60}: ISO 3166-1 alpha-2 codes, whole months."""
    pairs = (item.split("=", 1) for item in env.list(name, default=[]) if item.strip())
    return {country.strip().upper(): int(months) for country, months in pairs}


# --- Retention ------------------------------------------------------------------------------
# Months without activity after which a visitor is anonymised (names, contacts, free text go;
# the statistical profile stays), per country of the registering centre: e.g. "AL=36,RS=60".
RETENTION_MONTHS_DEFAULT = env.int("RETENTION_MONTHS_DEFAULT", default=60)
RETENTION_MONTHS = _months_by_country("RETENTION_MONTHS")
# The same for experts' CVs, per country of origin; the profile stays.
CV_RETENTION_MONTHS_DEFAULT = env.int("CV_RETENTION_MONTHS_DEFAULT", default=36)
CV_RETENTION_MONTHS = _months_by_country("CV_RETENTION_MONTHS")

# --- Counselling desk -----------------------------------------------------------------------
# Days after logging in which a counsellor may correct or delete their centre's session, group
# session or referral; managers may at any time.
SESSION_EDIT_WINDOW_DAYS = env.int("SESSION_EDIT_WINDOW_DAYS", default=14)
# A referral still open after this many days is on the data-quality work list.
REFERRAL_OPEN_DAYS = env.int("REFERRAL_OPEN_DAYS", default=60)
# Hours an API answer is kept for a retry with the same Idempotency-Key (purged nightly after).
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# django-axes first: it refuses a locked-out account or client before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from the container runtime speak plain HTTP
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
# The language a visitor chose on a public page, kept for a year (signed-in users: their profile).
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Over HTTPS the cookies carry the __Host- prefix: the browser then accepts them only if Secure,
# for the whole site and from this host alone (no Domain), so a sibling domain cannot plant one.
SESSION_COOKIE_NAME = "__Host-session" if SESSION_COOKIE_SECURE else "session"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 12  # a working day: counsellors share desks

# Bounds on requests (issue 12). The largest legitimate body is an upload of 5 MB (a CV, an
# import) with its form; the web server in front refuses the same (nginx:
# `client_max_body_size 6m;`, see README). Form fields without files: 2 MB in all, 1000 fields.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=6 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Uploads over this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Failed sign-ins (django-axes), on the portal's login and /admin/ alike: the 6th wrong password
# within the cool-off locks that account, and the 6th failure from one client (IP address) locks
# that client, each for AXES_COOLOFF_MINUTES. Administrators lift a lockout in /admin/ (Access
# attempts: delete) or with `manage.py axes_reset_username EMAIL`; every lockout is logged.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=6)  # the failure that locks
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_CLIENT_STR_CALLABLE = "accounts.security.axes_client_str"  # logs name users by id
# How many reverse proxies append to X-Forwarded-For in front of the portal (docker-compose: 1);
# 0 trusts only the connection's address, which a client cannot forge.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The sign-in part of the audit trail (SECURITY.md): successful sign-ins (AccessLog) and every
# failed one (AccessFailureLog), kept although a success resets the lockout's attempt counter.
AXES_DISABLE_ACCESS_LOG = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Two-factor sign-in (django-otp, TOTP with recovery codes): required for the roles listed in
# accounts.security.TWO_FACTOR_ROLES, offered to everyone. Only the demo (DEMO_MODE) may switch
# the requirement off, so that its well-known logins open without an authenticator app.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEMO_MODE) or not DEMO_MODE
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="MSC Portal")

# Strict Content-Security-Policy: templates carry no inline script or style.
# The admin and Swagger UI set inline styles of their own: they get 'unsafe-inline' for styles
# only (msc_portal.middleware.PortalCSPMiddleware); no page is without a policy.
CSP_INLINE_STYLE_PREFIXES = ["/admin/", "/api/v1/docs/"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_URL examples: consolemail:// (default), smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MSC Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address, for links in e-mails sent by background tasks.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Serbian Cyrillic (sr) is generated from Serbian Latin by `make messages`: never edit it by hand.
LANGUAGES = [
    ("en", _("English")),
    ("sq", _("Albanian")),
    ("sr-latn", _("Serbian (Latin)")),
    ("sr", _("Serbian (Cyrillic)")),
    ("mk", _("Macedonian")),
    ("bs", _("Bosnian")),
]
# Our catalogues first: they win over Django's and the libraries' own (see django_messages.py);
# locale/reference holds country and language names, generated from pycountry by `make messages`.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "reference"]
# Dates day-month-year, 24-hour times, weeks from Monday, each language's separators.
FORMAT_MODULE_PATH = ["msc_portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; shown in each user's own time zone (accounts.User.timezone)
DEFAULT_USER_TIMEZONE = "Europe/Belgrade"

# Kosovo has no ISO 3166-1 code of its own; XK is the code the EU and the World Bank use.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo (UNSCR 1244)")}

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"  # never served publicly: files are handed out by views that check access
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is told 401 with WWW-Authenticate.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "msc_portal.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "msc_portal.api.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "msc_portal.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Counted in the cache (Redis); a client over its rate is told 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "msc_portal.api.LookupRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        # Finding people by code (msc_portal.api.LookupRateThrottle).
        "lookup": env.str("API_THROTTLE_LOOKUP", default="30/minute"),
    },
}
# API tokens (django-rest-knox): stored as a hash, named by their owner, expiring.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is swapped for ours
# (and then nothing empties it); without them, no table is made for a swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MSC Portal API",
    "DESCRIPTION": "Migrant Service Centres and the Temporary and Virtual Return programme.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its error answers too (400, 401, 403, 404, 429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "msc_portal.api.add_error_responses",
    ],
    # One name per shared choice set in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "IscedLevelEnum": "skills.models.IscedLevel",
        "ReturnModeEnum": "returns.models.Mode",
        "SessionModeEnum": "counselling.api.serializers.SESSION_MODES",
        "NeedStatusEnum": "returns.models.Need.Status",
        "ApplicationStatusEnum": "returns.models.Application.Status",
        "AssignmentStatusEnum": "returns.models.Assignment.Status",
        "ReferralStatusEnum": "counselling.models.Referral.Status",
    },
}

# --- Logging --------------------------------------------------------------------------------
# Log lines name users and visitors by id or code, never by name (see STYLE.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
