from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Supplier firms")

    def ready(self):
        from suppliers import receivers  # noqa: F401  (connects the receivers)
