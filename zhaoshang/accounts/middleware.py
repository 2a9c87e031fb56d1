"""Gates after the password: the second factor, then a required password change."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from zhaoshang.accounts.services import password_expired

# Set by accounts.views_sso when the identity platform opened the session.
SSO_SESSION_KEY = "zs_signed_in_by_sso"
ALLOWED_PREFIXES = ("/static/", "/accounts/password/", "/accounts/logout/", "/accounts/mfa/")
# Until the second factor is given, only these open: the code page, its set-up, leaving.
SECOND_FACTOR_PREFIXES = ("/static/", "/accounts/mfa/", "/accounts/logout/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.session.get(SSO_SESSION_KEY)
            and (user.must_change_password or password_expired(user))
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)


NO_SECOND_FACTOR_KEY = "zs_no_second_factor"


class SecondFactorMiddleware:
    """No page, fragment or file opens for a signed-in user who owes a second factor.

    A user with a confirmed authenticator is sent to the code page until the session is
    verified (django-otp's ``OTPMiddleware`` marks it); a user whose role requires one and
    who has none is sent to set it up. Runs for every request, so htmx fragments, exports
    and downloads are gated as pages are (an htmx request gets a full-page redirect)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(SECOND_FACTOR_PREFIXES):
            target = self._gate(request, user)
            if target:
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _gate(request, user) -> str | None:
        from zhaoshang.accounts import mfa

        if user.is_verified() or request.session.get(NO_SECOND_FACTOR_KEY):
            return None
        if mfa.has_second_factor(user):
            return reverse("accounts:mfa_verify") + "?" + urlencode({"next": request.get_full_path()})
        if mfa.required_for(user):
            return reverse("accounts:mfa_setup")
        # Neither owed nor set up: remembered for this session, so that pages of users without
        # a second factor do not pay a query for it on every request. Binding an authenticator
        # verifies the session at once (accounts.mfa.confirm_device).
        request.session[NO_SECOND_FACTOR_KEY] = True
        return None
