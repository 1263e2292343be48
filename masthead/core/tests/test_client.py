"""The reader's address behind MASTHEAD_PROXY_HOPS proxies, as rate limits and the
analytics beacon read it."""

from __future__ import annotations

import ipaddress

import pytest

from masthead.core.client import _is_address, address_from_environ

CANDIDATES = [
    "203.0.113.7",
    "0.0.0.0",  # noqa: S104 (a string to parse, not an address to bind)
    "255.255.255.255",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.04",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.4 ",
    " 1.2.3.4",
    "1.2.3.4\x00",
    "١.٢.٣.٤",
    "2001:db8::1",
    "::ffff:1.2.3.4",
    "fe80::1%eth0",
    "2001:db8::g",
    "example.com",
    "",
]


def ipaddress_says(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value", CANDIDATES)
def test_an_address_is_accepted_exactly_when_the_standard_library_parses_it(value):
    assert _is_address(value) is ipaddress_says(value)


def test_behind_one_proxy_the_address_it_saw_is_the_readers(settings):
    settings.MASTHEAD_PROXY_HOPS = 1
    environ = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.7"}
    assert address_from_environ(environ) == "203.0.113.7"
    environ["HTTP_X_FORWARDED_FOR"] = "198.51.100.9, not-an-address"
    assert address_from_environ(environ) == "10.0.0.1"
    settings.MASTHEAD_PROXY_HOPS = 0
    assert address_from_environ(environ) == "10.0.0.1"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("  203.0.113.7 ", "203.0.113.7"),
        ("2001:db8::7", "2001:db8::7"),
        ("", "10.0.0.1"),
        ("   ", "10.0.0.1"),
        ("not-an-address", "10.0.0.1"),
        ("203.0.113.7, ", "203.0.113.7"),
        (", 203.0.113.7", "203.0.113.7"),
        ("198.51.100.9,203.0.113.7", "203.0.113.7"),
    ],
)
def test_one_proxy_hop_reads_a_single_forwarded_address_by_the_same_rule(header, expected):
    """The beacon's shortcut for a header of one address gives what the list rule gives."""
    environ = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": header}
    assert address_from_environ(environ, hops=1) == expected
    assert address_from_environ({"REMOTE_ADDR": "10.0.0.1"}, hops=1) == "10.0.0.1"
