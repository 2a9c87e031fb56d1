"""Password sign-in for people only."""

from django.contrib.auth.backends import ModelBackend


class PeopleBackend(ModelBackend):
    """Django's password backend, refusing service accounts: they act through API tokens
    (api.services.authenticate) and never hold a session, even with a password set or a
    session made some other way (``get_user`` asks the same question on every request)."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not getattr(user, "is_service_account", False)
