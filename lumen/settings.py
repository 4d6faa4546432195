"""Lumen's one settings module, driven entirely by environment variables.

Every variable is listed in README.md and .env.example. Secrets may also be given as a path in
`<NAME>_FILE` (Docker/Kubernetes secrets). With DEBUG off a missing secret stops start-up with a
message naming it; with DEBUG on, secrets come from a git-ignored file generated once.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from lumen.lib import devsecrets

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = BASE_DIR / ".lumen"  # git-ignored: embedded database, dev secrets, raw downloads

env = environ.FileAwareEnv()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)


def _secret(name: str) -> str:
    """A secret from the environment; generated for development, mandatory in production."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return devsecrets.load_or_create(STATE_DIR / "dev-secrets.json")[name]
    raise ImproperlyConfigured(
        f"{name} is not set. Lumen refuses to start in production (DEBUG off) without it: "
        f"set {name} or {name}_FILE in the environment (see .env.example)."
    )


def _fernet_keys(raw: str) -> str:
    from cryptography.fernet import Fernet

    for key in raw.split(","):
        try:
            Fernet(key.strip())
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEY must be one or more comma-separated Fernet keys "
                "(generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from exc
    return raw


SECRET_KEY = _secret("SECRET_KEY")
# Several keys, comma-separated, allow rotation: the first encrypts, all decrypt.
FIELD_ENCRYPTION_KEY = _fernet_keys(_secret("FIELD_ENCRYPTION_KEY"))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the host names Lumen serves (no wildcard) when DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lumen.accounts.admin_config.LumenAdminConfig",  # django.contrib.admin, signing in via allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "allauth",
    "lumen.accounts.signin_config.SignInConfig",  # allauth.account, headed "Sign-in"
    "allauth.mfa",
    "auditlog",
    "django_q",
    "lumen.accounts",
    "knowledge",
    "patients",
    "pharma",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files stay cacheable), above everything else: every response
    # Django itself produces for a private page gets no-store, errors and redirects included.
    "lumen.private_pages.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Keeps the inactivity timeout with at most one session write a minute (below).
    "lumen.idle_sessions.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "lumen.urls"
WSGI_APPLICATION = "lumen.wsgi.application"
ASGI_APPLICATION = "lumen.asgi.application"

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
                "lumen.context_processors.roles",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
# DATABASE_URL unset means the embedded PostgreSQL + pgvector (dev, tests, CI), started on
# first use and reused by every later process.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    from lumen import embedded_db

    DATABASES = {"default": embedded_db.ensure_running(embedded_db.default_pgdata())}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# Per-connection tuning for a web workload: parallel query workers cost more than they save
