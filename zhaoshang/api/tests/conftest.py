import pytest

from zhaoshang.api.choices import ALL_SCOPES


@pytest.fixture
def token_for(db):
    """``token_for(user, scopes=…)`` → the raw token (all scopes by default).

    Any scope asked for, even one the user's role cannot use (which ``create_token``
    refuses, tested in test_service_accounts): so that tests prove the endpoints refuse a
    role themselves, as they must for a token made before its owner's role changed."""
    from unittest import mock

    from zhaoshang.api import services

    def make(user, scopes=None, days=30, allowed_networks=""):
        with mock.patch.object(services, "usable_scopes", lambda user: ALL_SCOPES):
            return services.create_token(
                user, name="测试令牌", scopes=scopes or ALL_SCOPES, days=days, allowed_networks=allowed_networks
            ).secret

    return make


@pytest.fixture
def call(client):
    """``call(token, "get", "/api/v1/projects", data=…, headers=…)``: a JSON request with the token."""
    import json

    def send(token, method, path, data=None, headers=None, **extra):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if method in ("post", "patch", "put") and data is not None and not isinstance(data, (str, bytes)):
            data = json.dumps(data)
        kwargs = {"content_type": "application/json"} if method in ("post", "patch", "put") else {}
        return getattr(client, method)(path, data=data, headers=headers, **kwargs, **extra)

    return send
