"""The HTTP security settings as a caller meets them, without a server: which Host and Origin values pass,
which binds are refused without a token, and the defaults the README's Security table states.

The same rules are exercised end to end in test_http*.py (real requests, 421 and 403); these run in
milliseconds, so the mutation run (docs/mutation.md) can run them for every mutant of server/http.py.
"""

from __future__ import annotations

import pytest

from persona_mcp.errors import InvalidArgument
from persona_mcp.server.http import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONCURRENCY,
    HttpSettings,
    check_exposure,
    is_loopback,
    transport_security,
)


def test_the_defaults_are_the_readmes() -> None:
    settings = HttpSettings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert (DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENCY) == (1024 * 1024, 64)
    assert (settings.max_body_bytes, settings.max_concurrency) == (1024 * 1024, 64)
    assert settings.token is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.255.255.254", True),  # all of 127.0.0.0/8
        ("[::1]", True),
        ("128.0.0.1", False),
        ("::2", False),
        ("localhost.example.com", False),
        ("LOCALHOST.", False),  # not the exact loopback name: treated as reachable, the safe side
        ("", False),
    ],
)
def test_what_counts_as_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("host", "token", "refused"),
    [
        ("127.0.0.1", None, False),
        ("localhost", None, False),
        ("::1", None, False),
        ("0.0.0.0", None, True),
        ("10.0.0.5", None, True),
        ("10.0.0.5", "", True),  # an empty token is no token
        ("10.0.0.5", "s3cret", False),
        ("0.0.0.0", "s3cret", False),
    ],
)
def test_listening_beyond_this_machine_needs_a_token(host: str, token: str | None, refused: bool) -> None:
    settings = HttpSettings(host=host, token=token)
    if refused:
        with pytest.raises(InvalidArgument, match=rf"^--host: {host} is reachable from other machines; set "):
            check_exposure(settings)
    else:
        check_exposure(settings)


LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"]
LOOPBACK_ORIGINS = [
    "http://127.0.0.1",
    "http://127.0.0.1:*",
    "http://localhost",
    "http://localhost:*",
    "http://[::1]",
    "http://[::1]:*",
]


@pytest.mark.parametrize(
    ("settings", "hosts", "origins"),
    [
        (HttpSettings(), LOOPBACK_HOSTS, LOOPBACK_ORIGINS),
        (HttpSettings(host="localhost"), LOOPBACK_HOSTS, LOOPBACK_ORIGINS),  # loopback binds add nothing
        (HttpSettings(host="0.0.0.0", token="t"), LOOPBACK_HOSTS, LOOPBACK_ORIGINS),
        (HttpSettings(host="::", token="t"), LOOPBACK_HOSTS, LOOPBACK_ORIGINS),
        (HttpSettings(host="10.1.2.3", token="t"), [*LOOPBACK_HOSTS, "10.1.2.3", "10.1.2.3:*"], LOOPBACK_ORIGINS),
        (
            HttpSettings(allowed_hosts=("mcp.example.com", "proxy.local:8443", "[2001:db8::1]", "[2001:db8::1]:9000")),
            [
                *LOOPBACK_HOSTS,
                "mcp.example.com",
                "mcp.example.com:*",  # a name without a port: with any port too
                "proxy.local:8443",  # a name with a port: that port only
                "[2001:db8::1]",
                "[2001:db8::1]:*",  # the colons inside the brackets are not a port
                "[2001:db8::1]:9000",
            ],
            LOOPBACK_ORIGINS,
        ),
        (
            HttpSettings(allowed_origins=("https://app.example.com",)),
            LOOPBACK_HOSTS,
            [*LOOPBACK_ORIGINS, "https://app.example.com"],
        ),
    ],
)
def test_the_host_and_origin_allow_lists(settings: HttpSettings, hosts: list[str], origins: list[str]) -> None:
    security = transport_security(settings)
    assert security.enable_dns_rebinding_protection is True
    assert security.allowed_hosts == hosts
    assert security.allowed_origins == origins