# on millisecond queries (measured: retrieval p50 170 -> 63 ms at 100k chunks), and a wider
# HNSW beam than pgvector's default 40 keeps recall when filters discard neighbours.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "options",
    "-c max_parallel_workers_per_gather=0 -c hnsw.ef_search="
    + str(env.int("LUMEN_HNSW_EF_SEARCH", default=100)),
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Separate test databases let several test runs share one embedded server.
DATABASES["default"]["TEST"] = {"NAME": env("LUMEN_TEST_DB_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared across gunicorn workers without Redis: allauth's login rate limits live here.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lumen_cache",
    }
}

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, each reading the user's group names (roles) with the user.
AUTHENTICATION_BACKENDS = [
    "lumen.accounts.backends.ModelBackend",
    "lumen.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "lumen.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# No "remember me": the inactivity timeout below must apply to everyone.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lumen] "
# allauth's defaults rate-limit failed logins per IP and per account; kept explicit here.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_ADAPTER = "lumen.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lumen"
# One 30-second step either side (RFC 6238 §5.2): a code typed as the step turns, or from a
# phone whose clock is a few seconds off, still works; allauth refuses a code used twice.
MFA_TOTP_TOLERANCE = 1

SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# An *inactivity* timeout: lumen.idle_sessions saves the session (pushing its expiry forward)
# at most once a minute, rather than on every request (one write and commit each, issue 20).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Audit ------------------------------------------------------------------------------
# Values of masked (PHI) fields never reach the audit table: the entry keeps who, when and
# which field changed, and stores "[redacted]" instead of the value.
AUDITLOG_MASK_CALLABLE = "lumen.lib.audit.redact"
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Tasks (django-q2, Django ORM as broker: no Redis) ----------------------------------
_TASK_TIMEOUT = env.int("LUMEN_TASK_TIMEOUT", default=600)
# Seconds before a failed (or lost) task is handed to a worker again, up to max_attempts.
_TASK_RETRY = env.int("LUMEN_TASK_RETRY", default=_TASK_TIMEOUT + 60)
if _TASK_RETRY <= _TASK_TIMEOUT:
    raise ImproperlyConfigured(
        "LUMEN_TASK_RETRY must exceed LUMEN_TASK_TIMEOUT, or a slow task runs twice at once."
    )
Q_CLUSTER = {
    "name": "lumen",
    "orm": "default",
    "workers": env.int("LUMEN_WORKERS", default=2),
    "timeout": _TASK_TIMEOUT,
    "retry": _TASK_RETRY,
    "max_attempts": 3,
    "catch_up": False,
    "poll": 1,
    "sync": env.bool("LUMEN_TASKS_SYNC", default=False),  # tests run tasks inline
}

# --- Email ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
globals().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ...
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lumen <no-reply@lumen.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in emails sent outside a request (medicine reminders) point.
# Web Push reminders (VAPID, RFC 8292). The private key signs every push; browsers subscribe
# to its public half, so changing it orphans every subscription. Generated once for
# development (.lumen/dev-secrets.json); in production set VAPID_PRIVATE_KEY (print one with
# `manage.py vapid_keys`), or leave it unset and reminders go by email only.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="") or (
    devsecrets.load_or_create(STATE_DIR / "dev-secrets.json")["VAPID_PRIVATE_KEY"] if DEBUG else ""
)
# The contact push services use when this server misbehaves (a mailto: or https: URL).
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:admin@lumen.local")
# Push services are HTTPS; plain HTTP endpoints only in development (the tests' loopback one).
LUMEN_PUSH_ALLOW_HTTP = env.bool("LUMEN_PUSH_ALLOW_HTTP", default=DEBUG)

LUMEN_BASE_URL = env.str(
    "LUMEN_BASE_URL",
    default="http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
)

# --- Generation -------------------------------------------------------------------------
LUMEN_GENERATOR = env.str("LUMEN_GENERATOR", default="extractive")
if LUMEN_GENERATOR not in {"extractive", "tgi", "openai"}:
    raise ImproperlyConfigured(
        f"LUMEN_GENERATOR must be extractive, tgi or openai, not {LUMEN_GENERATOR!r}."
    )
LUMEN_GENERATOR_URL = env.str("LUMEN_GENERATOR_URL", default="")
if LUMEN_GENERATOR != "extractive" and not LUMEN_GENERATOR_URL:
    raise ImproperlyConfigured(
        f"LUMEN_GENERATOR={LUMEN_GENERATOR} needs LUMEN_GENERATOR_URL (the server's root URL)."
    )
LUMEN_GENERATOR_ADAPTER_ID = env.str("LUMEN_GENERATOR_ADAPTER_ID", default="")
# The name an OpenAI-compatible server gives the base model without the adapter, for the
# adapter probe (vLLM's /v1/models names it as the adapter's parent; llama.cpp does not).
LUMEN_GENERATOR_BASE_MODEL = env.str("LUMEN_GENERATOR_BASE_MODEL", default="")
LUMEN_GENERATOR_TIMEOUT = env.float("LUMEN_GENERATOR_TIMEOUT", default=30.0)
LUMEN_GENERATOR_MAX_TOKENS = env.int("LUMEN_GENERATOR_MAX_TOKENS", default=512)
LUMEN_GENERATOR_TEMPERATURE = env.float("LUMEN_GENERATOR_TEMPERATURE", default=0.2)
LUMEN_HEALTH_TIMEOUT = env.float("LUMEN_HEALTH_TIMEOUT", default=2.0)
# Bearer token that shows /healthz's details (versions, backends) to a monitor; empty: staff only.
LUMEN_HEALTHZ_TOKEN = env.str("LUMEN_HEALTHZ_TOKEN", default="")
LUMEN_COMPLIANCE_MAX_UPLOAD = env.int("LUMEN_COMPLIANCE_MAX_UPLOAD", default=10 * 1024 * 1024)
# An upload is parsed in a child process with these limits (pharma.upload_process): CPU
# seconds and address space of the child, and how long the request waits for it.
LUMEN_COMPLIANCE_CPU_SECONDS = env.int("LUMEN_COMPLIANCE_CPU_SECONDS", default=5)
LUMEN_COMPLIANCE_MEMORY_MB = env.int("LUMEN_COMPLIANCE_MEMORY_MB", default=512)
LUMEN_COMPLIANCE_WALL_SECONDS = env.float("LUMEN_COMPLIANCE_WALL_SECONDS", default=10.0)
if LUMEN_COMPLIANCE_CPU_SECONDS < 1 or LUMEN_COMPLIANCE_WALL_SECONDS < LUMEN_COMPLIANCE_CPU_SECONDS:
    raise ImproperlyConfigured(
        "LUMEN_COMPLIANCE_CPU_SECONDS must be at least 1, and LUMEN_COMPLIANCE_WALL_SECONDS "
        "at least as long."
    )
