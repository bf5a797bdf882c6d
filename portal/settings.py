"""Settings for CNHT Connect, read from the environment.

Two ways to run, one file:

* **Embedded default** (no variables at all): SQLite in ``db.sqlite3``, Celery tasks run eagerly
  in-process, local-memory cache, e-mail printed to the console, ``DEBUG`` on.
* **Production**: ``DATABASE_URL=postgres://…`` switches to PostgreSQL, ``REDIS_URL`` (or
  ``CELERY_BROKER_URL``) switches on the Redis cache and a real Celery broker. ``DEBUG`` then
  defaults to off, and the portal refuses to start with the built-in ``SECRET_KEY``.

Every variable is listed in README.md ("Configuration").
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core ------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", "")
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)

# Production (a database URL) is quiet by default; the embedded default is a developer's machine.
DEBUG = env_bool("DEBUG", not DATABASE_URL)

EMBEDDED_SECRET_KEY = "embedded-default-insecure-key-only-for-local-development"
SECRET_KEY = env_str("SECRET_KEY", EMBEDDED_SECRET_KEY)
if not DEBUG and SECRET_KEY == EMBEDDED_SECRET_KEY:
    raise ImproperlyConfigured("DEBUG is off but SECRET_KEY is the built-in development key: set SECRET_KEY.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "import_export",
    "portal",
    "suppliers",
    "matching",
    "programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database unreachable → 503 with Retry-After, not 500 (portal/faults.py). Above the session
    # middleware on purpose: the session (loaded for the signed-in user, saved on the way out),
    # authentication and the security middleware below all query the database, and only a
    # middleware above them sees their failures. Below the security headers, CSP and WhiteNoise,
    # so the 503 gets those headers and static files never reach it.
    "portal.faults.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.security.SessionLimitsMiddleware",
    "portal.security.MfaRequiredMiddleware",
    "portal.security.RefusedAccessLogMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database, cache, Celery -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if DATABASE_URL else 0),
        # Reconnect after a PostgreSQL restart instead of failing until the app restarts.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that answers as an empty cache while Redis is down (portal/cache.py).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The search page's results, shared by every buyer (suppliers/search_cache.py): kept this long,
# and served this long after a change to a firm before being computed again (0: always fresh).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 300)
SEARCH_CACHE_LAG_SECONDS = env_int("SEARCH_CACHE_LAG_SECONDS", 2)

# With no broker the app must still boot and do its background work: run tasks in-process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Nothing should ever try a network broker in the embedded mode (not even the default amqp).
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    # Marks left behind (broker down, worker killed) are served within a minute.
    "matching-sweep": {"task": "matching.recompute_marked_task", "schedule": 60.0},
    "matching-expired-certificates": {
        "task": "matching.mark_expired_certificates_task",
        "schedule": crontab(hour=0, minute=15),
    },
    "matching-nightly-full-recompute": {
        "task": "matching.recompute_all_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "matching-daily-digest": {"task": "matching.daily_digest_task", "schedule": crontab(hour=7, minute=0)},
    "portal-heartbeat": {"task": "portal.heartbeat_task", "schedule": 60.0},
}

# --- Accounts --------------------------------------------------------------------------------

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any check
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_GET = False
# Failed sign-ins are django-axes' job (per e-mail and IP, see portal.security); allauth keeps
# only its per-IP limit, since its per-e-mail one would let anyone lock a real user out.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# Two-factor sign-in: an authenticator app (TOTP) with recovery codes, no security keys (they
# need WebAuthn's inline scripts and HTTPS everywhere). Changing the e-mail address or the second
# factor asks for the password again (after 5 minutes from the last sign-in).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CNHT Connect"
# Accept the code of the 30-second step before and after too (RFC 6238's allowance for a phone's
# clock drift and for a code typed just as it changes); each code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# Sign-in protection and session limits (portal.security).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "portal.security.axes_username"
# REMOTE_ADDR as gunicorn sees it: the web service faces the clients directly (docker-compose).
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False  # portal.security logs each event once, as JSON
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# --- E-mail ----------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CNHT Connect <no-reply@cnht.local>")

# --- Languages -------------------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files -----------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private uploads live outside static/ and are only served through permission-checking views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Firms' files are downloaded by other firms and by Sở Công Thương staff: where ClamAV's daemon
# runs, every upload is scanned through its unix socket first (suppliers/malware.py). Empty (the
# embedded default) scans nothing; when set and clamd does not answer, uploads are refused.
CLAMAV_SOCKET = env_str("CLAMAV_SOCKET", "")

# --- API -------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # A personal token (``Authorization: Token cnht_…``) for programs; the browser's session
    # for the portal's own pages, with its CSRF check on every write.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Fair use, counted in the cache per user (per IP address for anonymous callers): a client
    # over its rate gets 429 with Retry-After. Generous for people and scripts syncing a catalogue.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANONYMOUS", "30/minute"),
        "user": env_str("API_RATE_USER", "300/minute"),
    },
}

# Personal API tokens (django-rest-knox, ``portal.tokens``): stored as SHA-512 digests, each with
# an expiry its owner chooses (at most a year), a few per user. The prefix lets secret scanners
# (and people) recognise a leaked CNHT Connect token.
KNOX_TOKEN_MODEL = "portal.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_PREFIX": "cnht_",
    "TOKEN_TTL": timedelta(days=90),
    "AUTO_REFRESH": False,
}
API_TOKEN_LIMIT_PER_USER = 10
# knox's own token model is swapped for portal.ApiToken, but its migrations predate the swap and
# would still create its table, unused, whose foreign key to users then blocks the TRUNCATE that
# PostgreSQL test runs flush with. Without migrations, the swapped model gets no table at all.
MIGRATION_MODULES = {"knox": None}

# The OpenAPI 3 schema (/api/v1/schema/) and its docs page (/api/v1/docs/), whose Swagger UI
# files come from drf-spectacular-sidecar and are served as our own static files (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "CNHT Connect API",
    "DESCRIPTION": "Supplier profiles, part requests, matches, shortlists, invitations and quotations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Part requests and capacities share the unit choices: one enum in the schema, not two.
    "ENUM_NAME_OVERRIDES": {
        "CapacityUnitEnum": "suppliers.models.CapacityUnit",
        # Several records have a "status": each its own named enum.
        "PartRequestStatusEnum": "matching.models.PartRequest.Status",
        "ShortlistStatusEnum": "matching.models.ShortlistEntry.Status",
        "ClusterMemberStatusEnum": "suppliers.models.ClusterMember.Status",
    },
}

# --- Security (HTTPS deployments) ------------------------------------------------------------

HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
# Over HTTPS the cookies carry the __Host- prefix: the browser then accepts them only when Secure,
# for the whole site (Path=/) and for this very host (no Domain), so a sibling subdomain cannot
# plant or overwrite them. Plain-HTTP runs (the embedded default, a LAN) keep the usual names.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-language" if HTTPS else "django_language"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this origin, no inline script or style,
# no plug-ins, no <base>, never framed. Bootstrap's form controls draw their icons from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes narrates every attempt; portal.security already logs each one, once, as JSON.
    "loggers": {"axes": {"level": "WARNING"}},
}

# allauth: do not mail addresses that have no account (no enumeration, no spam relay).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

# A page that saves while Redis is down must not hang on the broker: fail fast, the recompute
# mark is already in the database and the beat sweep serves it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# Matching recompute claims: a claim older than the lease belongs to a dead worker and is redone.
MATCHING_CLAIM_LEASE_SECONDS = env_int("MATCHING_CLAIM_LEASE_SECONDS", 600)
# Debounce: a mark is served once nobody has touched it for this many seconds, so a burst of
# edits shares one recompute; but never later than MAX_WAIT after its first edit. In-process
# (eager) mode has no worker to come back later, so it serves at once.
MATCHING_RECOMPUTE_DELAY_SECONDS = env_int(
    "MATCHING_RECOMPUTE_DELAY_SECONDS", 0 if CELERY_TASK_ALWAYS_EAGER else 1
)
MATCHING_RECOMPUTE_MAX_WAIT_SECONDS = env_int("MATCHING_RECOMPUTE_MAX_WAIT_SECONDS", 10)
# Fault injection for the worker-killed test only (a pause after claiming); keep 0 in production.
MATCHING_PAUSE_AFTER_CLAIM_SECONDS = env_int("MATCHING_PAUSE_AFTER_CLAIM_SECONDS", 0)
