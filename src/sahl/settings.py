"""Settings come from the environment; the defaults run everything on one machine with SQLite.

SAHL_DEBUG=1            debug pages (never in production)
SAHL_SECRET_KEY         the signing key; without it a random one is kept in var/secret_key
DATABASE_URL            e.g. postgres://user@127.0.0.1:5432/sahl (default: SQLite in var/)
SAHL_ALLOWED_HOSTS      comma-separated host names (default: localhost,127.0.0.1)
SAHL_HTTPS=1            behind TLS: secure cookies and HSTS
SAHL_LOG_LEVEL          INFO by default
SAHL_PUBLIC_URL         the address people use (default http://localhost:8000); QR codes point there
SAHL_SMTP_HOST/PORT     the SMTP server for e-mail (default localhost:1025, a dev server);
SAHL_SMTP_USER/PASSWORD/TLS  its login and STARTTLS; SAHL_EMAIL_FROM the sender
SAHL_SIMULATORS=1       the simulated payment gateway (/sim/knet), agency system and SMS provider
                        (/dev/sms): `make run` and the tests turn them on; never in production
SAHL_SMS_URL/TOKEN      the SMS provider's API (sahl.sms.gateways.HttpSmsGateway)
SAHL_VAPID_PRIVATE_KEY  the Web Push (VAPID) key, base64url; without it one derived from the secret key
SAHL_REPLICA_URL        a PostgreSQL read replica for safe requests (docs/deployment.md)
SAHL_AUDIT_KEY          the audit log's key (MACs its entries, signs its checkpoints); without it a
                        random one is kept in var/audit_key. Never in the database (ADR 0024)
SAHL_AUDIT_OLD_KEYS     retired audit keys, comma-separated: what they made still verifies
SAHL_AUDIT_CHECKPOINTS  the append-only file of signed checkpoints (default var/audit-checkpoints.jsonl)
SAHL_OIDC_KEY_FILE      the PEM RSA key that signs ID tokens for apps (ADR 0054); without it one is made
                        once and kept in var/oidc-key.pem. Never in the database or the repository
SAHL_OIDC_OLD_KEY_FILES retired ID-token keys, comma-separated paths: still published in the JWKS
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SAHL_VAR_DIR", PROJECT_DIR / "var"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


def _kept(variable: str, filename: str) -> str:
    """A secret from the environment; without it, a random one made once and kept in var/ (for
    `make run` and the tests). Made whole in a file of its own, then linked into place: processes
    starting together all read the one that won, never half of one."""
    if value := os.environ.get(variable):
        return value
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = VAR_DIR / f".{filename}.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _kept_rsa_key(variable: str, filename: str) -> str:
    """The PEM private key at the path in `variable`; without it, one made once and kept in var/ (for
    `make run` and the tests), linked into place like `_kept`'s secrets."""
    path = Path(os.environ.get(variable) or VAR_DIR / filename)
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.parent / f".{path.name}.{os.getpid()}"
        draft.write_bytes(pem)
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text()


def _secret_key() -> str:
    return _kept("SAHL_SECRET_KEY", "secret_key")


