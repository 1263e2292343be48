"""Payment providers behind one interface (base.py); `get_provider()` picks the configured one."""

from __future__ import annotations

from .base import PaymentProvider


def get_provider() -> PaymentProvider:
    """The configured provider: PayPal (or Masthead's local PayPal sandbox when no
    credentials are set outside production). In production without credentials its
    `is_configured()` is False and donations are off (settings.DONATIONS_ENABLED)."""
    from .paypal import PayPalProvider

    return PayPalProvider.from_settings()
