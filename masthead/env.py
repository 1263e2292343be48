"""The configuration contract: the only module that reads the process environment.

Every variable Masthead understands is read here, once, and handed to settings and
commands as typed values. The README's configuration table lists the same variables.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """Raised when the environment cannot run Masthead in the requested mode."""


def _get(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _flag(name: str, default: bool) -> bool:
    raw = _get(name)
    if not raw:
        return default
    value = raw.lower()
    if value in {"1", "on", "true", "yes"}:
        return True
    if value in {"0", "off", "false", "no"}:
        return False
    raise ConfigurationError(f"{name} must be on or off, not {raw!r}")


@dataclass(frozen=True)
class Config:
    env: str
    host: str
    port: int
    data_dir: Path
    secret_key: str
    site_url: str
    database_url: str
    redis_url: str
    email_url: str
    default_from_email: str
    admin_password: str
    page_cache: bool
    static_publish_dir: Path | None
    cdn_purge_url: str
    require_services: bool
    test_database_url: str
    test_redis_url: str  # a database the tests may empty
    # How many proxies (nginx, a load balancer) stand in front and append to
    # X-Forwarded-For: the reader's address is that many entries from the right.
    proxy_hops: int = 0
    # The key for an Akismet-compatible spam checker (off unless site settings turn it on).
    spam_checker_key: str = ""
    paypal: PayPalConfig | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"


# PayPal's own sandbox: where real credentials from the developer dashboard go first.
PAYPAL_SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com"
# Nothing listens on port 9 (discard): without credentials and without a running local
# sandbox (`masthead serve` starts one), every PayPal call fails fast as unavailable.
PAYPAL_NOWHERE = "http://127.0.0.1:9"


@dataclass(frozen=True)
class PayPalConfig:
    """How Masthead reaches PayPal, or Masthead's local PayPal sandbox (issue 11).

    `sandbox_local` is True when no credentials are set outside production: payments then
    go to masthead/paypal_sandbox (demo payments, no money moves), whose fixed loopback
    credentials the settings fill in. In production without credentials, donations are
    off and there is no PayPalConfig at all (decision 0013).
    """

    api_base: str
    client_id: str
    client_secret: str
    webhook_id: str
    sandbox_local: bool


def _secret_key_for_development(data_dir: Path) -> str:
    """Keep one random key per data folder so sessions survive restarts."""
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Created owner-only from its first moment (a chmod afterwards leaves a window, and
    # the mode given to os.open is not widened by any umask), written in full under a
    # name of its own, then linked into place: a second process starting at the same time
    # either wins the link or reads the complete key of the one that did.
    draft = data_dir / f".secret_key.{secrets.token_hex(8)}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(key)
        os.link(draft, key_file)
    except FileExistsError:
        return key_file.read_text().strip()
    finally:
        draft.unlink(missing_ok=True)
    return key


def load() -> Config:
    env = _get("MASTHEAD_ENV", "development").lower()
    if env not in {"development", "production", "test"}:
        raise ConfigurationError(f"MASTHEAD_ENV must be development or production, not {env!r}")
    data_dir = Path(_get("MASTHEAD_DATA_DIR") or PROJECT_ROOT / "var").resolve()
    try:
        port = int(_get("PORT", "8000"))
    except ValueError as error:
        raise ConfigurationError("PORT must be a number") from error

    secret_key = _get("SECRET_KEY")
    site_url = _get("SITE_URL").rstrip("/")
    if env == "production":
        missing = [name for name, value in (("SECRET_KEY", secret_key), ("SITE_URL", site_url)) if not value]
        if missing:
            raise ConfigurationError("Production settings need " + " and ".join(missing) + " in the environment.")
    elif not secret_key:
        secret_key = _secret_key_for_development(data_dir)

    return Config(
        env=env,
        host=_get("HOST", "127.0.0.1"),
        port=port,
        data_dir=data_dir,
        secret_key=secret_key,
        site_url=site_url or f"http://127.0.0.1:{port}",
        database_url=_get("DATABASE_URL"),
        redis_url=_get("REDIS_URL"),
        email_url=_get("EMAIL_URL"),
        default_from_email=_get("DEFAULT_FROM_EMAIL", "Masthead <newsroom@localhost>"),
        admin_password=_get("MASTHEAD_ADMIN_PASSWORD"),
        page_cache=_flag("MASTHEAD_PAGE_CACHE", True),
        static_publish_dir=Path(_get("MASTHEAD_STATIC_PUBLISH_DIR")).resolve()
        if _get("MASTHEAD_STATIC_PUBLISH_DIR")
        else None,
        cdn_purge_url=_cdn_purge_url(),
        require_services=_flag("MASTHEAD_REQUIRE_SERVICES", False),
        test_database_url=_get("MASTHEAD_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        test_redis_url=_get("MASTHEAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        proxy_hops=_proxy_hops(),
        spam_checker_key=_get("MASTHEAD_SPAM_CHECKER_KEY"),
        paypal=_paypal(is_production=env == "production"),
    )


def _paypal(*, is_production: bool) -> PayPalConfig | None:
    client_id, client_secret = _get("PAYPAL_CLIENT_ID"), _get("PAYPAL_CLIENT_SECRET")
    webhook_id, api_base = _get("PAYPAL_WEBHOOK_ID"), _get("PAYPAL_API_BASE").rstrip("/")
    if bool(client_id) != bool(client_secret):
        raise ConfigurationError("PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET go together: set both or neither.")
    if api_base and not api_base.startswith(("http://", "https://")):
        raise ConfigurationError("PAYPAL_API_BASE must start with https:// (or http:// for a local sandbox)")
    if not client_id:
        if is_production:
            return None  # donations are off, which is a choice, not an error
        if api_base and urlsplit(api_base).hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise ConfigurationError(
                "PAYPAL_API_BASE without PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET can only be the local "
                "PayPal sandbox on this machine (127.0.0.1)."
            )
        # The local sandbox's credentials are filled in by the settings from the sandbox package.
        return PayPalConfig(
            api_base=api_base or PAYPAL_NOWHERE, client_id="", client_secret="", webhook_id="", sandbox_local=True
        )
    api_base = api_base or PAYPAL_SANDBOX_API_BASE
    if is_production:
        if not api_base.startswith("https://"):
            raise ConfigurationError("PAYPAL_API_BASE must start with https:// in production")
        if not webhook_id:
            # Without it no webhook can be verified: payments would settle only through
            # `masthead donations reconcile`, and refunds made at PayPal would go unseen.
            raise ConfigurationError("Production PayPal settings need PAYPAL_WEBHOOK_ID with the credentials.")
    return PayPalConfig(
        api_base=api_base,
        client_id=client_id,
        client_secret=client_secret,
        webhook_id=webhook_id,
        sandbox_local=False,
    )


def _proxy_hops() -> int:
    raw = _get("MASTHEAD_PROXY_HOPS", "0")
    if not raw.isdigit() or int(raw) > 10:
        raise ConfigurationError("MASTHEAD_PROXY_HOPS must be a number of proxies from 0 to 10")
    return int(raw)


def _cdn_purge_url() -> str:
    url = _get("MASTHEAD_CDN_PURGE_URL").rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigurationError("MASTHEAD_CDN_PURGE_URL must start with http:// or https://")
    return url


# What configures Masthead from the environment; a caller's shell may hold any of it.
_CONFIGURATION_PREFIXES = ("MASTHEAD_", "DJANGO_")
_CONFIGURATION = {
    "PORT",
    "HOST",
    "SECRET_KEY",
    "SITE_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "PAYPAL_CLIENT_ID",
    "PAYPAL_CLIENT_SECRET",
    "PAYPAL_WEBHOOK_ID",
    "PAYPAL_API_BASE",
}
# What a test run keeps of it: whether missing services fail (CI sets it), where the
# PostgreSQL pass runs (`make test-postgres` sets both), the Redis database the tests may
# empty, and the settings pytest chose.
_KEPT_FOR_TESTS = {
    "MASTHEAD_REQUIRE_SERVICES",
    "MASTHEAD_TEST_DATABASE_URL",
    "MASTHEAD_TEST_REDIS_URL",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
}


def is_configuration(name: str) -> bool:
    """Whether the environment variable `name` configures Masthead or Django."""
    return name.startswith(_CONFIGURATION_PREFIXES) or name in _CONFIGURATION


def forget_the_callers_configuration() -> None:
    """Drop the caller's Masthead configuration from this process (and its children), so
    tests run alike in any shell: a MASTHEAD_ADMIN_PASSWORD or REDIS_URL left there must
    not change what they see. The test settings call this before reading anything."""
    for name in list(os.environ):
        if is_configuration(name) and name not in _KEPT_FOR_TESTS:
            del os.environ[name]


def settings_module() -> str:
    """The settings module for MASTHEAD_ENV, unless DJANGO_SETTINGS_MODULE names one."""
    explicit = _get("DJANGO_SETTINGS_MODULE")
    if explicit:
        return explicit
    env = _get("MASTHEAD_ENV", "development").lower()
    return "masthead.settings.production" if env == "production" else "masthead.settings.development"


def use_settings() -> None:
    """Point Django at the settings for this environment (wsgi, manage.py, the CLI)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with `overrides`, for a child process (`masthead serve`
    hands its workers the address of the local PayPal sandbox it started)."""
    return {**os.environ, **overrides}
