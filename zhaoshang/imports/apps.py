from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ImportsConfig(AppConfig):
    name = "zhaoshang.imports"
    label = "imports"
    verbose_name = "台账导入"

    def ready(self):
        # The import specs register themselves when their module is imported: the ledger's
        # here, every other app's in its module ``import_specs``, found without this app
        # importing the apps above it. Every process (web, worker, commands) runs this.
        from zhaoshang.imports import company_list, contact_list, services  # noqa: F401

        autodiscover_modules("import_specs")
