"""Django settings for Créneau: the only module that reads the environment.

Every setting comes from a ``CRENEAU_*`` environment variable with a safe default for the
embedded mode (one machine, SQLite, evidence on local disk). Bad values fail loudly.
"""

import csv
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Return ``CRENEAU_<name>``, or the content of the file named by ``CRENEAU_<name>_FILE``."""
    key = f"CRENEAU_{name}"
    if f"{key}_FILE" in os.environ:
        return Path(os.environ[f"{key}_FILE"]).read_text().strip()
    return os.environ.get(key, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "")
    if value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"CRENEAU_{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = env(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"CRENEAU_{name} must be an integer, not {value!r}") from None


def envlist(name: str) -> list[str]:
    return [item.strip() for item in env(name, "").split(",") if item.strip()]


def env_given(name: str) -> bool:
    """Whether ``CRENEAU_<name>`` (or its ``_FILE``) is set at all, even to an empty value."""
    key = f"CRENEAU_{name}"
    return key in os.environ or f"{key}_FILE" in os.environ


def _default_timestamp_authorities() -> list[str]:
    """The public RFC 3161 authorities of ``lib/data/timestamp_authorities.csv``, in order."""
    with (BASE_DIR / "creneau" / "lib" / "data" / "timestamp_authorities.csv").open() as rows:
        return [row["url"] for row in csv.DictReader(rows)]


def _persistent_secret(path: Path) -> str:
    """A random secret kept in the data folder, so the embedded mode needs no configuration."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database(url: str) -> dict[str, object]:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "creneau.sqlite3",
            # A web thread keeps its connection between requests: opening one (and its PRAGMAs)
            # cost every page ~1 ms of CPU. In WAL mode an idle connection holds no lock.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete: deleted rows are overwritten with zeros (erasure, purge).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
            },
        }
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured("CRENEAU_DATABASE_URL must be a postgresql:// URL")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        # JIT compiling pays off on analytics, not on a web app's short queries: it took 2.3 s
        # of the 3.4 s of the CSV export of 100,000 cases (bench/load.py --postgres).
        "OPTIONS": {"options": "-c jit=off"},
    }


def _private_data(folder: Path) -> Path:
    """The data folder holds identity data, evidence and keys: owner only (0700), and so is
    everything this process creates from now on (umask 077: files 0600, folders 0700). A folder
    or database left readable by others by an older version is closed again here."""
    os.umask(0o077)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in [folder, *(folder / name for name in _PRIVATE_FILES)]:
        try:
            if path.exists() and path.stat().st_mode & 0o077 and path.owner() == _me():
                path.chmod(0o700 if path.is_dir() else 0o600)
        except (OSError, KeyError):  # not ours to change: the deployer set it up
            pass
    return folder


def _me() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


_PRIVATE_FILES: tuple[str, ...] = ("creneau.sqlite3", "creneau.sqlite3-wal")
_PRIVATE_FILES += ("creneau.sqlite3-shm", "secret_key", "field_key")

DATA_DIR = _private_data(Path(env("DATA_DIR", str(BASE_DIR / "data"))).resolve())
EVIDENCE_DIR = DATA_DIR / "evidence"


def _evidence_store() -> str:
    """``local`` (the folder above, one machine) or ``s3`` (a bucket every host shares)."""
    store = env("EVIDENCE_STORE", "local")
    if store not in {"local", "s3"}:
        raise ImproperlyConfigured(f"CRENEAU_EVIDENCE_STORE must be local or s3, not {store!r}")
    if store == "s3" and not env("S3_BUCKET"):
        raise ImproperlyConfigured("CRENEAU_EVIDENCE_STORE=s3 needs CRENEAU_S3_BUCKET")
    return store


def _lock_mode() -> str:
    """Object Lock retention written with each blob: GOVERNANCE, COMPLIANCE, or none."""
    mode = env("S3_LOCK_MODE").upper()
    if mode not in {"", "GOVERNANCE", "COMPLIANCE"}:
        raise ImproperlyConfigured("CRENEAU_S3_LOCK_MODE must be GOVERNANCE or COMPLIANCE")
    if mode and envint("S3_LOCK_DAYS", 0) <= 0:
        raise ImproperlyConfigured("CRENEAU_S3_LOCK_MODE needs CRENEAU_S3_LOCK_DAYS (days, > 0)")
    return mode


