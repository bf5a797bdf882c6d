"""Matching listens to suppliers (suppliers never imports matching)."""

from django.dispatch import receiver

from matching.services import mark_for_recompute
from suppliers.signals import capabilities_changed


@receiver(capabilities_changed, dispatch_uid="matching_mark_supplier")
def mark_supplier(sender, profile_id: int, **kwargs):
    mark_for_recompute(supplier_ids=[profile_id])
