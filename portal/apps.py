from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from portal import front_door, home

        home.register()
        connection_created.connect(front_door.watch_connection)
        front_door.watch_open_connections()
