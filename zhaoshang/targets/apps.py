from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "zhaoshang.targets"
    label = "targets"
    verbose_name = "目标任务"

    def ready(self):
        from zhaoshang.stats.services import register_target_reader
        from zhaoshang.targets.services import targets_for

        # The statistics engine (below this app) compares each unit with its targets through this reader.
        register_target_reader(targets_for)
