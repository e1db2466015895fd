from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from portal.agenda import register_agenda_source
        from strategy import panels
        from strategy.agenda import agenda_subjects

        register_agenda_source(agenda_subjects)
        panels.register()