DEBUG = _flag("SAHL_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("SAHL_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
HTTPS = _flag("SAHL_HTTPS")
# The simulators are separate systems reached over HTTP, apart from production code (ADR 0015). Test
# runs have them unless told otherwise (tests/conftest.py passes it on to the servers they start).
SAHL_SIMULATORS = _flag("SAHL_SIMULATORS") or (
    "pytest" in sys.modules and "SAHL_SIMULATORS" not in os.environ
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sahl.ui",  # first, so that its templates override allauth's
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "oauth2_provider",  # the OpenID provider for apps (identity.oidc, ADR 0054)
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "sahl.core",
    "sahl.events",
    "sahl.outbox",
    "sahl.idempotency",  # Idempotency-Keys of every client write (people and agencies)
    "sahl.registry",
    "sahl.identity",
    "sahl.catalogue",
    "sahl.applications",
    "sahl.backoffice",
    "sahl.notifications",
    "sahl.payments",
    "sahl.audit",
    "sahl.privacy",
    "sahl.mandates",
    "sahl.integrations",
    "sahl.complaints",
    "sahl.open311",
    "sahl.wallet",
    "sahl.journeys",
    "sahl.portal",
    "sahl.business",
    "sahl.operators",
    "sahl.stats",  # public statistics and open data (ADR 0060)
    "sahl.demo",  # seed_demo and seed_scale: synthetic data only
]
if SAHL_SIMULATORS:
    INSTALLED_APPS += [
        "sahl.knet_sim",  # the simulated payment gateway
        "sahl.agency_sim",  # the simulated agency system: no models, only its run_agency_simulator command
        "sahl.sms_sim",  # the simulated SMS provider and its outbox page, /dev/sms
    ]


MIDDLEWARE = [
    "sahl.ui.middleware.RequestIdMiddleware",
    "sahl.ui.middleware.ReplicaReadsMiddleware",  # reads from a replica, where one is configured
    "django.middleware.security.SecurityMiddleware",
    "sahl.ui.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sahl.identity.session_cookie.SessionCookieMiddleware",  # Django's, but a stale cookie is left alone
    "django.middleware.locale.LocaleMiddleware",
    "sahl.identity.languages.LanguageCookieMiddleware",  # login turns the pages to the person's language
    "sahl.ui.errors.ProblemResponsesMiddleware",  # every error under /api/ as problem details
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "sahl.identity.kept.KeptUserMiddleware",  # Django's, with the user kept in the cache (ADR 0044)
    "sahl.ui.body_limits.BodyLimitMiddleware",  # a body over its route's limit: 413, before it is read
    "sahl.ui.hostile_input.HostileInputMiddleware",  # NUL, broken UTF-8, huge ids: 400 (reads forms)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sahl.identity.sessions.SessionLimitsMiddleware",
    "sahl.identity.sessions.SecondFactorRequiredMiddleware",
    "sahl.mandates.middleware.ActingMiddleware",  # after the session limits: only live sessions act
]

ROOT_URLCONF = "sahl.urls"
WSGI_APPLICATION = "sahl.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sahl.ui.context.site",
                "sahl.mandates.context.acting",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sahl.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; FULL makes every commit durable; IMMEDIATE takes the
    # write lock at BEGIN so two writers queue instead of failing half-way. A connection is kept for
    # a minute, as on PostgreSQL: opening one runs those pragmas, and the task worker polling five
    # times a second spent 60% of its idle time on it.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The hot reads compiled once (core.compiled) run as prepared statements on PostgreSQL, planned once
# per connection; the ORM's own queries are bound on the client and never prepared. Behind a pooler
# in transaction mode without prepared-statement support, set SAHL_PREPARED_READS=0.
PREPARED_READS = {"prepare_threshold": 5 if os.environ.get("SAHL_PREPARED_READS", "1") == "1" else None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(PREPARED_READS)
if replica := os.environ.get("SAHL_REPLICA_URL"):  # a PostgreSQL read replica (docs/deployment.md)
    DATABASES["replica"] = dj_database_url.parse(replica, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"].setdefault("OPTIONS", {}).update(PREPARED_READS)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sahl.core.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# One process (tests, a single server): Django's memory cache. Several processes or machines share
# Redis (SAHL_CACHE_URL=redis://host:6379/0): then sessions are read from it too, and the registers'
# answers are kept in it for a while (what Sahl changes there is forgotten at once, everywhere).
SAHL_CACHE_URL = os.environ.get("SAHL_CACHE_URL", "")
if SAHL_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "sahl.core.redis_cache.RedisCache",  # one Redis client per process, not per call
            "LOCATION": SAHL_CACHE_URL,
            "KEY_PREFIX": "sahl",
        }
    }
    SESSION_ENGINE = "sahl.identity.session_store"  # cached_db, read with the kept login (ADR 0068)
# How long a person's register profile is kept; 0 keeps none (a memory cache is not shared between
# processes, so a change made through one would not reach another's copy).
SAHL_REGISTER_PROFILE_SECONDS = int(
    os.environ.get("SAHL_REGISTER_PROFILE_SECONDS", "60" if SAHL_CACHE_URL else "0")
)
# How long a logged-in person, their staff membership and whom they act for are kept for their
# requests (identity.kept, mandates.kept, ADR 0044); every change forgets them at once. 0 keeps none:
# without a shared cache a deactivation made through one process would not reach another's copy.
SAHL_KEEP_LOGIN_SECONDS = int(os.environ.get("SAHL_KEEP_LOGIN_SECONDS", "300" if SAHL_CACHE_URL else "0"))

# --- Background tasks (the outbox: a task row commits with the change that enqueues it) ------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if "pytest" in sys.modules or _flag("SAHL_FAST_PASSWORD_HASHING"):  # test runs and their servers only
    PASSWORD_HASHERS.insert(0, "sahl.identity.hashers.FastArgon2PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "civil_id"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "sahl.identity.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "sahl.identity.forms.CivilIdLoginForm"}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24  # the cookie never outlives the absolute limit below
SAHL_SESSION_IDLE_SECONDS = 60 * 60  # logged out after an hour without a request
# Everyone must have a second factor before using Sahl: on behind HTTPS (production) unless told
# otherwise; off for `make run` and the tests, whose demo people mostly have none.
SAHL_REQUIRE_SECOND_FACTOR = (
    _flag("SAHL_REQUIRE_SECOND_FACTOR") if "SAHL_REQUIRE_SECOND_FACTOR" in os.environ else HTTPS
)
SAHL_SESSION_MAX_SECONDS = 60 * 60 * 24  # and a day after logging in, at the latest
# Wrong passwords and second-factor codes are throttled by identity.throttle (ADR 0014): per source
# and per source and account, never the account for everyone, in Redis with SAHL_CACHE_URL and in
# the database otherwise. allauth's "login_failed" (5 per 5 minutes per account, from anywhere: an
# attacker could keep anyone locked out; it also throttles app codes per account) is off. Its other
# limits stay: per address (login, passkey login, password reset), per logged-in person, or per
# e-mail address for the mail it sends; none of them refuses a person's login.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
# Second factors: passkeys, an authenticator app (TOTP) and recovery codes (allauth.mfa), and a code
# by SMS (identity.stages.SecondFactorStage takes the place of allauth's second-factor stage).
MFA_SUPPORTED_TYPES = ["webauthn", "totp", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Sahl"
# A code typed as its 30 seconds end reaches Sahl in the next step: the step before and after count
# too (RFC 6238, 5.2). A code used once stays used for all three steps (allauth keeps it that long).
MFA_TOTP_TOLERANCE = 1
# Passkeys always log in on their own (no "Passwordless" box), named "Passkey 1"..., and every
# second-factor page and refusal in Sahl's words (identity.passkeys, templates in ui/templates/mfa).
MFA_ADAPTER = "sahl.identity.passkeys.MfaAdapter"
MFA_FORMS = {
    "authenticate": "sahl.identity.forms.SecondFactorForm",
    "reauthenticate": "sahl.identity.forms.ReauthenticateCodeForm",
    "add_webauthn": "sahl.identity.passkeys.PasskeyForm",
    "edit_webauthn": "sahl.identity.passkeys.RenamePasskeyForm",
    "authenticate_webauthn": "sahl.identity.passkeys.PasskeyStepForm",
    "login_webauthn": "sahl.identity.passkeys.PasskeyLoginForm",
    "reauthenticate_webauthn": "sahl.identity.passkeys.PasskeyReauthenticateForm",
}
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "sahl.ui.errors.csrf_failure"  # the person's language; problem details under /api/
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Languages: Arabic first, English complete -------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "sahl_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Kuwait"
USE_TZ = True

# --- Static files: served by WhiteNoise from the apps' static folders, no build step ------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when serving from finders
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "sahl.ui.static_storage.CollectedStaticFiles"},  # hashed once collected
}

