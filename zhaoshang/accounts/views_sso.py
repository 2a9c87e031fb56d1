"""The two steps of single sign-on: off to the identity platform, and back with its answer.
Both answer 404 while SSO is not configured, so the routes exist on every deployment."""

import logging

import jwt
import requests
from django.contrib import messages
from django.http import Http404
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from zhaoshang.accounts import sso
from zhaoshang.accounts.middleware import SSO_SESSION_KEY

logger = logging.getLogger("zhaoshang.security")


class CallbackView(OIDCAuthenticationCallbackView):
    unreachable = False

    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException as error:
            # The platform down or slow must read as a refusal the user understands, not a 500.
            logger.warning("oidc provider unreachable: %s", error)
            self.unreachable = True
            return self.login_failure()
        except jwt.PyJWTError as error:
            logger.warning("oidc token refused: %s", error)
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        # The platform holds this person's password: the local password rules (first change,
        # expiry) do not apply to a session it opened.
        self.request.session[SSO_SESSION_KEY] = True
        return response

    def login_failure(self):
        if self.unreachable:
            messages.error(self.request, "暂时无法连接统一身份认证平台，请稍后再试，或使用本系统的用户名和密码登录。")
            return super().login_failure()
        messages.error(
            self.request,
            "统一身份认证登录未成功：本系统中没有与您的统一身份对应的可用账号，或认证被取消。"
            "请联系系统管理员开通账号，或使用本系统的用户名和密码登录。",
        )
        return super().login_failure()


def start(request):
    # mozilla-django-oidc reads its settings when a view is made, so it is made only when on.
    if not sso.enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request):
    if not sso.enabled():
        raise Http404
    return CallbackView.as_view()(request)
