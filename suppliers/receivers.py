"""Changes made outside the supplier services that a firm's derived columns must follow.

``services.profile_changed`` rebuilds a profile's search text and facet values and tells matching.
The services call it themselves; these receivers cover what staff change in the admin on other
records: a cluster membership (cluster facet, cluster anchors in matching) and the organisation
itself (its names and province; ``portal.signals.organisation_edited``, sent by its admin).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.signals import organisation_edited
from suppliers.models import ClusterMember, SupplierProfile


def _organisation_changed(organisation_id: int) -> None:
    from suppliers.services import profile_changed  # services import models; keep the cycle out

    profile = (
        SupplierProfile.objects.filter(organisation_id=organisation_id).select_related("organisation").first()
    )
    if profile is not None:
        profile_changed(profile)


@receiver(post_save, sender=ClusterMember, dispatch_uid="suppliers_cluster_member_saved")
@receiver(post_delete, sender=ClusterMember, dispatch_uid="suppliers_cluster_member_deleted")
def cluster_member_changed(sender, instance: ClusterMember, **kwargs) -> None:
    _organisation_changed(instance.organisation_id)


@receiver(organisation_edited, dispatch_uid="suppliers_organisation_edited")
def organisation_edited_in_admin(sender, organisation_id: int, **kwargs) -> None:
    _organisation_changed(organisation_id)
