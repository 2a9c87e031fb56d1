from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "zhaoshang.webhooks"
    label = "webhooks"
    verbose_name = "事件推送"

    def ready(self):
        from zhaoshang.core.events import business_event
        from zhaoshang.core.jobs import register_upkeep
        from zhaoshang.core.verification import verification_decided
        from zhaoshang.webhooks.services import on_business_event, on_verification_decided, send_due

        # The apps below emit without importing this one (core/events.py).
        business_event.connect(on_business_event, dispatch_uid="webhooks.business_event")
        verification_decided.connect(on_verification_decided, dispatch_uid="webhooks.verification_decided")
        # Retries: the worker's once-a-minute round sends what is due.
        register_upkeep(send_due)
