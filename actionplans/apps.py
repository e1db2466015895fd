from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from actionplans import panels
        from actionplans.agenda import agenda_subjects
        from actionplans.services.permissions import access_sync_for_body
        from portal.agenda import register_agenda_source
        from portal.memberships import register_members_changed

        register_agenda_source(agenda_subjects)
        # A membership added or ended on a body's page grants and revokes as the admin does.
        register_members_changed(access_sync_for_body)
        panels.register()
