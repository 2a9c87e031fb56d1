"""Create forms that save once: Back → 保存 or a double click opens the saved record.

A form declares it by mixing in ``OneTimeTokenFormMixin``; its view asks ``saved_url``
before validating (to send a repeated POST to the saved record) and wraps the creation in
``create_once``, which spends the token in the creating transaction (see
``core.models.CreateToken`` for why that is race-free on SQLite and PostgreSQL).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

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
