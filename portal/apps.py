from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_staff_group(sender, **kwargs):
    # Permissions are created in post_migrate too; ours runs after auth's, as portal comes later.
    from portal.roles import sync_staff_group

    sync_staff_group()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and reference data")

    def ready(self):
        post_migrate.connect(_sync_staff_group, sender=self, dispatch_uid="portal_staff_group")
