from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from portal import home, sign_in, writes

        home.register()
        # Under the name Django's auth app uses for update_last_login, so that its own
        # receiver, connected after this (portal comes first in INSTALLED_APPS), is not.
        user_logged_in.connect(sign_in.last_login_record, dispatch_uid="update_last_login")
        connection_created.connect(writes.watch_connection)
        writes.watch_open_connections()
