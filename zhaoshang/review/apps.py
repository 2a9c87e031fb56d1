from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "zhaoshang.review"
    verbose_name = "待审核"

    def ready(self):
        from zhaoshang.core.panels import Panel, register_panel
        from zhaoshang.core.roles import BUSINESS_ROLES
        from zhaoshang.review.services import home_pending

        # The count of waiting claims among the home page's cards, for whoever verifies them.
        register_panel(
            "home",
            Panel("review.pending", "review/_home_pending.html", BUSINESS_ROLES, place="cards", context=home_pending),
        )
