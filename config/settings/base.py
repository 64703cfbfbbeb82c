"""Settings shared by every environment. Environment-specific modules import from here."""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "pgtrigger",
    "pghistory",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_prometheus",
    "common",
    "agencies",
    "casework",
    "exploitation",
    "links",
    "screening",
    "relief",
    "referrals",
    "court",
    "plans",
    "matching",
    "documents",
    "exports",
    "notifications",
    "api",
    "web",
    "audit",
    "security",
]

MIDDLEWARE = [
    # Outermost: the request id is set before anything can log, and every answer carries it.
    "common.logs.RequestLogMiddleware",
    # First and last: counts every request and response, whatever answered it (config/metrics.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from gunicorn itself, in the demo as in deployments (no separate file server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a request: the language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "api.middleware.NoStoreMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who and where, for audit records and the change history of everything below.
    "audit.middleware.AuditContextMiddleware",
    # A signed-in person's chosen language wins over the browser's (docs/translation.md).
    "agencies.middleware.UserLanguageMiddleware",
    # Before anything acts for the user: an idle or too-old session is ended first.
    "security.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "security.middleware.MfaEnrolmentMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE and LANGUAGES for the page's lang attribute and the language switch.
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request uses it, so one broken by a PostgreSQL restart
# or failover is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: Bridge runs short queries, and PostgreSQL compiles any query whose estimate
# passes `jit_above_cost`, which a case list sorted over twenty thousand cases does; compiling it
# took two seconds where running it took a tenth of that (docs/performance.md).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Behind PgBouncer in transaction pooling a cursor cannot outlive its transaction's server
# connection, so `.iterator()` fetches client-side instead (docs/performance.md, "Beyond one machine").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DJANGO_DISABLE_SERVER_SIDE_CURSORS", default=False
)

# A streaming replica for the reads that tolerate a second of lag (config/db_router.py). Its test
# database is the primary's, replicated: MIRROR only gives it the test database's name, the
# connection still goes to the replica's host and port.
REPLICA_DATABASE_URL = env.str("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    for setting in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS"):
        DATABASES["replica"][setting] = DATABASES["default"][setting]
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
    # Last before the metrics: every sign-in and session check has read from the primary by then.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django_prometheus.middleware.PrometheusAfterMiddleware"),
        "config.db_router.ReplicaReadsMiddleware",
    )
# After a write, the writer's reads stay on the primary this long, so they see their own edit
# whatever the replica's lag.
BRIDGE_REPLICA_STICKY_SECONDS = env.int("BRIDGE_REPLICA_STICKY_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": 300,
    }
}

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every password check for a locked-out username, whichever path asks.
    "security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Guardian's anonymous user would be a row in the user table with no agency; Bridge has no use for it.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False

