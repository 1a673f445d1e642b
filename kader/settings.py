"""Kader settings: one file, driven by environment variables.

Production differs from a laptop only by its environment; every variable is listed in
README.md ("Configuration").
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Kader refuses to start without it when DEBUG is off. "
            "Set SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=1 on a development machine."
        )
    # Development only: DEBUG is on, so this key never protects real data.
    SECRET_KEY = "kader-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "phonenumber_field",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Layers, bottom to top (docs/architecture.md; `lint-imports` enforces them).
    "core",
    "accounts",
    "jurisdictions",
    "partners",
    "programs",
    "evaluations",
    "dashboard",
    "devtools",
]

MIDDLEWARE = [
    # First: Permissions-Policy on every response, no-store on a logged-in user's.
    "accounts.security.HeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, compressed for a browser that accepts gzip (a mentor's home: 13 → 4 KB);
    # static files come compressed from WhiteNoise above. Django pads each response with
    # random bytes against BREACH, and CSRF tokens are masked anew in each page.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A query on someone's rows that forgot visible_to(user) fails (development and tests).
    "core.scoping.ScopeGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Just outside accounts.security's idle logout: keeps a form posted after the login ended.
    "accounts.login_expiry.LoginExpiryMiddleware",
    "accounts.security.SecurityMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kader.urls"
WSGI_APPLICATION = "kader.wsgi.application"

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
                "evaluations.context_processors.inbox",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL; an embedded SQLite file under var/ otherwise.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kader.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share the file: wait for locks, don't fail.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that hangs must not hang every request with it: connecting gives up after
    # DATABASE_CONNECT_TIMEOUT seconds, a statement after DATABASE_STATEMENT_TIMEOUT (both
    # then answer 503 "try again"; 0 turns the statement limit off, e.g. for a long migrate).
    # PostgreSQL's JIT compiler off unless DATABASE_JIT: it compiled the pairing page's
    # ranking of 60,000 mentors for 300 ms to save nothing (641 ms with it, 330 without);
    # a web page's queries are too short to repay it (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=5),
        options="-c statement_timeout={} -c jit={}".format(
            env.int("DATABASE_STATEMENT_TIMEOUT", default=30) * 1000,
            "on" if env.bool("DATABASE_JIT", default=False) else "off",
        ),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when REDIS_URL is set, is both the Celery broker and the cache.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, but a Redis outage is a miss, not a server error
            # (core/cache.py); short timeouts so that an unreachable host costs a second.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kader",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    # Without Redis: files under var/cache, which the web server, the worker and beat all
    # read and write. A per-process memory cache made the worker's dashboard figures
    # invisible to the web server (issue 14). Files, not the database cache: no table to
    # create, no turn at SQLite's single write lock, and a read costs 0.06 ms against the
    # database's 0.3 ms (measured with a 30 KB dashboard entry). Its `add` is not atomic
    # between processes: two of them may both take the recompute lock and compute the
    # same figures twice, as when a lock expires; nothing worse.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.path("KADER_CACHE_DIR", default=VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
# Rendered fragments ({% cache %}, {% cacherows %}) are kept in each process's memory, not
# in Redis: their keys name exactly what they show (core/fragments.py), so a process's own
# copy is never stale; a bounded number per process means a crawler paging through 1.2 M
# cadres cannot fill Redis, which is also the broker; and a hit costs no round trip.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kader-fragments",
    "OPTIONS": {"MAX_ENTRIES": env.int("KADER_FRAGMENTS_KEPT", default=1000)},
}

# Celery. Without Redis the broker is a folder under var/: no server to run on a laptop.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # A task not acknowledged within an hour (its worker died) is delivered again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_ENABLE_UTC = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a login while that username is locked out from that address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and time: Bahasa Indonesia first, English on request.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "kader_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# One way to write dates and numbers per language (core/formats/<language>/formats.py),
# read by |date, PDFs, e-mails and calendar feeds; numbers and durations through
# core/formatting.py. Thousands are grouped by those helpers (|number), not by every
# {{ number }} in a template: an id in a link must stay "1234", never "1.234".
FORMAT_MODULE_PATH = ["core.formats"]
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from npm during set-up (`make assets`); the files of theirs that
# pages load are collected and served by the app (core.static.VendorFinder), nothing else.
# Bootstrap Icons are not among them: the pages use a subset of its font, in static/icons/
# (devtools/icons.py).
KADER_VENDOR_FILES = [
    (
        "vendor/bootstrap",
        "bootstrap/dist",
        ["css/bootstrap.min.css", "js/bootstrap.bundle.min.js"],
    ),
    ("vendor/htmx", "htmx.org/dist", ["htmx.min.js"]),  # the dashboard
    ("vendor/chartjs", "chart.js/dist", ["chart.umd.min.js"]),  # the dashboard
    # Pages with an autocomplete (static/js/autocomplete.js fetches it).
    ("vendor/tom-select/js", "tom-select/dist/js", ["tom-select.complete.min.js"]),
    ("vendor/tom-select/css", "tom-select/dist/css", ["tom-select.bootstrap5.min.css"]),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.static.VendorFinder",
]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploads are never public: no URL pattern serves MEDIA_URL; views stream each file after
# checking that the user may see it.
MEDIA_URL = "/media/"
# Static files are served the same way everywhere, `make run` (DEBUG) included: collected
# into STATIC_ROOT under hashed names with gzip and brotli copies (core/static.py), and
# WhiteNoise serves those alone, a hashed name with a far-future `immutable` cache header.
# After changing a file in static/, run `manage.py collectstatic` (`make run` does).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.static.HashedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
# Only the hashed names: a page linking a file without {% static %} fails in development
# as it would in production, and collectstatic compresses half as many files.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are for a developer's browser tools: not worth compressing at each collect.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# With DEBUG, a new collectstatic is served without restarting the server.
WHITENOISE_AUTOREFRESH = DEBUG

# Phone numbers: Indonesian forms (08…, +62…) accepted, stored as E.164 (+62…).
PHONENUMBER_DEFAULT_REGION = "ID"
PHONENUMBER_DB_FORMAT = "E164"
# Uploads larger than this go to a temporary file instead of memory; forms check the size.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The cadre import's bounds (programs/importing.py), checked while the file is read, so a
# small hostile file (a very wide header, millions of empty cells) stops early with a clear
# message. A file read within them waits for confirmation in programs.PendingImport.
KADER_IMPORT_MAX_BYTES = env.int("KADER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
KADER_IMPORT_MAX_ROWS = env.int("KADER_IMPORT_MAX_ROWS", default=2000)
KADER_IMPORT_MAX_COLUMNS = env.int("KADER_IMPORT_MAX_COLUMNS", default=40)
KADER_IMPORT_MAX_CELL_CHARS = env.int("KADER_IMPORT_MAX_CELL_CHARS", default=2000)
KADER_IMPORT_MAX_CELLS = env.int("KADER_IMPORT_MAX_CELLS", default=40_000)
KADER_IMPORT_KEPT_SECONDS = env.int("KADER_IMPORT_KEPT_SECONDS", default=2 * 3600)
KADER_IMPORT_PREVIEW_ROWS = env.int("KADER_IMPORT_PREVIEW_ROWS", default=100)

# Exports (dashboard/export_jobs.py): an XLSX of more rows than this (in partner rows: each
# list's rows count by its weight, dashboard/exports.py) is written by a worker (counted
# with a LIMIT, so the check is cheap); kept this many hours in MEDIA_ROOT (never
# served publicly), for the person who asked only. A sheet holds 1,048,575 data rows under
# its header; past that the rows go on in a new sheet (set lower only to test it).
KADER_EXPORT_BACKGROUND_ROWS = env.int("KADER_EXPORT_BACKGROUND_ROWS", default=3000)
# A CSV streams from the request up to this many rows (weighted as above: about 10 s of
# streaming on a loaded two-core machine); a bigger one is written by the worker as well.
KADER_EXPORT_CSV_BACKGROUND_ROWS = env.int("KADER_EXPORT_CSV_BACKGROUND_ROWS", default=20_000)
# A program report's PDF with more table rows than this (evaluations and action items) is
# drawn by a worker as an export (dashboard/reports.py); a smaller one in the request.
KADER_REPORT_PDF_BACKGROUND_ROWS = env.int("KADER_REPORT_PDF_BACKGROUND_ROWS", default=300)
KADER_EXPORT_KEEP_HOURS = env.int("KADER_EXPORT_KEEP_HOURS", default=24)
KADER_EXPORT_ROWS_PER_SHEET = env.int("KADER_EXPORT_ROWS_PER_SHEET", default=1_048_575)

# Django 6 behaviour now: a web address typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL such as smtp+tls://user:password@smtp.example.org:587
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://127.0.0.1:25")
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kader <kader@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Absolute links in e-mails (reminders) start with this; no trailing slash needed.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Reminders by WhatsApp and SMS (README, "Reminders by WhatsApp and SMS"): a channel whose
# settings are empty is off, and the reminder settings page says so.
KADER_WHATSAPP_API_URL = env.str(
    "KADER_WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0"
)
KADER_WHATSAPP_PHONE_NUMBER_ID = env.str("KADER_WHATSAPP_PHONE_NUMBER_ID", default="")
KADER_WHATSAPP_TOKEN = env.str("KADER_WHATSAPP_TOKEN", default="")
KADER_WHATSAPP_APP_SECRET = env.str("KADER_WHATSAPP_APP_SECRET", default="")
KADER_WHATSAPP_VERIFY_TOKEN = env.str("KADER_WHATSAPP_VERIFY_TOKEN", default="")
KADER_WHATSAPP_TEMPLATE_PREFIX = env.str("KADER_WHATSAPP_TEMPLATE_PREFIX", default="kader_")
KADER_SMS_URL = env.str("KADER_SMS_URL", default="")
KADER_SMS_TOKEN = env.str("KADER_SMS_TOKEN", default="")
KADER_SMS_SENDER = env.str("KADER_SMS_SENDER", default="KADER")
KADER_SMS_WEBHOOK_SECRET = env.str("KADER_SMS_WEBHOOK_SECRET", default="")
# Seconds to wait for a provider's answer; a callback older than the window is a replay.
KADER_PROVIDER_TIMEOUT = env.int("KADER_PROVIDER_TIMEOUT", default=10)
KADER_WEBHOOK_WINDOW = env.int("KADER_WEBHOOK_WINDOW", default=3600)
ADMINS = [("Kader admins", a) for a in env.list("ADMINS", default=[])]

# HTTPS is assumed unless DEBUG is on; HTTPS=0 turns it off (a plain-HTTP test server).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of our own stand in front of the app, each appending the address
# it saw to X-Forwarded-For: the client is the address the outermost one saw
# (accounts.security.client_ip); whatever a client wrote into the header itself is ignored.
# 0: no proxy, the connection's own address (REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# A session unused for this many seconds ends (accounts.security.SecurityMiddleware); 0: never.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
if HTTPS:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for the
    # whole site and not set by a subdomain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Two-factor authentication (accounts.two_factor): required for admins and coordinators when on;
# off by default with DEBUG so that demo logins work with a password alone.
# Fail loudly when a request queries rows without visible_to(user) (core/scoping.py). On in
# development and tests; off in production, where visible_to alone decides.
KADER_SCOPE_GUARD = env.bool("KADER_SCOPE_GUARD", default=DEBUG)

KADER_REQUIRE_2FA = env.bool("KADER_REQUIRE_2FA", default=not DEBUG)
# The dashboard's figures for filters nobody has opened yet: built by a worker while the page
# says they are on their way (False), or in the request (True: ≈ 8 s at national scale).
# Without Redis they are built in the request by default: a laptop's figures take moments,
# and the page then works even when no worker runs (`manage.py runserver` alone); stale
# figures are still recomputed by the worker, through the shared file cache.
KADER_DASHBOARD_COLD_IN_REQUEST = env.bool("KADER_DASHBOARD_COLD_IN_REQUEST", default=not REDIS_URL)
# How long a list's rendered rows are kept (core/fragments.py). A kept table is never stale
# (its key is the fingerprint of what it shows): this only bounds the cache's memory.
KADER_ROWS_SECONDS = env.int("KADER_ROWS_SECONDS", default=600)
# The daily planning step reads and writes this many subjects (agreements, programs, pairs)
# per transaction (evaluations/services.py `evaluations_plan_all`): its memory bound.
KADER_PLANNING_CHUNK = env.int("KADER_PLANNING_CHUNK", default=2_000)
# The daily planning stops after this many seconds and continues in a new task message
# (evaluations/tasks.py `sweep_reminders`): each run stays bounded on a day with much to plan.
KADER_PLANNING_SECONDS = env.float("KADER_PLANNING_SECONDS", default=40.0)
OTP_TOTP_ISSUER = "Kader"
# /healthz names the components that run (and which is down) only to staff or to a caller
# sending this token in the X-Healthz-Token header; everyone else gets the status alone.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# Password reset e-mails (accounts/password_reset.py): at most this many requests per e-mail
# address and per client address within the window; past it the form says to wait.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_LIMIT_SECONDS = env.int("PASSWORD_RESET_LIMIT_SECONDS", default=3600)
# The benchmark pages (devtools/bench.py) are mounted only with DEBUG or this on (the harness).
KADER_BENCH_PAGES = env.bool("KADER_BENCH_PAGES", default=DEBUG)

# Content Security Policy: only the app's own scripts (no inline script, no eval), nothing
# may frame Kader. Inline style attributes stay allowed (Bootstrap, Chart.js, htmx use them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked for AXES_COOLOFF_MINUTES; other users and addresses are not.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# The client's address as the trusted proxies vouch for it (django-ipware), not the proxy's:
# otherwise, behind a load balancer, five failures from anyone lock the username for everyone.
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Logins, failed logins, logouts, lockouts and denied accesses (403/404).
        "accounts.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