if LUMEN_COMPLIANCE_MEMORY_MB < 128:
    raise ImproperlyConfigured(
        "LUMEN_COMPLIANCE_MEMORY_MB must be at least 128: the reading process needs about "
        "100 MB to start."
    )

# --- Knowledge base: scrapers, embeddings ----------------------------------------------
# Sent in every scraper's User-Agent so API owners can reach the operator.
LUMEN_SCRAPER_CONTACT = env.str("LUMEN_SCRAPER_CONTACT", default="ops@lumen.example")
LUMEN_SCRAPER_TIMEOUT = env.float("LUMEN_SCRAPER_TIMEOUT", default=30.0)
LUMEN_SCRAPER_MAX_RETRIES = env.int("LUMEN_SCRAPER_MAX_RETRIES", default=5)
LUMEN_OPENFDA_API_KEY = env.str("LUMEN_OPENFDA_API_KEY", default="")
LUMEN_NCBI_API_KEY = env.str("LUMEN_NCBI_API_KEY", default="")
# Raw responses and resume checkpoints of scrapes.
LUMEN_RAW_DIR = env.path("LUMEN_RAW_DIR", default=STATE_DIR / "raw")
LUMEN_CHECKPOINT_DIR = env.path("LUMEN_CHECKPOINT_DIR", default=STATE_DIR / "checkpoints")
LUMEN_EMBEDDING_BATCH = env.int("LUMEN_EMBEDDING_BATCH", default=64)
# The MedQuAD extract shipped in the repository, which `load_starter` queues for the task
# worker to ingest in the background (off: the corpus is left out; tests turn it off).
LUMEN_MEDQUAD_EXTRACT = env.path(
    "LUMEN_MEDQUAD_EXTRACT", default=BASE_DIR / "knowledge" / "starter" / "medquad.jsonl.xz"
)
LUMEN_CORPUS_AUTOLOAD = env.bool("LUMEN_CORPUS_AUTOLOAD", default=True)
# Below this cosine similarity the best passage is not trusted and callers abstain.
LUMEN_RETRIEVAL_MIN_SIMILARITY = env.float("LUMEN_RETRIEVAL_MIN_SIMILARITY", default=0.3)

# --- Static files, i18n -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# In development whitenoise serves straight from the app and project static folders.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=STATE_DIR / "media")
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Production hardening (all on unless DEBUG) -----------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): only Lumen's own scripts, styles and connections
# (htmx and its SSE extension are static files; no inline code, no eval, no inline style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind the proxy REMOTE_ADDR is the proxy: without this every user shares one
    # per-IP login rate limit (30 logins/min for the whole site; 10 failures lock out all).
    ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# --- Logging: never PHI; request bodies are not logged anywhere -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # Request paths in log records lose their query string, and private paths their values
    # ("GET /patients/drugs/?q=fluoxetine" would name the medicine): lumen/request_logging.py.
    "filters": {"redact_paths": {"()": "lumen.request_logging.RedactPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_paths"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's defaults attach unfiltered handlers to these two: replace them.
        "django": {"handlers": []},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "pgserver": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; its warnings (missing fonts) still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # At DEBUG it logs every failed variable lookup with the whole template context,
        # which holds health data: never below INFO, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
        "django_q": {"level": env.str("LOG_LEVEL", default="INFO"), "propagate": True},
        # At DEBUG it logs each request line, and a Web Push endpoint's path identifies a
        # patient's device (patients/push.py): never below INFO.
        "urllib3": {"level": "INFO"},
    },
}
