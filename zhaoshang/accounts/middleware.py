"""Send a user who must change their password to the change page first."""

from django.shortcuts import redirect
from django.urls import reverse

from zhaoshang.accounts.services import password_expired

ALLOWED_PREFIXES = ("/static/", "/accounts/password/", "/accounts/logout/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and (user.must_change_password or password_expired(user))
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
