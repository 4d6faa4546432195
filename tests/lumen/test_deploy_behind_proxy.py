"""Production behind the TLS proxy: `check --deploy` stays clean, and login rate limits count
the client's address from X-Forwarded-For, not the proxy's (one bucket for every user)."""

from __future__ import annotations

from tests.lumen.test_startup import _manage


def test_check_deploy_is_clean_behind_the_tls_proxy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", BEHIND_TLS_PROXY="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_the_proxy_rate_limits_use_the_forwarded_client_address():
    code = (
        "from django.test import RequestFactory;"
        "from allauth.core.internal.httpkit import get_client_ip;"
        "r = RequestFactory().get('/', HTTP_X_FORWARDED_FOR='203.0.113.7', REMOTE_ADDR='10.0.0.1');"
        "print(get_client_ip(r))"
    )
    result = _manage("shell", "-c", code, BEHIND_TLS_PROXY="1")
    assert result.stdout.strip().splitlines()[-1] == "203.0.113.7", result.stderr
    direct = _manage("shell", "-c", code)
    assert direct.stdout.strip().splitlines()[-1] == "10.0.0.1", direct.stderr