# The evidence store (creneau/lib/storage.py; docs/deployment.md). With ``s3``, every host of a
# multi-host installation reads and writes the same bucket; credentials come from these
# variables (or their ``_FILE`` form) only.
EVIDENCE_STORE = _evidence_store()
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL")  # empty: AWS itself
S3_REGION = env("S3_REGION")
S3_BUCKET = env("S3_BUCKET")
S3_PREFIX = env("S3_PREFIX")  # blobs live under PREFIX/sha256/…
S3_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY")
S3_SSE = env("S3_SSE")  # server-side encryption: "", AES256 or aws:kms
S3_SSE_KMS_KEY_ID = env("S3_SSE_KMS_KEY_ID")
S3_LOCK_MODE = _lock_mode()
S3_LOCK_DAYS = envint("S3_LOCK_DAYS", 0)

DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or _persistent_secret(DATA_DIR / "secret_key")
# Identity fields are encrypted at rest (django-fernet-encrypted-fields). The first key encrypts,
# every key decrypts: put a new key first to rotate (docs/SECURITY.md).
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")
SALT_KEY = envlist("FIELD_KEYS") or [_persistent_secret(DATA_DIR / "field_key")]
# The public address of this site (links in reminders; behind an HTTPS reverse proxy, what the
# browser sees). Behind a proxy, CRENEAU_TRUSTED_PROXY is the address it connects from: only
# then are its X-Forwarded-Proto and X-Forwarded-For believed (docs/deployment.md).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
TRUSTED_PROXY = env("TRUSTED_PROXY")
_SITE = urlsplit(SITE_URL)
_HTTPS = _SITE.scheme == "https"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
if _SITE.hostname and _SITE.hostname not in ALLOWED_HOSTS and not envlist("ALLOWED_HOSTS"):
    ALLOWED_HOSTS.append(_SITE.hostname)
# The site's own origin is trusted for forms (the browser's Origin behind a proxy).
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS") or [f"{_SITE.scheme}://{_SITE.netloc}"]
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    # Outside apps named in French in the operator's admin (creneau/outside_apps.py).
    "creneau.outside_apps.TaskQueue",  # django_tasks_db
    "creneau.outside_apps.LoginAttempts",  # axes
    "django_otp",
    "creneau.outside_apps.AuthenticatorApps",  # django_otp.plugins.otp_totp
    "creneau.outside_apps.RecoveryCodes",  # django_otp.plugins.otp_static
    # Domain apps, lowest first: each imports only from those above it in this list.
    "creneau.catalog",
    "creneau.accounts",
    "creneau.cases",
    "creneau.evidence",
    "creneau.watch",
    "creneau.assessment",
    "creneau.screenshots",
    "creneau.observatory",
    "creneau.notifications",
    "creneau.documents",
    "creneau.correspondence",
    "creneau.court",
    "creneau.privacy",
    "creneau.scheduling",
    "creneau.portal",
    "creneau.desk",
    "creneau.simulators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "creneau.accounts.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "creneau.accounts.languages.PageLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "creneau.accounts.middleware.TwoFactorMiddleware",
    "creneau.accounts.middleware.FirstRunMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that its process_exception runs first: a locked database or a full disk.
    "creneau.accounts.middleware.TroubleMiddleware",
]

ROOT_URLCONF = "creneau.urls"
WSGI_APPLICATION = "creneau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "creneau" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "creneau.accounts.context_processors.organisation_admin",
                "creneau.accounts.context_processors.language_switch",
            ],
        },
    },
]

