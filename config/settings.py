"""Settings, all read from the environment (see the table in README.md).

The defaults work on a developer machine with PostgreSQL and Redis on localhost.
With DEBUG off the process refuses to start on a default SECRET_KEY or without
ALLOWED_HOSTS, and the production security settings are switched on.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

INSECURE_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )
if DEBUG:
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")  # no default: production must say
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address people use to reach the portal: links in e-mails and Telegram.
if DEBUG:
    # In development the links follow where `make run` serves (WEB_BIND, from
    # its PORT), so `make run PORT=8010` does not send people to :8000.
    _web_bind = env.str("WEB_BIND", default="") or "127.0.0.1:8000"
    _web_host, _web_port = _web_bind.rpartition(":")[::2]
    # Listening on every address: the links point at this machine.
    if _web_host in ("", "0.0.0.0", "[::]"):  # noqa: S104
        _web_host = "127.0.0.1"
    SITE_URL = env.str("SITE_URL", default=f"http://{_web_host}:{_web_port}").rstrip("/")
else:
    SITE_URL = env.str("SITE_URL").rstrip("/")

INSTALLED_APPS = [
    "config.apps.PortalAdminConfig",  # django.contrib.admin; agents land on their queue
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "audit",
    "activity",
    "portal",
    "contracts",
    "tickets",
    "sla",
    "notifications",
    "wishes",
    "knowledge",
    "signing",
    "diagnostics",
    "inventory",
    "surveys",
    "mailin",
    "canned",
]

MIDDLEWARE = [
    # X-Request-ID in and out, and on every log line of the request (core/requestid.py).
    "core.requestid.RequestIdMiddleware",
    # Requests and latency for /metrics (portal/metrics.py): first and last but one.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Outside the session, locale and common middleware: an answer they make
    # themselves (a 400 for a host the portal does not serve) gets them too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tickets.live.QueuePollMiddleware",  # before the session: an unchanged queue costs no query
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.RequestContextMiddleware",  # the request an audit row says it came from
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PortalAccessMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, so that it sees a view's Http404 before Django's debug page does.
    "config.debug_404.Portal404Middleware",
]
# DEBUG shows tracebacks but, unless this is on, the portal's own 404 page.
DEBUG_TECHNICAL_404 = env.bool("DEBUG_TECHNICAL_404", default=False)

# `make bench` sets bench.urls: the portal's URLs and its floor page (bench/floor.py).
ROOT_URLCONF = env.str("ROOT_URLCONF", default="config.urls")
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# Form fields render through templates/ first (templates/django/forms/field.html:
# labels without Django's ":" suffix, the same in every language).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
    }
}

# Sessions live in PostgreSQL: a Redis outage must not log everybody out, and
# /healthz must be able to say that Redis is down without failing itself.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)
# A session ends after this many minutes without a request (0: only SESSION_COOKIE_AGE).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=120)

# Two-step verification (accounts/second_factor.py): staff cannot work without it;
# clients turn it on themselves or their organisation's managers require it.
SECOND_FACTOR_REQUIRED_FOR_STAFF = env.bool("SECOND_FACTOR_REQUIRED_FOR_STAFF", default=True)
# The name authenticator apps show beside the account.
SECOND_FACTOR_ISSUER = env.str("SECOND_FACTOR_ISSUER", default="Support portal")
# Between a right password and the code: this long, then the password again.
SECOND_FACTOR_PENDING_SECONDS = env.int("SECOND_FACTOR_PENDING_SECONDS", default=5 * 60)

# Login throttling: after AXES_FAILURE_LIMIT failures for one e-mail from one
# address, that pair waits AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# X-Forwarded-For is trusted only for this many reverse proxies in front of the
# application (0: the connection's own address); see accounts/throttle.py.
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"
# Password reset requests per e-mail address and per client address, per hour.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_LIMIT_WINDOW = 60 * 60
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A signed-in reader's language is activated with its region (en-gb or en for
# English, pt-br for Portuguese: core/i18n.py), so dates follow their
# locale; config/formats/ holds the formats Django's do not get right.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files from `collectstatic` (done by `make run` and the
    # image); the test run reads the source files without collecting them.
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Media (attachments, documents, their sealed PDFs) on an S3-compatible store when
# MEDIA_STORAGE=s3 or a bucket is named; else the filesystem under MEDIA_ROOT. The
# objects are private and never linked to: the portal's authorised views stream
# them (docs/operating.md, "Storage").
MEDIA_STORAGE = env.str(
    "MEDIA_STORAGE",
    default="s3" if env.str("AWS_STORAGE_BUCKET_NAME", default="") else "filesystem",
)
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            # Empty: AWS itself; else MinIO, Ceph, R2, Scaleway... at this address.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3 finds credentials itself (instance role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Empty for a bucket that refuses ACLs (object ownership enforced).
            "default_acl": env.str("AWS_DEFAULT_ACL", default="private") or None,
            "querystring_auth": False,  # no signed links: nothing leaves but through a view
            "file_overwrite": False,  # a second "report.pdf" gets a name of its own
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be filesystem or s3.")

# Development prints e-mails to the console; production must name its relay.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else environ.Env.NOTSET)
vars().update(EMAIL_CONFIG)
# Without a timeout a stalled relay holds a worker (and its delivery's claim) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Support <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Replies by e-mail (mailin/). A ticket's notification e-mails carry a Reply-To made
# from this template ("reply+{token}@support.example"); empty: no Reply-To.
INBOUND_REPLY_ADDRESS = env.str("INBOUND_REPLY_ADDRESS", default="")
# The mailbox those replies land in, read by a beat job; empty: not read.
# imaps://user:password@host:993/INBOX (imap:// for no TLS).
INBOUND_EMAIL_URL = env.str("INBOUND_EMAIL_URL", default="")
INBOUND_EMAIL_POLL_SECONDS = env.float("INBOUND_EMAIL_POLL_SECONDS", default=60)
# What becomes of a message once handled (it is always marked \Seen): moved to this
# folder, or deleted; neither: it stays where it is.
INBOUND_EMAIL_MOVE_TO = env.str("INBOUND_EMAIL_MOVE_TO", default="")
INBOUND_EMAIL_DELETE = env.bool("INBOUND_EMAIL_DELETE", default=False)
# Mailgun's HTTP webhook signing key: inbound mail posted to /mail/mailgun/mime;
# empty: that URL is a 404.
INBOUND_MAILGUN_SIGNING_KEY = env.str("INBOUND_MAILGUN_SIGNING_KEY", default="")

# Security headers. The CSP allows nothing from elsewhere and no inline script
# or style: htmx runs from our static files with its inline indicator styles
# turned off (see templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes and the metrics scraper talk to the container directly, in plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Celery: tasks take ids and are safe to run twice; acks_late so that a worker
# killed mid-task leaves the message for the next one.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TIMEZONE = "UTC"
# The beat schedule is every app's BEAT list (core.plugins.BeatJob, beside its
# tasks), collected by config/celery.py.
# An event not handed to the broker after this many seconds is re-queued.
EVENT_OUTBOX_GRACE_SECONDS = env.int("EVENT_OUTBOX_GRACE_SECONDS", default=60)
# Functions called with every event by the dispatch task, in order.
EVENT_HANDLERS: list[str] = ["notifications.fanout.fan_out", "surveys.handlers.on_event"]

# Notifications: outbound channels by dotted path (see notifications/channels).
NOTIFICATION_CHANNELS = env.list(
    "NOTIFICATION_CHANNELS",
    default=[
        "notifications.channels.email.EmailChannel",
        "notifications.channels.telegram.TelegramChannel",
    ],
)
# A failed send is tried again after base, 2 x base, 4 x base ... seconds (capped),
# then marked failed in the admin after the last attempt. Ten attempts span about
# three hours (30 s doubling, capped at an hour): a relay or Telegram down for an
# hour is waited out (drills/test_relays_down.py); six gave up after 15 minutes.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=10)
NOTIFICATION_RETRY_BASE_SECONDS = env.float("NOTIFICATION_RETRY_BASE_SECONDS", default=30)
NOTIFICATION_RETRY_MAX_SECONDS = env.float("NOTIFICATION_RETRY_MAX_SECONDS", default=3600)
# The sweep re-queues rows waiting this long past their time, and takes back
# a claim held this long by a worker that stopped (killed mid-send).
NOTIFICATION_SWEEP_GRACE_SECONDS = env.int("NOTIFICATION_SWEEP_GRACE_SECONDS", default=60)
NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATION_CLAIM_TIMEOUT_SECONDS", default=300)
# Events older than this when they are fanned out reach the portal only.
NOTIFICATION_STALE_SECONDS = env.int("NOTIFICATION_STALE_SECONDS", default=24 * 60 * 60)
# Finished deliveries and read notifications older than this are deleted daily.
NOTIFICATION_KEEP_DAYS = env.int("NOTIFICATION_KEEP_DAYS", default=180)
NOTIFICATION_SWEEP_BATCH = env.int("NOTIFICATION_SWEEP_BATCH", default=5000)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)

# Telegram: no token, no Telegram (the profile does not offer it).
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")
# The Bot API's address; tests point it at a local fake server.
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org/bot")
# Checked against the X-Telegram-Bot-Api-Secret-Token header of webhook calls.
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_LINK_TTL_SECONDS = env.int("TELEGRAM_LINK_TTL_SECONDS", default=15 * 60)

# /metrics (portal/metrics.py, docs/operating.md) answers only a request with
# "Authorization: Bearer <METRICS_TOKEN>"; empty: /metrics is a 404 for everyone.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# /readyz (portal/health.py, docs/operating.md): a worker runs the heartbeat job
# every WORKER_HEARTBEAT_SECONDS; older than READYZ_WORKER_MAX_AGE_SECONDS the
# process is not ready (0: /readyz does not look at the workers).
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=15)
READYZ_WORKER_MAX_AGE_SECONDS = env.float("READYZ_WORKER_MAX_AGE_SECONDS", default=90)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# One JSON object a line for a log collector (core/logs.py), or plain lines for a
# terminal: JSON unless DEBUG. Each line names its request's id (core/requestid.py),
# in the web process and in the tasks the request enqueued; Celery's processes log
# through this configuration too (config/celery.py), at LOG_LEVEL.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

# E-mail uniqueness is enforced case-insensitively by the user_email_ci_unique
# constraint, which this check does not know about.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# Attachments: checked by content, stored outside the public media URL and
# served only through the ticket's authorised view.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=15 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# How long the author of a time entry (or a supervisor) may still correct it.
TIME_ENTRY_EDIT_DAYS = env.int("TIME_ENTRY_EDIT_DAYS", default=7)
DRAWIO_URL = env.str("DRAWIO_URL", default="https://embed.diagrams.net").rstrip("/")
# With no "init" from the editor by then, the page says it is out of reach (closed
# networks) and offers to attach a .drawio or .drawio.svg file instead.
DRAWIO_TIMEOUT_SECONDS = env.float("DRAWIO_TIMEOUT_SECONDS", default=10)
# The diagram editor runs in an iframe from its own origin (tickets/drawio.py).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"].append(
    "{0.scheme}://{0.netloc}".format(urlsplit(DRAWIO_URL))
)

# Documents to sign (signing/). The provider's seal: a PKCS#12 file whose passphrase
# comes from the environment, never the database. Development gets a self-signed
# demo certificate (`manage.py demo` makes it); without one, production refuses to
# send a document for signature rather than deliver a PDF nobody can verify.
SIGNING_PKCS12_PATH = env.str(
    "SIGNING_PKCS12_PATH",
    default=str(BASE_DIR / "var" / "signing" / "demo-seal.p12") if DEBUG else "",
)
SIGNING_PKCS12_PASSPHRASE = env.str(
    "SIGNING_PKCS12_PASSPHRASE", default="demo-seal-passphrase" if DEBUG else ""
)
# An RFC 3161 time-stamping authority turns the seal into PAdES B-T.
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
# Certificates whose seals the verification page accepts besides the current one
# (PEM files: earlier seals after the certificate is renewed, the CA of the seal).
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_MAX_PDF_BYTES = env.int("SIGNING_MAX_PDF_BYTES", default=20 * 1024 * 1024)
SIGNING_MAX_PAGES = env.int("SIGNING_MAX_PAGES", default=200)
# Pending signers are reminded once this long before the due date, and once after it.
SIGNING_REMIND_BEFORE_HOURS = env.int("SIGNING_REMIND_BEFORE_HOURS", default=48)
# Who seals signed documents, as the certificate page names the provider.
SIGNING_PROVIDER_NAME = env.str("SIGNING_PROVIDER_NAME", default="Support Portal")

# Network diagnostics through RIPE Atlas (diagnostics/). Keys by name
# (ATLAS_API_KEYS="default=<key>,noc=<key>"): the name used is recorded. Without
# a key the diagnostics pages say how to configure one.
ATLAS_API_URL = env.str("ATLAS_API_URL", default="https://atlas.ripe.net/api/v2")
ATLAS_API_KEYS = env.dict("ATLAS_API_KEYS", default={})
ATLAS_TIMEOUT_SECONDS = env.float("ATLAS_TIMEOUT_SECONDS", default=10)
# A running measurement is looked at after this many seconds, then twice as late
# each time up to the maximum, until it stops or the timeout passes.
ATLAS_POLL_FIRST_SECONDS = env.float("ATLAS_POLL_FIRST_SECONDS", default=10)
ATLAS_POLL_MAX_SECONDS = env.float("ATLAS_POLL_MAX_SECONDS", default=120)
ATLAS_MEASUREMENT_TIMEOUT_SECONDS = env.int("ATLAS_MEASUREMENT_TIMEOUT_SECONDS", default=30 * 60)
