"""Create forms that save once: Back → 保存 or a double click opens the saved record.

A form declares it by mixing in ``OneTimeTokenFormMixin``; its view asks ``saved_url``
before validating (to send a repeated POST to the saved record) and wraps the creation in
``create_once``, which spends the token in the creating transaction (see
``core.models.CreateToken`` for why that is race-free on SQLite and PostgreSQL).
"""

import datetime
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

from zhaoshang.core.models import CreateToken

ALREADY_SAVED = "该表单已经保存过（可能是重复点击或浏览器后退后再次提交），未重复创建；以下是已保存的内容。"


class OneTimeTokenFormMixin:
    """Adds the hidden ``token`` field, a fresh token on every unbound form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex


def posted_token(request) -> str:
    return (request.POST.get("token") or "").strip()[:64]


def saved_url(user, token: str) -> str | None:
    """Where the record saved with ``token`` by ``user`` is shown, if it was saved."""
    if not token:
        return None
    return CreateToken.objects.filter(token=token, user=user).values_list("url", flat=True).first()


@dataclass
class Once:
    created: Any  # the new record, or None when the token had been spent already
    url: str  # where the record made with this token is shown


def create_once(user, token: str, create: Callable[[], Any], url_of: Callable[[Any], str]) -> Once:
    """Run ``create`` unless ``token`` was spent; the token and the record commit together.

    A form without a token (an old page, a script) just creates. ``create`` raises as usual
    (ValidationError…); the token is then not spent.
    """
    with transaction.atomic():
        spent = None
        if token:
            try:
                with transaction.atomic():
                    spent = CreateToken.objects.create(token=token, user=user)
            except IntegrityError:
                # Another POST of the same form committed first (or was committing:
                # PostgreSQL waited for it). Its record stands; this one creates nothing.
                url = saved_url(user, token)
                if url is None:  # another user's token: never theirs to reuse
                    raise ValidationError("该表单已失效，请重新打开页面后再保存。") from None
                return Once(None, url)
        created = create()
        url = url_of(created)
        if spent is not None:
            spent.url = url
            spent.save(update_fields=["url"])
        return Once(created, url)


def back_to_saved(request, token: str):
    """The record an earlier POST of this very form made, opened instead of a copy (Back →
    保存, a double click); None when the token has not been spent."""
    url = saved_url(request.user, token)
    if url is None:
        return None
    messages.info(request, ALREADY_SAVED)
    return redirect(url)


def saved_response(request, once: Once, success: Callable[[Any], str]):
    """Open the record the form made, saying so with ``success(record)``; or, when another
    POST of the same form made it, the one that was made, saying that."""
    if once.created is None:
        messages.info(request, ALREADY_SAVED)
    else:
        messages.success(request, success(once.created))
    return redirect(once.url)


# A spent token only has to outlive the pages that could post it again: Back, a second
# tab, a double click — minutes, at most days. After this many days it is forgotten, so the
# table holds about a month of saves instead of every save ever made.
TOKEN_KEPT_DAYS = 30
_FORGET_EVERY_SECONDS = 3600
_last_forgotten = 0.0


def forget_old_tokens(*, now=None, force: bool = False) -> int:
    """Delete spent tokens older than TOKEN_KEPT_DAYS (the worker's upkeep, at most hourly).

    Returns how many were deleted. A form opened before the cut-off and posted after it
    simply creates its record: the same as a form from before tokens existed.
    """
    global _last_forgotten
    if not force and time.monotonic() - _last_forgotten < _FORGET_EVERY_SECONDS:
        return 0
    _last_forgotten = time.monotonic()
    cut_off = (now or timezone.now()) - datetime.timedelta(days=TOKEN_KEPT_DAYS)
    deleted, _ = CreateToken.objects.filter(created_at__lt=cut_off).delete()
    return deleted
