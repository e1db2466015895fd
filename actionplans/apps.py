from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from actionplans import panels
        from actionplans.agenda import agenda_subjects
        from portal.agenda import register_agenda_source

        register_agenda_source(agenda_subjects)
        panels.register()
