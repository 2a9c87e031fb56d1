from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhaoshang.accounts"
    label = "accounts"
    verbose_name = "单位与用户"

    def ready(self):
        # Logins, failed logins and logouts are cross-cutting: connected here, explicitly.
        from zhaoshang.accounts import signals

        signals.connect()
