from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhaoshang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.core.signals import got_request_exception

        from zhaoshang.core.busy import mark_busy_request
        from zhaoshang.core.files import connect_file_removal
        from zhaoshang.core.jobs import register_upkeep
        from zhaoshang.core.once import forget_old_tokens

        # A lock timeout answers 「系统繁忙，请稍后重试」, not 500 (core/busy.py).
        got_request_exception.connect(mark_busy_request, dispatch_uid="zhaoshang-database-busy")
        # A deleted attachment, upload or bulletin file leaves the disk too (core/files.py).
        connect_file_removal()
        register_upkeep(forget_old_tokens)
