from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_staff_group(sender, **kwargs):
    # post_migrate is sent once per app and auth creates each app's permissions in its own
    # receiver, so we resync after every app: the last run sees every permission.
    from portal.roles import sync_staff_group

    sync_staff_group()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and reference data")

    def ready(self):
        post_migrate.connect(_sync_staff_group, dispatch_uid="portal_staff_group")
        from portal import lookups, receivers, security, tokens  # noqa: F401  (register and connect)
