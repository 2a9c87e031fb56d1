"""Secrets kept in the database (robots' addresses and signing secrets, the authenticators'
TOTP secrets, later other webhooks' secrets) encrypted at rest, so that a copy of the database or a backup does not
hand out credentials.

Keys come from ``ZHAOSHANG_SECRET_KEYS``: comma-separated Fernet keys, the first encrypts,
all decrypt, so a key is rotated by putting a new one first, running
``manage.py rotate_secrets`` and then dropping the old one (docs/deploy.md). Development
and tests without the variable use a key derived from SECRET_KEY; production
(ZHAOSHANG_HTTPS=1) refuses to start without it.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

DERIVATION_LABEL = b"zhaoshang secrets at rest\x00"


def fernet_keys(raw: str, *, secret_key: str, production: bool) -> tuple[str, ...]:
    """The keys named by ``ZHAOSHANG_SECRET_KEYS`` (``raw``), checked; without any, a key
    derived from ``secret_key`` — refused in production, where a database copy must not
    be enough to read the secrets (the SECRET_KEY often sits in the same config)."""
    keys = tuple(part.strip() for part in (raw or "").split(",") if part.strip())
    if not keys:
        if production:
            raise ImproperlyConfigured(
                "ZHAOSHANG_SECRET_KEYS is required when ZHAOSHANG_HTTPS=1: it encrypts the robots' "
                "credentials in the database (docs/deploy.md)."
            )
        digest = hashlib.sha256(DERIVATION_LABEL + secret_key.encode()).digest()
        return (base64.urlsafe_b64encode(digest).decode(),)
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"ZHAOSHANG_SECRET_KEYS: key {number} is not a Fernet key (32 bytes, URL-safe base64); "
                "make one with `manage.py rotate_secrets --new-key`."
            ) from None
    return keys


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    # Cached per key tuple, not per process: settings overridden in a test get their own.
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    from django.conf import settings

    return _fernet(tuple(settings.SECRET_KEYS))


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        # A wrong or missing key is a deployment error that must be seen, not a secret
        # quietly read as empty (and then saved back empty).
        raise ImproperlyConfigured(
            "A secret in the database cannot be decrypted with any key in ZHAOSHANG_SECRET_KEYS."
        ) from None


def new_key() -> str:
    return Fernet.generate_key().decode()