LANGUAGE_CODE = "en"
# Every page, form, message, email and API error in these languages (docs/translation.md). Each
# person chooses theirs; without a choice, the browser's Accept-Language decides.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("BRIDGE_TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BridgeTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BridgeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "security.throttling.AnonymousRateThrottle",
        "security.throttling.UserRateThrottle",
    ],
    # Per minute: unauthenticated callers by address, signed-in users by account, token requests
    # by address and username, and token requests by address (an office behind one address).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("BRIDGE_THROTTLE_ANON", default="60/min"),
        "user": env.str("BRIDGE_THROTTLE_USER", default="600/min"),
        "sign_in": env.str("BRIDGE_THROTTLE_SIGN_IN", default="10/min"),
        "sign_in_address": env.str("BRIDGE_THROTTLE_SIGN_IN_ADDRESS", default="300/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bridge API",
    "DESCRIPTION": (
        "Multi-agency case coordination for child victims of trafficking. The contract is "
        "`API.md`; this document is generated from the code. Errors always have the shape "
        '`{"error": {"code", "message", "fields"}}`; something the caller may not see is 404.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page describe what Bridge holds about children: signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The docs page's scripts come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "agencies.models.Role",
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "SectionEnum": "casework.sections.Section",
        "DataSectionEnum": "api.schema.DATA_SECTION_LABELS",
        "DataSectionKeyEnum": "api.schema.DATA_SECTION_KEYS",
        "TaskPriorityEnum": "casework.models.TaskPriority",
        "CaseStatusEnum": "casework.models.CaseStatus",
        "TaskStatusEnum": "casework.models.TaskStatus",
        "HandoffStatusEnum": "casework.models.HandoffStatus",
        "CaseEventTypeEnum": "casework.models.CaseEventType",
        "LinkKindEnum": "links.models.LinkKind",
        "TraffickingStatusEnum": "casework.models.TraffickingStatus",
        "DecidableTraffickingStatusEnum": "screening.models.DECIDABLE_STATUS_CHOICES",
        "ReliefKindEnum": "relief.models.ReliefKind",
        "ReliefStatusEnum": "relief.models.ReliefStatus",
        "ClosureStatusEnum": "casework.models.ClosureStatus",
        "ClosureReasonEnum": "casework.models.ClosureReason",
        "ReferralOutcomeEnum": "referrals.models.ReferralOutcome",
        "ReferralSessionKindEnum": "referrals.models.SessionKind",
        "ConsentSectionEnum": "casework.services.sharing.CONSENT_SECTION_CHOICES",
        "HearingTypeEnum": "court.models.HearingType",
        "HearingOutcomeEnum": "court.models.HearingOutcome",
        "CriminalCaseStatusEnum": "court.models.CriminalCaseStatus",
        "ChargeDispositionEnum": "court.models.ChargeDisposition",
        "ProceedingTypeEnum": "court.models.ProceedingType",
        "CustodyStatusEnum": "court.models.CustodyStatus",
        "CustodyEventKindEnum": "court.models.CustodyEventKind",
        "GoalStatusEnum": "plans.models.GoalStatus",
        "PlanActionStatusEnum": "plans.models.ActionStatus",
        "PlanDecisionEnum": "plans.models.Decision",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# Demo data of apps built on casework, loaded after the demo county by `manage.py load_demo`: each
# is called with the demo users (`people`, by agency key and role).
# In this order: screening sets the trafficking statuses the exploitation profiles need.
BRIDGE_DEMO_EXTENSIONS = [
    "screening.demo.demo_load_screening",
    "exploitation.demo.demo_load_profiles",
    "links.demo.demo_load_links",
    "relief.demo.relief_demo_load",
    "referrals.demo.referrals_demo_load",
    "court.demo.court_demo_load",
    "plans.demo.plans_demo_load",
    "documents.demo.documents_demo_load",
    "exports.demo.exports_demo_load",
    "matching.demo.demo_load_possible_matches",
]

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Bridge <bridge@localhost>")

# The address that links in emails and notifications point at.
BRIDGE_BASE_URL = env.str("BRIDGE_BASE_URL", default="http://localhost:8000")
BRIDGE_REMINDER_SWEEP_SECONDS = env.int("BRIDGE_REMINDER_SWEEP_SECONDS", default=60)

CELERY_BROKER_URL = REDIS_URL
# kombu's Redis transport, made to outlive a Redis restart and a full Redis (config/broker.py).
CELERY_BROKER_TRANSPORT = "config.broker:Transport"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
# A broker host that stops answering must not stall a web request that publishes after commit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# However long Redis is away, the worker keeps reconnecting instead of exiting after 100 tries.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A delivery that is mid-send when the broker connection drops finishes and records its outcome;
# cancelling it could leave an email sent but not marked sent, and so sent twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = "UTC"
# The supervisors' dashboard over the default period is served from figures a worker stores
# (casework/dashboard_figures.py). Each beat tick refreshes the stalest stored figures first, as many
# as their last computing times fit in the budget (at 1,000,000 cases the largest agency takes 3 to
# 6 s, all fifty 75 s: docs/performance.md); figures older than the maximum age are never served,
# and figures no supervisor has opened within KEEP_FRESH seconds are deleted.
BRIDGE_DASHBOARD_REFRESH_SECONDS = env.int("BRIDGE_DASHBOARD_REFRESH_SECONDS", default=60)
BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS = env.int("BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS", default=20)
BRIDGE_DASHBOARD_MAX_AGE_SECONDS = env.int("BRIDGE_DASHBOARD_MAX_AGE_SECONDS", default=600)
BRIDGE_DASHBOARD_KEEP_FRESH_SECONDS = env.int("BRIDGE_DASHBOARD_KEEP_FRESH_SECONDS", default=86400)
if not 0 < BRIDGE_DASHBOARD_REFRESH_SECONDS < BRIDGE_DASHBOARD_MAX_AGE_SECONDS:
    raise ImproperlyConfigured(
        "BRIDGE_DASHBOARD_REFRESH_SECONDS must be positive and below BRIDGE_DASHBOARD_MAX_AGE_SECONDS"
    )
if BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS <= 0:
    raise ImproperlyConfigured("BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS must be positive")
# Reminders come from scanning the database on these ticks, never from ETA messages.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "deadlines-sweep": {
        "task": "casework.tasks.sweep",
        "schedule": float(BRIDGE_REMINDER_SWEEP_SECONDS),
        "options": {"expires": float(BRIDGE_REMINDER_SWEEP_SECONDS)},
    },
    "dashboard-figures-refresh": {
        "task": "casework.tasks.refresh_dashboards",
        "schedule": float(BRIDGE_DASHBOARD_REFRESH_SECONDS),
        "options": {"expires": float(BRIDGE_DASHBOARD_REFRESH_SECONDS)},
    },
    "notifications-relay-outbox": {
        "task": "notifications.tasks.relay_outbox",
        "schedule": float(BRIDGE_REMINDER_SWEEP_SECONDS),
        "options": {"expires": float(BRIDGE_REMINDER_SWEEP_SECONDS)},
    },
}

