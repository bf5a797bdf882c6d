from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programmes")

    def ready(self):
        from programs import receivers  # noqa: F401  (connects the signal receivers)
