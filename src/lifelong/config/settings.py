"""The one settings module. Everything that differs between deployments comes from the
environment (see README "Operations"); demo mode makes the secrets it needs once and keeps them
in the var/ directory, production mode refuses to start without real ones."""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lifelong.config.env import env_bool, env_int, env_str, parse_database_url

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("LIFELONG_VAR_DIR") or BASE_DIR / "var")

MODE = env_str("LIFELONG_MODE", "demo")
if MODE not in ("demo", "production"):
    raise ImproperlyConfigured("LIFELONG_MODE must be 'demo' or 'production'")
DEMO = MODE == "demo"


def _demo_secret(name: str, make) -> str:
    """A secret generated on first use and kept in var/, for demo mode only."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(make(), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_str("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEMO:
        raise ImproperlyConfigured(
            "Production mode needs DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE"
        )
    SECRET_KEY = _demo_secret("secret_key", lambda: secrets.token_urlsafe(50))
elif len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak: use at least 32 random characters")

# Personal data at rest: "kid:base64key,kid:base64key", newest first. Old keys stay listed so
# that rows written under them can still be read while they are re-encrypted.
PII_KEYS = env_str("LIFELONG_PII_KEYS") or ""
PII_BLIND_INDEX_KEY = env_str("LIFELONG_PII_BLIND_INDEX_KEY") or ""
if not PII_KEYS or not PII_BLIND_INDEX_KEY:
    if not DEMO:
        raise ImproperlyConfigured(
            "Production mode needs LIFELONG_PII_KEYS and LIFELONG_PII_BLIND_INDEX_KEY (or *_FILE)"
        )
    _pii = json.loads(
        _demo_secret(
            "pii_keys.json",
            lambda: json.dumps(
                {
                    "keys": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
                    "blind_index": base64.b64encode(secrets.token_bytes(32)).decode(),
                }
            ),
        )
    )
    PII_KEYS = PII_KEYS or _pii["keys"]
    PII_BLIND_INDEX_KEY = PII_BLIND_INDEX_KEY or _pii["blind_index"]

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = (env_str("DJANGO_ALLOWED_HOSTS") or ("*" if DEMO else "")).split(",")
CSRF_TRUSTED_ORIGINS = [o for o in (env_str("DJANGO_CSRF_TRUSTED_ORIGINS") or "").split(",") if o]

INSTALLED_APPS = [
    "lifelong.portal",  # first, so its templates override admin's where it chooses to
    "lifelong.shared",
    "lifelong.identity",
    "lifelong.learning_records",
    "lifelong.catalog",
    "lifelong.learning_map",
    "lifelong.credit_bank",
    "lifelong.training_market",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lifelong.shared.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lifelong.shared.middleware.request_context",
]

ROOT_URLCONF = "lifelong.config.urls"
WSGI_APPLICATION = "lifelong.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lifelong.portal.context_processors.display",
            ],
        },
    },
]

_default_db = f"sqlite:///{(VAR_DIR / 'lifelong.sqlite3').resolve()}"
DATABASES = {"default": parse_database_url(env_str("DATABASE_URL") or _default_db)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_redis_url = env_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["lifelong.identity.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:me"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling: this many failures for one account or one address within the window
# locks further attempts for the same window.
LOGIN_MAX_FAILURES = env_int("LIFELONG_LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LIFELONG_LOGIN_FAILURE_WINDOW_SECONDS", 900)
API_TOKEN_TTL_SECONDS = env_int("LIFELONG_API_TOKEN_TTL_SECONDS", 7 * 24 * 3600)
# Our own reverse proxies (comma-separated IPs or CIDR blocks): X-Forwarded-For is believed only
# when the peer is one of them, and then its right-most address that is not one of them is the
# client's (lifelong.shared.client_address). Empty: the peer's address is the client's.
TRUSTED_PROXIES = [
    p.strip() for p in (env_str("LIFELONG_TRUSTED_PROXIES") or "").split(",") if p.strip()
]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"LIFELONG_TRUSTED_PROXIES: {_proxy!r} is not an IP address or CIDR block"
        ) from None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = env_int("LIFELONG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
UPLOAD_ALLOWED_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".json": "application/json",
}

TASKS = {
    "default": {
        "BACKEND": env_str("LIFELONG_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Pluggable gateways: dotted paths, logging backends for development and tests.
NOTIFICATION_BACKENDS = (
    env_str("LIFELONG_NOTIFICATION_BACKENDS")
    or "lifelong.shared.notifications.InAppBackend,lifelong.shared.notifications.LoggingBackend"
).split(",")
VERIFICATION_GATEWAY = env_str(
    "LIFELONG_VERIFICATION_GATEWAY", "lifelong.identity.gateways.LoggingVerificationGateway"
)
# The logging gateway binds every phone to every ID number: never in production.
if not DEMO and str(VERIFICATION_GATEWAY).endswith(".LoggingVerificationGateway"):
    raise ImproperlyConfigured(
        "Production mode needs a real LIFELONG_VERIFICATION_GATEWAY (carrier / police check)"
    )

# SMS one-time codes (real-name verification, login, recovery): lifetime in seconds, wrong
# guesses allowed per code, seconds between two codes to one number, codes per number a day.
SMS_CODE_TTL_SECONDS = env_int("LIFELONG_SMS_CODE_TTL_SECONDS", 300)
SMS_CODE_MAX_ATTEMPTS = env_int("LIFELONG_SMS_CODE_MAX_ATTEMPTS", 5)
SMS_RESEND_SECONDS = env_int("LIFELONG_SMS_RESEND_SECONDS", 60)
SMS_DAILY_LIMIT = env_int("LIFELONG_SMS_DAILY_LIMIT", 10)
# The issuer name staff's authenticator apps show next to the TOTP second factor.
TOTP_ISSUER = env_str("LIFELONG_TOTP_ISSUER") or "Lifelong 上海终身学习"

# The city's unified login by OpenID Connect; off unless issuer, client id, redirect URI, both
# endpoints and the JWKS are set. Endpoints and keys are configured, never discovered.
# LIFELONG_OIDC_JWKS holds the provider's JWKS JSON inline, or LIFELONG_OIDC_JWKS_FILE names a
# file holding it; LIFELONG_OIDC_CLIENT_SECRET(_FILE) is the client secret.
# LIFELONG_OIDC_ID_NUMBER_CLAIM names the claim carrying the resident ID number, if the
# provider sends one. LIFELONG_OIDC_HTTP_POST is the dotted path of the function that POSTs the
# token request (url, form dict) -> JSON dict.
OIDC_ISSUER = env_str("LIFELONG_OIDC_ISSUER") or ""
OIDC_CLIENT_ID = env_str("LIFELONG_OIDC_CLIENT_ID") or ""
OIDC_CLIENT_SECRET = env_str("LIFELONG_OIDC_CLIENT_SECRET") or ""
OIDC_REDIRECT_URI = env_str("LIFELONG_OIDC_REDIRECT_URI") or ""
OIDC_AUTHORIZATION_ENDPOINT = env_str("LIFELONG_OIDC_AUTHORIZATION_ENDPOINT") or ""
OIDC_TOKEN_ENDPOINT = env_str("LIFELONG_OIDC_TOKEN_ENDPOINT") or ""
OIDC_JWKS = env_str("LIFELONG_OIDC_JWKS") or ""
OIDC_SCOPES = env_str("LIFELONG_OIDC_SCOPES") or "openid profile"
OIDC_ID_NUMBER_CLAIM = env_str("LIFELONG_OIDC_ID_NUMBER_CLAIM") or ""
OIDC_HTTP_POST = env_str("LIFELONG_OIDC_HTTP_POST") or "lifelong.identity.oidc.post_form"

# The address citizens and partners reach the site at: links in signed credentials, QR codes on
# transcripts and e-mails are built from it. Production should set it.
PUBLIC_BASE_URL = (env_str("LIFELONG_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")
# The escrow bank's shared secret for the HMAC signature on its callbacks (training market).
# Production refuses unsigned callbacks; without a secret every callback is refused.
BANK_CALLBACK_SECRET = env_str("LIFELONG_BANK_CALLBACK_SECRET") or ""
# How long (seconds) a catalog search answer may be served from the cache; 0 turns it off.
CATALOG_SEARCH_CACHE_SECONDS = env_int("LIFELONG_CATALOG_SEARCH_CACHE_SECONDS", 60)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEMO:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# Basemap for the learning map: a Leaflet tile URL template, the datum its tiles are drawn in
# ("wgs84" or "gcj02": points are converted for GCJ-02 basemaps), and its credit line. No URL:
# places and routes are drawn on a plain background with a notice.
LIFELONG_MAP_TILE_URL = env_str("LIFELONG_MAP_TILE_URL") or ""
LIFELONG_MAP_TILE_CRS = env_str("LIFELONG_MAP_TILE_CRS") or "wgs84"
LIFELONG_MAP_TILE_ATTRIBUTION = env_str("LIFELONG_MAP_TILE_ATTRIBUTION") or ""

AUDIT_RETENTION_DAYS = env_int("LIFELONG_AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured(
        "Audit logs are kept at least 6 months (PIPL): LIFELONG_AUDIT_RETENTION_DAYS >= 183"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LIFELONG_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