# Every line one JSON object (common/logs.py) for the log shipper; `text` for a person reading a
# terminal (the demo's default, config/settings/local.py). Either way each handler drops personal
# data first and names the request or task the line was written for.
BRIDGE_LOG_FORMAT = env.str("BRIDGE_LOG_FORMAT", default="json")
if BRIDGE_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("BRIDGE_LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_personal_data": {"()": "security.logging.PersonalDataFilter"},
        "log_context": {"()": "common.logs.LogContextFilter"},
    },
    "formatters": {
        "text": {
            "()": "common.logs.TextFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "common.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": BRIDGE_LOG_FORMAT,
            "filters": ["no_personal_data", "log_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each step of every PDF it renders at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
BRIDGE_CONSENT_MAX_DAYS = env.int("BRIDGE_CONSENT_MAX_DAYS", default=365)

# The most cases one case list export holds; a larger list is narrowed with its filters first.
BRIDGE_EXPORT_MAX_ROWS = env.int("BRIDGE_EXPORT_MAX_ROWS", default=10_000)
# How long an agency has to answer a handoff before it is reminded, escalated and finally expired.
BRIDGE_HANDOFF_RESPONSE_HOURS = env.int("BRIDGE_HANDOFF_RESPONSE_HOURS", default=24)
BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS = env.int("BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS", default=4)

# Reminders (casework/sweep.py): hours before a task's due time, how often an overdue
# task escalates again, how long before expiry the steward of a consent hears about it.
BRIDGE_REMINDER_OFFSETS_HOURS = env.list("BRIDGE_REMINDER_OFFSETS_HOURS", cast=int, default=[72, 24, 1])
BRIDGE_OVERDUE_ESCALATION_HOURS = env.int("BRIDGE_OVERDUE_ESCALATION_HOURS", default=24)
BRIDGE_CONSENT_REMINDER_DAYS = env.int("BRIDGE_CONSENT_REMINDER_DAYS", default=14)
BRIDGE_HANDOFF_REMINDER_BEFORE_HOURS = env.int("BRIDGE_HANDOFF_REMINDER_BEFORE_HOURS", default=1)
# Due tasks whose reminders fire in one transaction; the beat sweep hands every batch but the
# first to the Celery workers, so a large backlog runs on all of them (docs/performance.md).
BRIDGE_REMINDER_TASK_BATCH = env.int("BRIDGE_REMINDER_TASK_BATCH", default=500)
# An unanswered handoff escalates at its respond_by and goes back to the sender this much later.
# How long a supervisor has to decide on a submitted case plan: the approval task's due time, from
# which the task sweep reminds the supervisor and escalates.
BRIDGE_PLAN_APPROVAL_DAYS = env.int("BRIDGE_PLAN_APPROVAL_DAYS", default=3)
BRIDGE_HANDOFF_EXPIRY_GRACE_HOURS = env.int("BRIDGE_HANDOFF_EXPIRY_GRACE_HOURS", default=2)
# How long a supervisor has to approve or return a request to close a case before the review task
# is overdue and escalates like any other task.
BRIDGE_CLOSURE_REVIEW_HOURS = env.int("BRIDGE_CLOSURE_REVIEW_HOURS", default=72)
# Local hour after which the daily digest of the day is built for users who chose it.
BRIDGE_DIGEST_HOUR = env.int("BRIDGE_DIGEST_HOUR", default=7)
# The email outbox: a pending row nobody finished within this many seconds is published again.
BRIDGE_OUTBOX_RELAY_AFTER_SECONDS = env.int("BRIDGE_OUTBOX_RELAY_AFTER_SECONDS", default=120)
BRIDGE_EMAIL_MAX_ATTEMPTS = env.int("BRIDGE_EMAIL_MAX_ATTEMPTS", default=8)

# --- security (CJIS Security Policy, VAWA confidentiality): see docs/security.md --------------------

# Multi-factor authentication (django-allauth). Every account enrols a second factor at its first
# sign-in; only the local demo turns this off (config/settings/local.py).
BRIDGE_MFA_REQUIRED = env.bool("BRIDGE_MFA_REQUIRED", default=True)
ACCOUNT_ADAPTER = "security.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Sessions end with the browser and never outlive BRIDGE_SESSION_MAX_HOURS: no "remember me".
ACCOUNT_SESSION_REMEMBER = False
# Per-username failures are the lockout's business (security.lockout); this only slows one
# address trying many usernames, at a rate a county office behind one NAT address never reaches.
ACCOUNT_RATE_LIMITS = {"login_failed": env.str("BRIDGE_SIGN_IN_FAILURES_PER_ADDRESS", default="300/m/ip")}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Bridge"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {"authenticate": "security.forms.AuthenticateForm"}

# Lockout: this many failed sign-ins in a row lock the username for this long, on every path.
BRIDGE_LOGIN_FAILURE_LIMIT = env.int("BRIDGE_LOGIN_FAILURE_LIMIT", default=5)
BRIDGE_LOCKOUT_MINUTES = env.int("BRIDGE_LOCKOUT_MINUTES", default=10)

# Sessions: ended after this long without a request, and in any case this long after sign-in.
BRIDGE_SESSION_IDLE_MINUTES = env.int("BRIDGE_SESSION_IDLE_MINUTES", default=30)
BRIDGE_SESSION_MAX_HOURS = env.int("BRIDGE_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = BRIDGE_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# API tokens are re-issued (with the second factor) after this long.
BRIDGE_TOKEN_MAX_HOURS = env.int("BRIDGE_TOKEN_MAX_HOURS", default=12)
# Nobody sets another person's password: a new account gets an emailed link to set its own, and an
# administrator can only email a member a reset link. Both links last this long and work once.
BRIDGE_ENROLMENT_LINK_HOURS = env.int("BRIDGE_ENROLMENT_LINK_HOURS", default=72)
PASSWORD_RESET_TIMEOUT = BRIDGE_ENROLMENT_LINK_HOURS * 3600
# A reset link signs nobody in: the person signs in with the new password and their second factor.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False

# Break-glass: how long an emergency opening of a section lasts.
BRIDGE_BREAK_GLASS_HOURS = env.int("BRIDGE_BREAK_GLASS_HOURS", default=4)

# Reverse proxies in front of Bridge whose X-Forwarded-For entries are trusted for the client
# address in audit records (0: use the connection's address).
BRIDGE_TRUSTED_PROXY_COUNT = env.int("BRIDGE_TRUSTED_PROXY_COUNT", default=0)
BRIDGE_AUDIT_SEAL_SECONDS = env.int("BRIDGE_AUDIT_SEAL_SECONDS", default=10)
# Retry-After of the 503 a request gets when the database went away under it (a restart, a
# failover): about how long a PostgreSQL restart takes.
BRIDGE_DATABASE_RETRY_AFTER_SECONDS = env.int("BRIDGE_DATABASE_RETRY_AFTER_SECONDS", default=5)
# The bearer token Prometheus presents at /metrics; empty turns the endpoint off (404).
BRIDGE_METRICS_TOKEN = env.str("BRIDGE_METRICS_TOKEN", default="")
CELERY_BEAT_SCHEDULE["audit-seal"] = {
    "task": "audit.tasks.seal",
    "schedule": float(BRIDGE_AUDIT_SEAL_SECONDS),
    "options": {"expires": float(BRIDGE_AUDIT_SEAL_SECONDS)},
}
# Audit records older than this move to the archive tables (audit.services.audit_archive), where
# the hash chain still verifies; nothing is ever deleted. Child welfare records are kept for years:
# never less than a year.
BRIDGE_AUDIT_RETENTION_DAYS = env.int("BRIDGE_AUDIT_RETENTION_DAYS", default=2555)
if BRIDGE_AUDIT_RETENTION_DAYS < 365:
    raise ImproperlyConfigured("BRIDGE_AUDIT_RETENTION_DAYS must be at least 365.")
CELERY_BEAT_SCHEDULE["audit-archive"] = {
    "task": "audit.tasks.archive",
    # Hourly: a cheap query when nothing has come of age, and a small batch when something has.
    "schedule": 3600.0,
}

# Headers. Pages load scripts, styles, images and fonts from Bridge itself and nowhere else, run
# no inline script or style, and cannot be framed.
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str] | bool]] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the QR code of the authenticator app enrolment.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Finding the same child twice (matching/selectors.py; the reasoning behind each number is in
# ARCHITECTURE.md, "Finding the same child twice", and the benchmark that tuned them in
# docs/performance.md). A score is name_weight x the share of names in common (the mean of shared /
# the names of the shorter and 2 x shared / the names of both), trigram_weight x the trigram
# similarity of the whole names, and birth_weight x how the dates of birth agree.
BRIDGE_MATCH_SCORING = {
    "name_weight": 0.45,
    "trigram_weight": 0.15,
    "birth_weight": 0.40,
    # One shared name (a common first name or surname) is weak evidence on its own.
    "one_shared_name": 0.5,
    # Names this long or longer still agree with one letter wrong or two neighbours swapped.
    "typo_min_length": 4,
    # Names sounding alike (Double Metaphone) agree when spelled within two letters, or whatever
    # their spelling from this length on ("Aleksandr", "Alexander"); "Ruiz" and "Rios" do not.
    "sound_alone_min_length": 7,
    "birth_missing": 0.5,
    "birth_day_month_swapped": 0.9,
    "birth_year_off_by_one": 0.75,
    "birth_day_or_month_differs": 0.7,
}
BRIDGE_MATCH_HIGH = env.float("BRIDGE_MATCH_HIGH", default=0.9)
BRIDGE_MATCH_MEDIUM = env.float("BRIDGE_MATCH_MEDIUM", default=0.65)
# Possible matches shown for one case, strongest first.
BRIDGE_MATCH_LIMIT = env.int("BRIDGE_MATCH_LIMIT", default=5)

# Documents (ARCHITECTURE.md, "Documents"). Keys: `key_id:base64 of 32 random bytes`, comma
# separated; the first encrypts, all decrypt. Required: there is no default key.
BRIDGE_DOCUMENT_KEYS = env.list("BRIDGE_DOCUMENT_KEYS")
BRIDGE_DOCUMENT_MAX_BYTES = env.int("BRIDGE_DOCUMENT_MAX_BYTES", default=25 * 1024 * 1024)
BRIDGE_DOCUMENT_TYPES = env.list(
    "BRIDGE_DOCUMENT_TYPES", default=["application/pdf", "image/png", "image/jpeg"]
)
# Outside STATIC_ROOT and every URL: documents leave only through the download views.
BRIDGE_DOCUMENT_ROOT = env.path("BRIDGE_DOCUMENT_ROOT", default=BASE_DIR / "var" / "documents")
BRIDGE_DOCUMENT_STORAGE = env.str("BRIDGE_DOCUMENT_STORAGE", default="filesystem")
if BRIDGE_DOCUMENT_STORAGE == "s3":
    DOCUMENT_STORAGE: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("BRIDGE_DOCUMENT_S3_BUCKET"),
            # Left empty, boto3 finds them itself (instance role, AWS_* variables).
            "endpoint_url": env.str("BRIDGE_DOCUMENT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("BRIDGE_DOCUMENT_S3_REGION", default="") or None,
            "access_key": env.str("BRIDGE_DOCUMENT_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("BRIDGE_DOCUMENT_S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif BRIDGE_DOCUMENT_STORAGE == "filesystem":
    DOCUMENT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: nothing serves this directory.
        "OPTIONS": {"location": str(BRIDGE_DOCUMENT_ROOT), "base_url": None, "file_permissions_mode": 0o600},
    }
else:
    raise ImproperlyConfigured("BRIDGE_DOCUMENT_STORAGE is `filesystem` or `s3`.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": DOCUMENT_STORAGE,
}
# Form fields other than files stay small; a file part above 2.5 MB is streamed to a temporary
# file rather than held in memory, and the service refuses one above BRIDGE_DOCUMENT_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
# Requests to compare a possible match one person may make in 24 hours. Each tells them only an
# agency's name, but a person crafting identities to probe other agencies' cases is slowed and,
# with every check and request audited, seen.
BRIDGE_MATCH_ASKS_PER_DAY = env.int("BRIDGE_MATCH_ASKS_PER_DAY", default=10)