# --- Uploaded and issued files: private, served only through views that check who asks ---------
MEDIA_ROOT = Path(os.environ.get("SAHL_MEDIA_DIR", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # never served directly
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "sahl.ui.uploads.CappedUploadHandler",  # refuses a file over the largest allowed size while it streams
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
SAHL_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# --- Logs: one JSON object per line, with the request id ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "sahl.core.logs.RequestIdFilter"},
    },
    "formatters": {"json": {"()": "sahl.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SAHL_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger repeats what our access log says, with the full request.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Queries with their parameters (civil IDs, form answers): never, not even with SAHL_DEBUG.
        "django.db.backends": {"level": "INFO"},
        # cel-python's debug lines print the whole activation of a rule: civil IDs and register facts;
        # its transpiled rules log their errors with the values compared (a person's age). Sahl tells
        # a rule's error itself (catalogue.rules), without the values.
        "celpy": {"level": "CRITICAL"},
        # fontTools reads the documents' font once a process, with INFO lines for its tables.
        "fontTools": {"level": "WARNING"},
        # httpx logs every request's URL: a push endpoint is a device's secret address (ADR 0055),
        # and agencies' URLs may carry tokens. The outbox logs each attempt without it.
        "httpx": {"level": "WARNING"},
    },
}

# --- Sahl -------------------------------------------------------------------------------------
SAHL_REGISTERS = "sahl.registry.adapters.DatabaseRegisters"
# The payment gateway: the simulated KNET-style one unless configured otherwise.
SAHL_PAYMENT_GATEWAY = "sahl.payments.adapters.KnetGateway"
SAHL_KNET_URL = os.environ.get("SAHL_KNET_URL", "http://localhost:8000/sim/knet" if SAHL_SIMULATORS else "")
# Seconds beyond an outbox attempt's timeout after which its claim is a dead worker's (outbox.rules).
SAHL_OUTBOX_CLAIM_GRACE = float(os.environ.get("SAHL_OUTBOX_CLAIM_GRACE") or 60)
# Applications one person may file (identity.throttle, `limits` notation).
SAHL_FILING_RATE = os.environ.get("SAHL_FILING_RATE") or "30 per 10 minutes; 300 per day"
# Applications, reports and Open311 requests from one address, whoever files them (ADR 0025).
SAHL_FILING_SOURCE_RATE = os.environ.get("SAHL_FILING_SOURCE_RATE") or "120 per 10 minutes; 2000 per day"
SAHL_KNET_SECRET = os.environ.get("SAHL_KNET_SECRET") or _secret_key()[:32]  # shared with the gateway
SAHL_PAYMENT_MINUTES = 15  # an unpaid intent expires after this
SAHL_PAYMENT_INQUIRY_SECONDS = 60  # the gateway is asked about a pending attempt at most this often per page
SAHL_PAYMENT_INQUIRY_MINUTES = 3  # the sweep asks about attempts pending longer than this
# The address people reach Sahl at; QR codes on documents point there.
SAHL_PUBLIC_URL = os.environ.get("SAHL_PUBLIC_URL", "http://localhost:8000").rstrip("/")
SAHL_SEARCH_MAX_LENGTH = 200

# --- The audit log (docs/adr/0024-audit-mac-and-checkpoints.md): entries are chained by HMAC-SHA-256
# under a key the database never holds; signed checkpoints of the chain's head go to a file outside it.
SAHL_AUDIT_KEY = _kept("SAHL_AUDIT_KEY", "audit_key")
SAHL_AUDIT_OLD_KEYS = [key for key in os.environ.get("SAHL_AUDIT_OLD_KEYS", "").split(",") if key.strip()]
SAHL_AUDIT_CHECKPOINTS = Path(os.environ.get("SAHL_AUDIT_CHECKPOINTS") or VAR_DIR / "audit-checkpoints.jsonl")
# A checkpoint is also queued after this many entries (and `audit_checkpoint --every` writes one on time).
SAHL_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("SAHL_AUDIT_CHECKPOINT_EVERY") or 1000)

