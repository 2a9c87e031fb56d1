"""Django settings for Zhaoshang.

Everything a deployment may change comes from the environment through the typed helpers
in ``zhaoshang.env``; see docs/deploy.md for the full list. The defaults give the
embedded set-up: SQLite in WAL mode, one process, http://127.0.0.1:8000.
"""

from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

from zhaoshang.core.crypto import fernet_keys
from zhaoshang.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZHAOSHANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("ZHAOSHANG_DEBUG", False)
# HTTPS turns on the cookie and transport settings `check --deploy` asks for. It is a
# separate switch from DEBUG because the embedded demo runs without DEBUG on plain http.
HTTPS = env_bool("ZHAOSHANG_HTTPS", False)


def _secret_key() -> str:
    explicit = env_str("ZHAOSHANG_SECRET_KEY", "")
    if explicit:
        return explicit
    # The embedded set-up keeps a generated key in var/ so sessions survive restarts.
    # A production deployment sets ZHAOSHANG_SECRET_KEY (check --deploy insists).
    from django.core.management.utils import get_random_secret_key

    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Keys encrypting secrets kept in the database (zhaoshang/core/crypto.py, docs/deploy.md).
SECRET_KEYS = fernet_keys(env_str("ZHAOSHANG_SECRET_KEYS", ""), secret_key=SECRET_KEY, production=HTTPS)
ALLOWED_HOSTS = env_list("ZHAOSHANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ZHAOSHANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # django-ninja (the API in zhaoshang/api) as an app: its bundled Swagger UI files are
    # then served from our own static files (no CDN on an intranet).
    "ninja",
    "zhaoshang.core",
    "zhaoshang.accounts",
    "zhaoshang.reference",
    "zhaoshang.relations",
    "zhaoshang.projects",
    "zhaoshang.imports",
    "zhaoshang.funds",
    "zhaoshang.fieldwork",
    "zhaoshang.leads",
    "zhaoshang.targets",
    "zhaoshang.stats",
    "zhaoshang.dashboard",
    "zhaoshang.alerts",
    "zhaoshang.assessment",
    "zhaoshang.supervision",
    "zhaoshang.scheduling",
    "zhaoshang.notifications",
    "zhaoshang.bulletins",
    "zhaoshang.review",
    "zhaoshang.api",
    "zhaoshang.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhaoshang.core.busy.DatabaseBusyMiddleware",
    "csp.middleware.CSPMiddleware",
    "zhaoshang.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhaoshang.core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhaoshang.core.middleware.AuditUserMiddleware",
    "zhaoshang.accounts.middleware.SecondFactorMiddleware",
    "zhaoshang.core.middleware.SecurityEventMiddleware",
    "zhaoshang.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "zhaoshang.urls"
WSGI_APPLICATION = "zhaoshang.wsgi.application"
ASGI_APPLICATION = "zhaoshang.asgi.application"

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
                "zhaoshang.core.context_processors.navigation",
                "zhaoshang.core.context_processors.release",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
# SQLite by default; PostgreSQL (or any URL dj-database-url understands) via DATABASE_URL.
_database_url = env_str("DATABASE_URL", "")
# How long a SQLite writer waits for another's lock before 「系统繁忙，请稍后重试」 (core/busy.py).
SQLITE_BUSY_SECONDS = env_int("ZHAOSHANG_SQLITE_BUSY_SECONDS", 20, minimum=1)
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    DATABASES["default"].setdefault("TEST", {})
    if env_str("ZHAOSHANG_TEST_DB_NAME", ""):
        DATABASES["default"]["TEST"]["NAME"] = env_str("ZHAOSHANG_TEST_DB_NAME")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("ZHAOSHANG_SQLITE_PATH", str(VAR_DIR / "zhaoshang.sqlite3")),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; the busy timeout makes a
                # second writer wait instead of failing; IMMEDIATE takes the write lock at
                # BEGIN so two transactions cannot deadlock upgrading their locks.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000};"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_SECONDS,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# 等保 2.0 default: ≥ 8 characters from at least three classes, changed every 90 days.
PASSWORD_MIN_LENGTH = env_int("ZHAOSHANG_PASSWORD_MIN_LENGTH", 8, minimum=6)
PASSWORD_MIN_CLASSES = env_int("ZHAOSHANG_PASSWORD_MIN_CLASSES", 3, minimum=1)
# 0 turns rotation off (OWASP ASVS advises against forced rotation).
PASSWORD_MAX_AGE_DAYS = env_int("ZHAOSHANG_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
# Django's rules, subclassed for their messages in plain Chinese (accounts/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhaoshang.accounts.validators.UserAttributeSimilarityValidator"},
    {
        "NAME": "zhaoshang.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "zhaoshang.accounts.validators.CommonPasswordValidator"},
    {"NAME": "zhaoshang.accounts.validators.NumericPasswordValidator"},
    {
        "NAME": "zhaoshang.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
]

# Lockout is keyed by user name: behind a government proxy every user shares one IP.
# A key contact (客商, 乡贤) with no recorded interaction for this many days is brought to
# the keeping officer's attention (relations.reminders).
KEY_CONTACT_SILENCE_DAYS = env_int("ZHAOSHANG_KEY_CONTACT_SILENCE_DAYS", 90, minimum=1)
# The deployment's own division (统计用区划代码: 2 digits a province, 4 a city, 6 a county):
# what 市外, 省外 and 境外 investors are counted against (relations.origin). The default,
# 3307 (金华市, 浙江省), is the demo city's: a real deployment sets its own.
HOME_DIVISION = env_str("ZHAOSHANG_HOME_DIVISION", "3307")
if not (HOME_DIVISION.isdigit() and len(HOME_DIVISION) in (2, 4, 6, 9)):
    raise ImproperlyConfigured("ZHAOSHANG_HOME_DIVISION: a division code of 2, 4, 6 or 9 digits, e.g. 3307")
LOGIN_FAILURE_LIMIT = env_int("ZHAOSHANG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("ZHAOSHANG_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

# The second factor (accounts/mfa.py): roles that must use an authenticator app, e.g.
# "sysadmin,auditor,bureau,leader,officer" in production. Empty: optional for everyone.
ZHAOSHANG_MFA_REQUIRED_ROLES = env_list("ZHAOSHANG_MFA_REQUIRED_ROLES", [])
_ROLES = {"leader", "bureau", "officer", "sysadmin", "auditor"}
if set(ZHAOSHANG_MFA_REQUIRED_ROLES) - _ROLES:
    raise ImproperlyConfigured(
        f"ZHAOSHANG_MFA_REQUIRED_ROLES: unknown roles {sorted(set(ZHAOSHANG_MFA_REQUIRED_ROLES) - _ROLES)}"
    )
OTP_TOTP_ISSUER = env_str("ZHAOSHANG_MFA_ISSUER", "招商引资综合管理平台")
# Wrong codes double the wait before the next try (django-otp's throttling): 1 s, 2 s, 4 s …
OTP_TOTP_THROTTLE_FACTOR = 1

# Single sign-on with the unified identity platform over OpenID Connect (accounts/sso.py):
# on when ZHAOSHANG_OIDC_ISSUER is set. Endpoints default to the issuer's usual paths and can
# each be given. Accounts are matched by user name and never created from a token.
ZHAOSHANG_OIDC_ISSUER = env_str("ZHAOSHANG_OIDC_ISSUER", "").rstrip("/")
ZHAOSHANG_OIDC_ENABLED = bool(ZHAOSHANG_OIDC_ISSUER)
ZHAOSHANG_OIDC_USERNAME_CLAIM = env_str("ZHAOSHANG_OIDC_USERNAME_CLAIM", "preferred_username")
ZHAOSHANG_OIDC_BUTTON = env_str("ZHAOSHANG_OIDC_BUTTON", "统一身份认证登录")
AUTHENTICATION_BACKENDS = ["zhaoshang.accounts.backends.PeopleBackend"]
if ZHAOSHANG_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("zhaoshang.accounts.sso.UnifiedIdentityBackend")
    OIDC_RP_CLIENT_ID = env_str("ZHAOSHANG_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("ZHAOSHANG_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("ZHAOSHANG_OIDC_AUTHORIZATION_ENDPOINT", f"{ZHAOSHANG_OIDC_ISSUER}/auth")
    OIDC_OP_TOKEN_ENDPOINT = env_str("ZHAOSHANG_OIDC_TOKEN_ENDPOINT", f"{ZHAOSHANG_OIDC_ISSUER}/token")
    OIDC_OP_USER_ENDPOINT = env_str("ZHAOSHANG_OIDC_USERINFO_ENDPOINT", f"{ZHAOSHANG_OIDC_ISSUER}/me")
    OIDC_OP_JWKS_ENDPOINT = env_str("ZHAOSHANG_OIDC_JWKS_ENDPOINT", f"{ZHAOSHANG_OIDC_ISSUER}/jwks")
OIDC_RP_SIGN_ALGO = env_str("ZHAOSHANG_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("ZHAOSHANG_OIDC_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
OIDC_VERIFY_SSL = env_bool("ZHAOSHANG_OIDC_VERIFY_TLS", True)
OIDC_TIMEOUT = 10

# Idle sessions end after 30 minutes: the expiry slides with every request.
SESSION_COOKIE_AGE = env_int("ZHAOSHANG_IDLE_TIMEOUT_MINUTES", 30, minimum=1) * 60
# The idle expiry slides with activity: core.middleware.SlidingSessionMiddleware saves the
# session at most once a minute (not on every request, as SESSION_SAVE_EVERY_REQUEST would).
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "zs_sessionid"
CSRF_COOKIE_NAME = "zs_csrftoken"
# A failed CSRF check (most often a form left open past the session's end) in Chinese.
CSRF_FAILURE_VIEW = "zhaoshang.core.views_errors.csrf_failure"

# --- Transport (production behind HTTPS) --------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ZHAOSHANG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ZHAOSHANG_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ZHAOSHANG_HSTS_PRELOAD", True)
    # nginx terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (django-csp). Scripts: our own files and inline
# blocks carrying the response's nonce; no inline event handlers (static/js/zhaoshang.js
# reads data- attributes instead). Style elements likewise; style *attributes* stay allowed
# (style-src-attr) because Tabler's markup and ECharts' and Bootstrap's positioning use
# them, and an attribute cannot run script. data: images are the SVG icons inside Tabler's CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "style-src-attr": [csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "blob:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

# Client IP: behind nginx the address is in X-Forwarded-For; trust it only when told to.
TRUST_X_FORWARDED_FOR = env_bool("ZHAOSHANG_TRUST_X_FORWARDED_FOR", False)

# --- Uploads ---------------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("ZHAOSHANG_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # files are served by views that check scope, never statically
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("ZHAOSHANG_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024

# Leads between units (zhaoshang/leads): what a unit that hands a project over keeps of its
# credit unless it says otherwise (the bureau's rule, whole percent), and after how many days
# without a follow-up a lead taken from the pool goes back to it.
ZHAOSHANG_HANDOVER_KEPT_PERCENT = env_int("ZHAOSHANG_HANDOVER_KEPT_PERCENT", 20, minimum=0)
if ZHAOSHANG_HANDOVER_KEPT_PERCENT > 99:
    raise ImproperlyConfigured("ZHAOSHANG_HANDOVER_KEPT_PERCENT must be between 0 and 99.")
ZHAOSHANG_LEAD_POOL_IDLE_DAYS = env_int("ZHAOSHANG_LEAD_POOL_IDLE_DAYS", 30, minimum=1)
# Stationed teams (zhaoshang/fieldwork): the percent of the credit for a project a seconded
# member brings that goes to the member's home unit, unless the member's row says otherwise.
ZHAOSHANG_TEAM_HOME_SHARE_PERCENT = env_int("ZHAOSHANG_TEAM_HOME_SHARE_PERCENT", 30, minimum=0)
if ZHAOSHANG_TEAM_HOME_SHARE_PERCENT > 99:
    raise ImproperlyConfigured("ZHAOSHANG_TEAM_HOME_SHARE_PERCENT must be between 0 and 99.")
# A spreadsheet is read only within these bounds: 20 MB of .xlsx may unzip to gigabytes.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB", 100, minimum=1) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("ZHAOSHANG_IMPORT_MAX_ROWS", 100_000, minimum=100)
IMPORT_MAX_COLUMNS = env_int("ZHAOSHANG_IMPORT_MAX_COLUMNS", 256, minimum=10)

# --- Language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("ZHAOSHANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("ZHAOSHANG_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# WhiteNoise serves the vendored assets from the application: no CDN on an intranet.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("ZHAOSHANG_LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}

# --- Product settings (口径 and thresholds grow here in later issues) -----------------------
AUDIT_RETENTION_DAYS = env_int("ZHAOSHANG_AUDIT_RETENTION_DAYS", 180, minimum=180)
# Database triggers that refuse UPDATE/DELETE on the audit log (see core migration 0002).
AUDIT_DB_TRIGGERS = env_bool("ZHAOSHANG_AUDIT_DB_TRIGGERS", True)

# 重点项目 / 亿元以上项目: 协议总投资 at or above this many 万元 (default 1 亿元).
KEY_PROJECT_THRESHOLD_WAN = env_int("ZHAOSHANG_KEY_PROJECT_THRESHOLD_WAN", 10000, minimum=0)

# 统计口径 (counting rules), each a setting of the deployment; see docs/counting-rules.md.
# Which date puts a signing in a period: the signing date ("event") or the verification date.
STATS_SIGNING_DATE = env_str("ZHAOSHANG_STATS_SIGNING_DATE", "event")
if STATS_SIGNING_DATE not in ("event", "verification"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ZHAOSHANG_STATS_SIGNING_DATE must be 'event' or 'verification'.")
# 亿元以上项目: contracted investment at or above this many 万元.
STATS_BIG_PROJECT_WAN = env_int("ZHAOSHANG_STATS_BIG_PROJECT_WAN", 10000, minimum=1)
# Count submitted (not yet verified) events and tranches too. Default: verified only.
STATS_INCLUDE_SUBMITTED = env_bool("ZHAOSHANG_STATS_INCLUDE_SUBMITTED", False)
# 签约未开工: with no agreed start date, a signed project should start within this many days.
STATS_START_DUE_DAYS = env_int("ZHAOSHANG_STATS_START_DUE_DAYS", 180, minimum=1)
# The monthly roll-up (stats.UnitMonthFact) answers month-aligned periods under the rules
# above; after changing a rule, run `manage.py rebuild_stats`.
STATS_ROLLUPS = env_bool("ZHAOSHANG_STATS_ROLLUPS", True)

# --- Notifications: e-mail and group robots (docs/deploy.md) ------------------------------------
# The address links in e-mails and robot messages start with.
SITE_URL = env_str("ZHAOSHANG_SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = env_str("ZHAOSHANG_EMAIL_HOST", "")
EMAIL_PORT = env_int("ZHAOSHANG_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("ZHAOSHANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ZHAOSHANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZHAOSHANG_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("ZHAOSHANG_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ZHAOSHANG_EMAIL_USE_TLS and ZHAOSHANG_EMAIL_USE_SSL cannot both be 1.")
EMAIL_TIMEOUT = env_int("ZHAOSHANG_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("ZHAOSHANG_EMAIL_FROM", "zhaoshang@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# E-mail notifications are on when a mail server is configured.
NOTIFY_EMAIL = env_bool("ZHAOSHANG_NOTIFY_EMAIL", bool(EMAIL_HOST))
# Try e-mails and robot messages right after the action commits (else only `send_notifications`).
NOTIFY_SEND_IMMEDIATELY = env_bool("ZHAOSHANG_NOTIFY_SEND_IMMEDIATELY", True)
NOTIFY_MAX_ATTEMPTS = env_int("ZHAOSHANG_NOTIFY_MAX_ATTEMPTS", 8, minimum=1)
# Group robots may post only to these hosts (SSRF): the two vendors' robot hosts by default.
WEBHOOK_ALLOWED_HOSTS = env_list("ZHAOSHANG_WEBHOOK_ALLOWED_HOSTS", ["oapi.dingtalk.com", "qyapi.weixin.qq.com"])
WEBHOOK_TIMEOUT_SECONDS = env_int("ZHAOSHANG_WEBHOOK_TIMEOUT", 5, minimum=1)

# --- Jobs (docs/architecture.md "Jobs", docs/deploy.md) ------------------------------------------
# Long work runs in the job worker (`manage.py run_worker`) from a queue in the database.
# ZHAOSHANG_JOBS_IMMEDIATE=1 runs each job inside the request that starts it instead (a
# single-process set-up without a worker; tests do the same).
JOBS_IMMEDIATE = env_bool("ZHAOSHANG_JOBS_IMMEDIATE", False)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if JOBS_IMMEDIATE
            else "django_tasks_db.backend.DatabaseBackend"
        )
    }
}
# A running job writes a heartbeat this often; a job silent for JOB_STALE_SECONDS (or whose
# worker process on the same host is gone) is marked failed by the next worker. The stale
# limit must exceed the longest single transaction of a job on SQLite, during which the
# heartbeat cannot be written (a province-scale ledger commit: about a minute).
JOB_HEARTBEAT_SECONDS = env_int("ZHAOSHANG_JOB_HEARTBEAT_SECONDS", 10, minimum=0)
JOB_STALE_SECONDS = env_int("ZHAOSHANG_JOB_STALE_SECONDS", 600, minimum=30)
# Imports with more rows than this commit in the job worker, with a progress page; smaller
# files commit in the request, which answers in well under a second.
IMPORT_JOB_MIN_ROWS = env_int("ZHAOSHANG_IMPORT_JOB_MIN_ROWS", 300, minimum=0)
# The worker also sends due e-mails and robot messages once a minute (send_notifications'
# work), so a set-up without timers still retries them.
WORKER_SENDS_NOTIFICATIONS = env_bool("ZHAOSHANG_WORKER_SENDS_NOTIFICATIONS", True)

# --- The API (/api/v1, zhaoshang/api; docs/api.md) ------------------------------------------------
# Requests per token per minute; beyond it 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env_int("ZHAOSHANG_API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)
# The longest a token may live, and how long a POST's Idempotency-Key is remembered.
API_TOKEN_MAX_DAYS = env_int("ZHAOSHANG_API_TOKEN_MAX_DAYS", 365, minimum=1)
API_IDEMPOTENCY_HOURS = env_int("ZHAOSHANG_API_IDEMPOTENCY_HOURS", 24, minimum=1)

# Django's cache holds the API's rate-limit counters. One process (the embedded set-up):
# its memory. Several application servers must share one counter per token, so they set
# ZHAOSHANG_CACHE=database and run `manage.py createcachetable` once (docs/deploy.md).
_cache = env_str("ZHAOSHANG_CACHE", "local")
if _cache not in ("local", "database"):
    raise ImproperlyConfigured("ZHAOSHANG_CACHE must be 'local' or 'database'.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "zhaoshang_cache"}
        if _cache == "database"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "zhaoshang"}
    )
}
