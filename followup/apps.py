from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from followup import panels
        from followup.agenda import agenda_subjects
        from portal.agenda import register_agenda_source

        register_agenda_source(agenda_subjects)
        panels.register()