DATABASES = {"default": _database(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "attempts", "alerts"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    # ModelBackend whose per-request user query also reads the second factor and admin flags.
    "creneau.accounts.backends.MemberBackend",
]
# Login throttling (accounts/lockout.py): an account from one address after 5 failures, the
# account from every address after a softer limit; addresses as the trusted proxy gives them.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = envint("LOGIN_ACCOUNT_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "creneau.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "creneau.accounts.lockout.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Optional second factor (accounts/twofactor.py): a TOTP app, recovery codes as a fallback.
OTP_TOTP_ISSUER = "Créneau"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds; the wait doubles after each wrong code
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no secret or QR code of a member in /admin/
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("Français")),
    ("en", _("English")),
    ("ar", _("العربية")),
    ("es", _("Español")),
]
LOCALE_PATHS = [BASE_DIR / "creneau" / "locale"]
# The person's pages (portal, assisted attempt) speak the person's language and offer the
# switch; every other page — the volunteers' working tool — is in French (accounts/languages.py).
PERSON_PAGES = ["/p/", "/tentative/"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "creneau" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# A strict Content-Security-Policy: this site only, no inline script (accounts/middleware.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 12) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Derived from an https:// CRENEAU_SITE_URL (each can still be set): secure cookies, HSTS for a
# year, and a redirect of plain http to https when a trusted proxy says which is which.
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", _HTTPS and bool(TRUSTED_PROXY))
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000 if _HTTPS else 0)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = envint("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "creneau@localhost")

# Outside services (each has exactly one seam module).
# Trusted time is on by default: the public authorities of lib/data/timestamp_authorities.csv,
# verified against the roots bundled beside it (docs/verification.md). CRENEAU_TSA_URLS= (empty)
# turns it off; a list of one's own authorities needs its roots in CRENEAU_TSA_CA_FILE.
TSA_DEFAULTS = not env_given("TSA_URLS")
TSA_URLS = _default_timestamp_authorities() if TSA_DEFAULTS else envlist("TSA_URLS")
TSA_DEFAULT_ROOTS = str(BASE_DIR / "creneau" / "lib" / "data" / "tsa-roots.pem")
TSA_CA_FILE = env("TSA_CA_FILE") or (TSA_DEFAULT_ROOTS if TSA_DEFAULTS else "")
CHROMIUM_PATH = env("CHROMIUM_PATH")
# Tesseract's language data (fra, eng, ara); empty: Debian's tesseract-ocr-* packages' folder.
TESSDATA_DIR = env("TESSDATA_DIR")
# Simulators and tests serve booking pages on loopback; production refuses such URLs.
ALLOW_LOCAL_URLS = envbool("ALLOW_LOCAL_URLS", False)
USER_AGENT_CONTACT = env("USER_AGENT_CONTACT", "https://github.com/creneau/creneau")
# The browser (creneau.lib.browser): one Chromium per process, at most this many captures in it
# at once (a context each); a capture that has not finished after CAPTURE_DEADLINE seconds is
# stopped and recorded as an error, whatever the site does.
BROWSER_CAPTURES = envint("BROWSER_CAPTURES", 4)
CAPTURE_DEADLINE_S = envint("CAPTURE_DEADLINE", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "filters": {"personal_data": {"()": "creneau.lib.redact.PersonalDataFilter"}},
    "root": {"handlers": ["stderr"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Libraries that announce themselves at INFO on every start.
        **{name: {"level": "WARNING"} for name in ("pikepdf", "fontTools", "weasyprint")},
        # Apprise names the recipients (phone numbers, addresses) in its lines.
        "apprise": {"filters": ["personal_data"]},
    },
}

# Evidence (creneau.evidence): seconds to wait for each time-stamping authority.
TSA_TIMEOUT_S = envint("TSA_TIMEOUT", 10)

# assessment: a JSON file overriding entries of creneau/assessment/data/thresholds.json
# (same shape), so jurists can tune the sufficiency thresholds without touching code.
ASSESSMENT_THRESHOLDS_FILE = env("ASSESSMENT_THRESHOLDS_FILE")

# catalog: a CSV file overriding rows of creneau/catalog/data/legal_references.csv (same
# columns), so a jurist records a check on Légifrance (verified_on) or corrects a citation.
LEGAL_REFERENCES_FILE = env("LEGAL_REFERENCES_FILE")

# documents: a folder of document templates (same file names as creneau/documents/templates/
# documents/) that the organisation's jurist edits; files found there win over the built-in ones.
DOCUMENT_TEMPLATES_DIR = env("DOCUMENT_TEMPLATES_DIR")

# --- privacy: automatic purge of inactive cases (days; 0 disables a rule) ---
PURGE_CLOSED_AFTER_DAYS = envint("PURGE_CLOSED_AFTER_DAYS", 90)
PURGE_INACTIVE_AFTER_DAYS = envint("PURGE_INACTIVE_AFTER_DAYS", 365)
# Objects of the evidence store no row references (a crash between the store write and the
# database commit) are removed by the purge once older than this (hours, at least 1): a younger
# one may belong to an attempt still recording.
ORPHAN_GRACE_HOURS = max(envint("ORPHAN_GRACE_HOURS", 24), 1)

# scheduling: scheduler, per-host politeness budget and assisted attempts (docs/deployment.md).
# One "request" is one driver run against a booking host (a few page loads, like a person's).
POLITENESS_CAPACITY = envint("POLITENESS_CAPACITY", 3)
POLITENESS_REFILL_SECONDS = envint("POLITENESS_REFILL_SECONDS", 120)
POLITENESS_BACKOFF_BASE_SECONDS = envint("POLITENESS_BACKOFF_BASE_SECONDS", 600)
POLITENESS_BACKOFF_MAX_SECONDS = envint("POLITENESS_BACKOFF_MAX_SECONDS", 6 * 3600)
# Humane windows, local time (TIME_ZONE): "HH:MM-HH:MM" and days "mon-sat" / "mon,wed,fri".
EVIDENCE_HOURS = env("EVIDENCE_HOURS", "08:00-19:00")
EVIDENCE_DAYS = env("EVIDENCE_DAYS", "mon-sat")
EVIDENCE_PER_WEEK = envint("EVIDENCE_PER_WEEK", 0)  # 0: one a day on every window day
WATCH_HOURS = env("WATCH_HOURS", "08:00-19:00")
WATCH_DAYS = env("WATCH_DAYS", "mon-sat")
WATCH_MINUTES = env("WATCH_MINUTES", "15-30")
SCHEDULER_INTERVAL_SECONDS = envint("SCHEDULER_INTERVAL", 30)
ASSISTED_LINK_HOURS = envint("ASSISTED_LINK_HOURS", 4)
ASSISTED_ANSWER_SECONDS = envint("ASSISTED_ANSWER_SECONDS", 300)
TASKS["default"]["QUEUES"] = [*TASKS["default"]["QUEUES"], "assisted"]

# notifications: Apprise URL used for e-mail alerts when a person or volunteer has no channel of
# their own ("" = plain SMTP to EMAIL_HOST:EMAIL_PORT); the public address of this site for links.
NOTIFY_MAIL_URL = env("NOTIFY_MAIL_URL")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_URL_GIVEN = bool(env("SITE_URL"))  # creneau doctor: links in alerts need the public address
# A generic HTTP SMS gateway run or rented by the operator (docs/alerts.md), for organisations
# that set up no SMS provider of their own: each SMS is one JSON POST {"to": "+33…", "text": …,
# "sender": …} with "Authorization: Bearer <token>". "" = none.
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN")
SMS_SENDER = env("SMS_SENDER", "Creneau")
_gateway = urlsplit(SMS_GATEWAY_URL)
if SMS_GATEWAY_URL and (_gateway.scheme not in {"http", "https"} or not _gateway.hostname):
    raise ImproperlyConfigured("CRENEAU_SMS_GATEWAY_URL must be an http(s):// URL")

# correspondence: seconds to wait for the organisation's SMTP server before giving up a send.
CORRESPONDENCE_SMTP_TIMEOUT_S = envint("SMTP_TIMEOUT", 30)

# observatory: aggregates of the page watchers (docs/observatory.md). Sealed sample checks per
# page and day at most (the day's first conclusive check, then the slot / no-slot changes; about
# 1 MB each); 0 seals none. The key that signs published files, generated once, never leaves
# DATA_DIR. The publisher's name printed in published files and pages.
OBSERVATORY_SEALS_PER_DAY = envint("OBSERVATORY_SEALS_PER_DAY", 6)
OBSERVATORY_KEY_FILE = Path(env("OBSERVATORY_KEY_FILE", str(DATA_DIR / "observatory_ed25519.pem")))
OBSERVATORY_PUBLISHER = env("OBSERVATORY_PUBLISHER")
# An organisation admin may only name a public SMTP server: a loopback or private one (a relay
# on this machine, a server of the local network) needs the operator's consent here.
ALLOW_LOCAL_SMTP = envbool("ALLOW_LOCAL_SMTP", False)
