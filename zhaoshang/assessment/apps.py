from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhaoshang.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self):
        from zhaoshang.assessment.services import withdrawal_refusal
        from zhaoshang.projects.services import register_withdrawal_check

        # A project an assessment entry scores may not be withdrawn.
        register_withdrawal_check(withdrawal_refusal)
