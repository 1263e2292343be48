"""PayPal's configuration (issue 11, decision 0013): credentials, or the local sandbox
outside production, or donations off in production."""

from __future__ import annotations

import json

import pytest

from masthead import env
from masthead.core.tests.processes import run_masthead

PAYPAL_NAMES = ("PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID", "PAYPAL_API_BASE")


@pytest.fixture
def environment(monkeypatch, tmp_path):
    for name in PAYPAL_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MASTHEAD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MASTHEAD_ENV", "development")

    def configure(**values: str):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return env.load().paypal

    return configure


def production(**values: str) -> dict[str, str]:
    return {"MASTHEAD_ENV": "production", "SECRET_KEY": "k" * 50, "SITE_URL": "https://news.example.org", **values}


def test_without_credentials_development_uses_the_local_sandbox(environment):
    paypal = environment()
    assert paypal.sandbox_local
    assert paypal.api_base == env.PAYPAL_NOWHERE  # until `masthead serve` starts the sandbox


def test_a_local_sandbox_of_ones_own_may_be_named(environment):
    paypal = environment(PAYPAL_API_BASE="http://127.0.0.1:8025/")
    assert (paypal.sandbox_local, paypal.api_base) == (True, "http://127.0.0.1:8025")


def test_without_credentials_the_api_base_can_only_be_on_this_machine(environment):
    with pytest.raises(env.ConfigurationError, match="local PayPal sandbox"):
        environment(PAYPAL_API_BASE="https://api-m.paypal.com")


def test_credentials_default_to_paypals_own_sandbox(environment):
    paypal = environment(PAYPAL_CLIENT_ID="id", PAYPAL_CLIENT_SECRET="secret", PAYPAL_WEBHOOK_ID="WH1")
    assert paypal == env.PayPalConfig(
        api_base="https://api-m.sandbox.paypal.com",
        client_id="id",
        client_secret="secret",
        webhook_id="WH1",
        sandbox_local=False,
    )


@pytest.mark.parametrize("given", [{"PAYPAL_CLIENT_ID": "id"}, {"PAYPAL_CLIENT_SECRET": "secret"}])
def test_half_the_credentials_is_an_error(environment, given):
    with pytest.raises(env.ConfigurationError, match="set both or neither"):
        environment(**given)


def test_the_api_base_must_be_a_web_address(environment):
    with pytest.raises(env.ConfigurationError, match="PAYPAL_API_BASE"):
        environment(PAYPAL_CLIENT_ID="id", PAYPAL_CLIENT_SECRET="s", PAYPAL_API_BASE="ftp://paypal")


def test_production_without_credentials_has_donations_off(environment):
    assert environment(**production()) is None


def test_production_credentials_need_a_webhook_id_and_https(environment):
    credentials = {"PAYPAL_CLIENT_ID": "id", "PAYPAL_CLIENT_SECRET": "secret"}
    with pytest.raises(env.ConfigurationError, match="PAYPAL_WEBHOOK_ID"):
        environment(**production(**credentials))
    with pytest.raises(env.ConfigurationError, match="https"):
        environment(**production(**credentials, PAYPAL_WEBHOOK_ID="WH1", PAYPAL_API_BASE="http://127.0.0.1:8025"))
    paypal = environment(
        **production(**credentials, PAYPAL_WEBHOOK_ID="WH1", PAYPAL_API_BASE="https://api-m.paypal.com")
    )
    assert (paypal.api_base, paypal.sandbox_local) == ("https://api-m.paypal.com", False)


def test_the_paypal_variables_are_configuration_the_tests_forget():
    assert all(env.is_configuration(name) for name in PAYPAL_NAMES)


SHOW_SETTINGS = (
    "from django.conf import settings as s; import json; print(json.dumps([s.DONATIONS_ENABLED,"
    " s.PAYPAL_SANDBOX_LOCAL, s.PAYPAL_API_BASE, bool(s.PAYPAL_CLIENT_ID), bool(s.PAYPAL_WEBHOOK_ID)]))"
)


@pytest.mark.timeout_sensitive  # a process of its own, whatever the pass
def test_settings_offer_the_sandbox_in_development_and_nothing_in_production(tmp_path):
    development = run_masthead("shell", "-c", SHOW_SETTINGS, MASTHEAD_DATA_DIR=str(tmp_path))
    assert json.loads(development.stdout.splitlines()[-1]) == [True, True, env.PAYPAL_NOWHERE, True, True], (
        development.stderr
    )
    off = run_masthead("shell", "-c", SHOW_SETTINGS, MASTHEAD_DATA_DIR=str(tmp_path), **production())
    assert json.loads(off.stdout.splitlines()[-1]) == [False, False, env.PAYPAL_NOWHERE, False, False], off.stderr
