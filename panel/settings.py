"""Settings, all from the environment (see README "Configuration")."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from panel.env import (
    cache_from_url,
    database_from_url,
    envbool,
    envdecimal,
    envfloat,
    envint,
    envlist,
    envnetworks,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "panel.security.admin_apps.PanelAdminConfig",  # django.contrib.admin, 2FA required
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "panel",
    "gateways",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "panel.middleware.RefuseNulInQueryString",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "panel.security.twofactor.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "panel.urls"
WSGI_APPLICATION = "panel.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        envstr("DATABASE_URL", "sqlite:///db.sqlite3"),
        BASE_DIR,
    )
}
# Shared by all web and worker processes, so the API rate limit counts across all of them.
CACHES = {"default": cache_from_url(envstr("REDIS_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("bn", _("Bangla"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Security: production defaults, relaxed only when DEBUG is on.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
X_FRAME_OPTIONS = "DENY"

# Login throttling (panel/security/throttle.py), per username and per client IP separately.
# The AXES_* names are kept from the django-axes days (README "Security").
LOGIN_USER_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
LOGIN_IP_FAILURE_LIMIT = envint("LOGIN_IP_FAILURE_LIMIT", 30, minimum=1)
LOGIN_MAX_LOCK_SECONDS = envfloat("AXES_COOLOFF_HOURS", 0.25) * 3600
LOGIN_THROTTLE_ENABLED = envbool("AXES_ENABLED", True)
# Proxies whose X-Forwarded-For is believed (comma-separated IPs/CIDRs; empty: none).
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")

# Two-factor login (django-otp): TOTP for staff (required) and resellers (optional).
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "Cash In panel")

# Content-Security-Policy (django-csp 4): nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Providers -------------------------------------------------------------------------------
NICTBD_BASE_URL = envstr("NICTBD_BASE_URL", "http://127.0.0.1:8100")
NICTBD_STORE_ID = envstr("NICTBD_STORE_ID")
NICTBD_API_KEY = envstr("NICTBD_API_KEY")
NICTBD_API_SECRET = envstr("NICTBD_API_SECRET")
NICTBD_CONNECT_TIMEOUT = envfloat("NICTBD_CONNECT_TIMEOUT", 5.0, minimum=0.01)
NICTBD_READ_TIMEOUT = envfloat("NICTBD_READ_TIMEOUT", 20.0, minimum=0.01)

TRUSTEDPAY_BASE_URL = envstr("TRUSTEDPAY_BASE_URL", "http://127.0.0.1:8100")
TRUSTEDPAY_API_KEY = envstr("TRUSTEDPAY_API_KEY")
TRUSTEDPAY_API_SECRET = envstr("TRUSTEDPAY_API_SECRET")
TRUSTEDPAY_SHOP_CODE = envstr("TRUSTEDPAY_SHOP_CODE", "sandbox_bdt_shop")
TRUSTEDPAY_CONNECT_TIMEOUT = envfloat("TRUSTEDPAY_CONNECT_TIMEOUT", 5.0, minimum=0.01)
TRUSTEDPAY_READ_TIMEOUT = envfloat("TRUSTEDPAY_READ_TIMEOUT", 20.0, minimum=0.01)
TRUSTEDPAY_CALLBACK_URL = envstr("TRUSTEDPAY_CALLBACK_URL")

# --- Money and orders ------------------------------------------------------------------------
CASHIN_MIN_AMOUNT = envdecimal("CASHIN_MIN_AMOUNT", "50")
CASHIN_MAX_AMOUNT = envdecimal("CASHIN_MAX_AMOUNT", "30000")
CASHIN_DAILY_LIMIT = envdecimal("CASHIN_DAILY_LIMIT", "50000")
# Sub-resellers: how many reseller levels below staff (1: no sub-resellers).
RESELLER_MAX_DEPTH = envint("RESELLER_MAX_DEPTH", 3, minimum=1)
PAYIN_MIN_AMOUNT = envdecimal("PAYIN_MIN_AMOUNT", "100")
PAYIN_MAX_AMOUNT = envdecimal("PAYIN_MAX_AMOUNT", "500000")
# The money view's alert line: NICTBD's float below this (BDT), or below the resellers' wallets.
FLOAT_ALERT_BDT = envdecimal("FLOAT_ALERT_BDT", "50000")
RECONCILE_CONCURRENCY = envint("RECONCILE_CONCURRENCY", 10, minimum=1)  # status checks at once
# Staff money moves of at least this amount (BDT) wait for a second staff member; 0 = all.
STAFF_APPROVAL_THRESHOLD = envdecimal("STAFF_APPROVAL_THRESHOLD", "0")
STAFF_APPROVAL_EXPIRY_HOURS = envint("STAFF_APPROVAL_EXPIRY_HOURS", 24, minimum=1)

# Polling (orders/polling/schedule.py): every POLL_BASE_DELAY s for POLL_FAST_SECONDS after
# the submit, then a gap of POLL_BACKOFF_RATIO x the time past that window, up to POLL_MAX_DELAY.
POLL_BASE_DELAY = envfloat("POLL_BASE_DELAY", 2.0, minimum=0.0)
POLL_FAST_SECONDS = envfloat("POLL_FAST_SECONDS", 120.0, minimum=0.0)
POLL_BACKOFF_RATIO = envfloat("POLL_BACKOFF_RATIO", 0.1, minimum=0.0)
POLL_MAX_DELAY = envfloat("POLL_MAX_DELAY", 120.0, minimum=0.0)
# A page or API client asking for an open order brings its next check forward, at most once
# per POLL_HURRY_SECONDS; an idle worker looks for due rows every POLL_IDLE_SECONDS.
POLL_HURRY_SECONDS = envfloat("POLL_HURRY_SECONDS", 2.0, minimum=0.0)
POLL_IDLE_SECONDS = envfloat("POLL_IDLE_SECONDS", 0.5, minimum=0.05)
POLL_CONCURRENCY = envint("POLL_CONCURRENCY", 50, minimum=1)
POLL_BATCH_SIZE = envint("POLL_BATCH_SIZE", 2000, minimum=1)
# A claimed order is not picked by another sweep for this long; a killed sweep's orders
# come back after it. Keep it longer than POLL_MAX_DELAY: that is how a hurry (a page asking)
# tells a claimed row apart and leaves it alone.
POLL_CLAIM_SECONDS = envfloat("POLL_CLAIM_SECONDS", 180.0, minimum=1.0)
POLL_DEADLINE_MINUTES = envfloat("POLL_DEADLINE_MINUTES", 30.0, minimum=0.0)
# A scheduled sweep task keeps sweeping for this long (django-q schedules run per minute).
POLL_TASK_SECONDS = envfloat("POLL_TASK_SECONDS", 55.0, minimum=0.0)
# Outcome unknown at submit: how long "not found" is tolerated before one resubmit under
# the same client_reference, and how many such resubmits before staff are asked.
SUBMIT_UNKNOWN_GRACE_SECONDS = envfloat("SUBMIT_UNKNOWN_GRACE_SECONDS", 120.0, minimum=0.0)
SUBMIT_MAX_RESUBMITS = envint("SUBMIT_MAX_RESUBMITS", 1, minimum=0)
# The submitter (orders.submission): new orders and PayIns go out from the worker.
SUBMIT_CONCURRENCY = envint("SUBMIT_CONCURRENCY", 20, minimum=1)  # submits in flight at once
SUBMIT_BATCH_SIZE = envint("SUBMIT_BATCH_SIZE", 200, minimum=1)  # claimed per round
# Circuit breaker per provider: open after this many outcome-unknown submits in a row, or
# when at least BREAKER_MIN_CALLS calls in BREAKER_WINDOW_SECONDS failed at BREAKER_ERROR_RATE;
# while open, submissions wait queued and one probe goes every BREAKER_COOLDOWN_SECONDS.
BREAKER_FAILURES = envint("BREAKER_FAILURES", 5, minimum=1)
BREAKER_ERROR_RATE = envfloat("BREAKER_ERROR_RATE", 0.5, minimum=0.0)
BREAKER_MIN_CALLS = envint("BREAKER_MIN_CALLS", 20, minimum=1)
BREAKER_WINDOW_SECONDS = envfloat("BREAKER_WINDOW_SECONDS", 60.0, minimum=1.0)
BREAKER_COOLDOWN_SECONDS = envfloat("BREAKER_COOLDOWN_SECONDS", 30.0, minimum=0.0)

# --- Reseller API and webhooks --------------------------------------------------------------
API_RATE_LIMIT = envint("API_RATE_LIMIT", 120, minimum=1)  # requests per key per minute
WEBHOOK_TIMEOUT = envfloat("WEBHOOK_TIMEOUT", 5.0, minimum=0.1)
WEBHOOK_CONNECT_TIMEOUT = envfloat("WEBHOOK_CONNECT_TIMEOUT", 3.0, minimum=0.1)
WEBHOOK_CONCURRENCY = envint("WEBHOOK_CONCURRENCY", 8, minimum=1)
WEBHOOK_RETRY_HOURS = envfloat("WEBHOOK_RETRY_HOURS", 24.0, minimum=0.0)
WEBHOOK_TASK_SECONDS = envfloat("WEBHOOK_TASK_SECONDS", 50.0, minimum=0.0)
# Off in production: callbacks must be https to a public address.
WEBHOOK_ALLOW_PRIVATE_URLS = envbool("WEBHOOK_ALLOW_PRIVATE_URLS", DEBUG)

# --- Worker (django-q2, ORM broker on the default database) ---------------------------------
Q_CLUSTER = {
    "name": "panel",
    "orm": "default",
    # a sweep, the submitter, webhooks, and one for the rest
    "workers": envint("Q_WORKERS", 4, minimum=1),
    "timeout": 90,
    "retry": 120,  # django-q2 requires retry > timeout
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "poll": 1,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every handler masks mobile numbers in the final message and traceback (orders.masking).
    "filters": {"mask_numbers": {"()": "orders.masking.MaskNumbersFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},  # gateways log one line per call of their own
        "httpcore": {"level": "WARNING"},
    },
}

# --- Bulk Cash In (orders.cashin.bulk) ------------------------------------------------------
BULK_MAX_ROWS = envint("BULK_MAX_ROWS", 500, minimum=1)
BULK_MAX_BYTES = envint("BULK_MAX_BYTES", 262144, minimum=1024)  # 256 KB
