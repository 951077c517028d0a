"""Settings shared by every environment.

Everything that differs between machines comes from the environment
(django-environ). A malformed value fails loudly at start-up rather than
silently falling back to a default.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean, refusing anything that is not clearly true or false."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_db(name: str, default: str) -> dict[str, object]:
    raw = env.str(name, default=default)
    if not raw.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(f"{name} must be a postgres:// URL, got {raw!r}")
    config: dict[str, object] = env.db_url_config(raw)
    config["ENGINE"] = "django.db.backends.postgresql"
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    # JIT compilation cost 100-300 ms on graph and search queries that run in a few ms.
    options = config.setdefault("OPTIONS", {})
    assert isinstance(options, dict)
    # The statements common.db prepares keep one generic plan: planned each time, they
    # spent longer planning than running (docs/benchmarks.md). Only prepared statements
    # (and PL/pgSQL) heed this.
    options["options"] = (
        f"{options.get('options', '')} -c jit=off -c plan_cache_mode=force_generic_plan".strip()
    )
    return config


def env_redis(name: str, default: str) -> str:
    raw = env.str(name, default=default)
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must be a redis:// URL, got {raw!r}")
    return raw


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "oauth2_provider",
    "common",
    "profiles",
    "connections",
    "introductions",
    "recommendations",
    "discovery",
    "asks",
    "reach",
    "digest",
    "moderation",
    "developers",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "profiles.middleware.SuspendedMemberLogoutMiddleware",
    "profiles.middleware.LoginRequiredMiddleware",
    "moderation.throttling.PageThrottleMiddleware",
    "common.middleware.MessageMiddleware",  # Django's, for pages only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.CSPMiddleware",  # django-csp's, the site's policy built once
    "common.middleware.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "linkup.urls"
WSGI_APPLICATION = "linkup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "connections.context_processors.network",
            ],
        },
    },
]

DATABASES = {
    "default": env_db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/linkup"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "linkup",
        # Fail fast when Redis is down: the cache is optional (common/cache.py).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "profiles.backends.MemberAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# django-allauth: e-mail verification is mandatory; members log in with their
# e-mail address or their handle (the username is the public LinkUp ID).
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_BLACKLIST = [
    "admin",
    "api",
    "in",
    "me",
    "accounts",
    "static",
    "media",
    "network",
    "settings",
    "linkup",
    "support",
    "help",
    "about",
    "login",
    "logout",
    "signup",
]
ACCOUNT_SIGNUP_FORM_CLASS = "profiles.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LinkUp] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins per IP and per account; allauth stores the counters in the cache.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Data exports ("Download my data") are private: kept outside MEDIA_ROOT and served
# only to their member by privacy.views.
# People search from the worker's in-memory graph (profiles.search_memory): "background"
# reads the graph in a thread on a worker's first search (about 0.5 GB and 25 s a worker
# at 1,000,000 members; SQL answers meanwhile), "inline" reads it in the searching
# thread (tests), "off" searches in SQL only. The graph catches up with Postgres at most
# this often.
SEARCH_GRAPH = env.str("LINKUP_SEARCH_GRAPH", default="background")
SEARCH_GRAPH_SYNC_SECONDS = env.float("LINKUP_SEARCH_GRAPH_SYNC_SECONDS", default=1.0)
# Hot statements are prepared once per connection (common.db); off behind a pooler in
# transaction mode (PgBouncer's), which does not keep them.
DATABASE_PREPARED_STATEMENTS = env.bool("LINKUP_DATABASE_PREPARED_STATEMENTS", default=True)
# A query's matches are read into memory from its 2nd search in a worker (the 1st: SQL).
SEARCH_MATCH_SETS_AFTER = env.int("LINKUP_SEARCH_MATCH_SETS_AFTER", default=2)

EXPORT_ROOT = env.path("LINKUP_EXPORT_ROOT", default=str(BASE_DIR / "var" / "exports"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(BASE_DIR / "var" / "mail")
# Absolute links in e-mails.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="LinkUp <noreply@linkup.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "profiles.api_auth.TokenAuthentication",
        "developers.auth.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # IsAuthenticated, plus the scope an OAuth app's token needs (developers.scopes).
    "DEFAULT_PERMISSION_CLASSES": ["developers.permissions.IsAuthenticatedWithScope"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's rate throttles in fixed windows: one cache round trip (common.throttling).
        "common.throttling.AnonRateThrottle",
        "common.throttling.UserRateThrottle",
        "common.throttling.ScopedRateThrottle",
        "moderation.throttling.AbuseThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/minute",
        "user": "1200/minute",
        "auth": "10/minute",
        "connect": "30/minute",
        "invite": "30/minute",
        "introduce": "30/minute",
        # moderation.throttling: scraping, reports and token guesses, on pages and in the API.
        "search": "30/minute",
        "search_day": "1000/day",
        "search_ip": "60/minute",
        "profile": "60/minute",
        "profile_day": "1500/day",
        "profile_ip": "120/minute",
        "report": "10/hour",
        "auth_username": "20/hour",
    },
    # How many proxies' X-Forwarded-For entries to trust for per-address limits.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "LinkUp API",
    "DESCRIPTION": (
        "The LinkUp REST API. Every 4xx response has the same body: "
        '`{"error": {"code": ..., "message": ..., "fields": {...}}}`.\n\n'
        "## Authentication\n\n"
        "**Personal API tokens** act as you, with everything you can do. Create one at "
        "/settings/tokens/ (named, expiring after 30, 90 or 365 days or never) or with "
        'POST /api/v1/auth/token/ `{"username", "password", "name"?, "expires_in_days"?}`, '
        "and send `Authorization: Token <key>`. The key is shown once and stored hashed. "
        "List your tokens with GET /api/v1/auth/tokens/ and revoke one with "
        "DELETE /api/v1/auth/tokens/{id}/ (or the one in use with DELETE /api/v1/auth/token/); "
        "an expired or revoked token gets a 401 that says so.\n\n"
        "**OAuth 2 apps** act for a member who allowed them, within the scopes the member "
        "granted. Register an app at /developers/apps/, then use the authorization-code "
        "flow with PKCE (S256, required): send the member to /oauth/authorize/ with "
        "`response_type=code`, `client_id`, `redirect_uri`, `scope` (space-separated), "
        "`state`, `code_challenge` and `code_challenge_method=S256`; they see what you ask "
        "for and allow or refuse. Exchange the code at POST /oauth/token/ "
        "(`grant_type=authorization_code`, `code`, `redirect_uri`, `client_id`, "
        "`code_verifier`, and the client secret for confidential apps) for an access token "
        "(1 hour) and a refresh token (rotated on each use), and send "
        "`Authorization: Bearer <access token>`. Each operation names the scope it needs; "
        "without it the answer is a 403 naming the scope (`insufficient_scope`), and an "
        "operation that lists no OAuth scope is closed to apps (`app_not_allowed`). An app "
        "never sees more than its member sees. Members revoke an app at /settings/apps/: "
        "its very next request is a 401.\n\n"
        "Browser sessions work too (with the CSRF token on writes)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the online validator: it would send the schema's URL to swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.schema.document_page_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReportReasonEnum": "moderation.models.Report.Reason",
        "ReportTypeEnum": "moderation.models.TargetType",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: give up quickly;
# the database row that asked for the work stays as the record.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "purge-expired": {"task": "common.tasks.purge_expired", "schedule": 60 * 60},
    "purge-expired-oauth": {"task": "developers.tasks.purge_expired_oauth", "schedule": 60 * 60},
    "sweep-emails": {"task": "connections.tasks.sweep_emails", "schedule": 60},
    "sweep-introductions": {"task": "introductions.tasks.sweep_introductions", "schedule": 300},
    "expire-asks": {"task": "asks.tasks.expire_asks", "schedule": 600},
    "sweep-exports": {"task": "privacy.tasks.sweep_exports", "schedule": 120},
    # Catch up on graph changes whose task was never published (Redis was down).
    "process-graph-changes": {"task": "connections.tasks.process_graph_changes", "schedule": 30},
    "recount-network": {
        "task": "connections.tasks.start_count_run",
        "schedule": env.int("NETWORK_RECOUNT_SECONDS", default=15 * 60),
    },
    "keep-in-touch-reminders": {"task": "digest.tasks.remind_keep_in_touch", "schedule": 60 * 60},
    "send-digests": {"task": "digest.tasks.send_due_digests", "schedule": 60 * 60},
    "refresh-suggestions": {"task": "discovery.tasks.refresh_suggestions", "schedule": 300},
    "refresh-directory": {"task": "discovery.tasks.refresh_directory", "schedule": 60 * 60},
}
# The whole-graph count job splits members into this many partitions, counted
# in parallel by as many Celery workers (on any number of hosts).
NETWORK_COUNT_PARTITIONS = env.int("NETWORK_COUNT_PARTITIONS", default=2)
# Threads per partition (numba); default: every CPU the worker may use.
NETWORK_COUNT_THREADS = env.int("NETWORK_COUNT_THREADS", default=0) or None

# django-oauth-toolkit: the authorization-code flow with PKCE, for third-party apps.
# Scopes and what they open are in developers/scopes.py. Every RFC 9700 (OAuth
# security best practice) gate is on: no implicit or password grant, S256 only,
# tokens only in the Authorization header, hashed at rest, https redirect URIs.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "developers.scopes.LinkUpScopes",
    "OAUTH2_VALIDATOR_CLASS": "developers.oauth.LinkUpOAuth2Validator",
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    # Dead 60 days after its access token expired: an app unused for two months
    # must send the member through consent again.
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 24 * 60 * 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# The toolkit's own model, named so that migrations can refer to it (developers.AppAuthorization).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())

# Security headers. Scripts and style sheets come from our own origin only (no inline
# script anywhere: htmx is configured by a meta tag); style="" attributes are allowed,
# <style> elements are not. Nobody may frame LinkUp. The API docs page adds the hash of
# its one inline <style> block (common.csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # No form-action: the OAuth consent form's redirect goes to the app's own URI.
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Moderation: members whom this many distinct members reported or did not know (on
# ignoring their connection request) within this many days are limited until a
# moderator reviews them.
MODERATION_AUTO_LIMIT_THRESHOLD = env.int("MODERATION_AUTO_LIMIT_THRESHOLD", default=5)
MODERATION_AUTO_LIMIT_DAYS = env.int("MODERATION_AUTO_LIMIT_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIZE = 400