# --- Notifications: e-mail through SMTP (a dev server on localhost:1025 by default), SMS through a
# provider's HTTP API (simulated, with its outbox page /dev/sms, when SAHL_SIMULATORS is on) ---------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("SAHL_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SAHL_SMTP_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("SAHL_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SAHL_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _flag("SAHL_SMTP_TLS")
EMAIL_TIMEOUT = 20  # seconds; a send never outlives the claim timeout of notifications.rules
DEFAULT_FROM_EMAIL = os.environ.get("SAHL_EMAIL_FROM", "Sahl <no-reply@sahl.localhost>")
SAHL_SMS_GATEWAY = os.environ.get(
    "SAHL_SMS_GATEWAY",
    "sahl.sms_sim.gateways.SimulatedSmsGateway" if SAHL_SIMULATORS else "sahl.sms.gateways.HttpSmsGateway",
)
SAHL_SMS_URL = os.environ.get("SAHL_SMS_URL", "")
SAHL_SMS_TOKEN = os.environ.get("SAHL_SMS_TOKEN", "")
# Web Push (ADR 0055): Sahl's VAPID key (the P-256 scalar, base64url); without it, one derived from
# the secret key. Endpoints are public https addresses; http on the loopback only for the simulators
# and the tests (their push services run on 127.0.0.1), never in production (SSRF).
SAHL_VAPID_PRIVATE_KEY = os.environ.get("SAHL_VAPID_PRIVATE_KEY", "")
SAHL_PUSH_ALLOW_LOOPBACK = SAHL_SIMULATORS
NINJA_PAGINATION_PER_PAGE = 50

# --- The OpenID provider for apps (docs/adr/0054-an-openid-provider-for-apps.md): authorization code
# with PKCE (S256) for public clients an operator registers (`manage.py register_app`), rotating
# refresh tokens whose reuse revokes their family, scopes per API area (identity.scopes). -----------
# Named although it is the library's default: migrations that point at it resolve the setting by name.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _kept_rsa_key("SAHL_OIDC_KEY_FILE", "oidc-key.pem"),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
        Path(name.strip()).read_text()
        for name in os.environ.get("SAHL_OIDC_OLD_KEY_FILES", "").split(",")
        if name.strip()
    ],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic", "client_secret_post"],
    "OAUTH2_VALIDATOR_CLASS": "sahl.identity.oidc.SahlValidator",
    "SCOPES_BACKEND_CLASS": "sahl.identity.scopes.SahlScopes",
    "SCOPES": {},  # the scopes are identity.scopes'; this only satisfies the library's mandatory setting
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 15 * 60,  # short: a refresh token brings the next one
    "ID_TOKEN_EXPIRE_SECONDS": 15 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 60 * 60,  # an app unused for a month logs in again
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a rotated refresh token used again revokes its family
    "REQUEST_APPROVAL_PROMPT": "auto",  # the consent page once per app and scopes, until revoked
    # RFC 8252 native apps: a loopback redirect on any port, or the app's own scheme.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http", "kw.gov.sahl"],
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only, never plain
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
