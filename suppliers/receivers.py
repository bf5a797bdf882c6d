"""Changes made outside the supplier services that a firm's derived columns must follow.

``services.profile_changed`` rebuilds a profile's search text and facet values and tells matching.
The services call it themselves; these receivers cover what staff change in the admin on other
records: a cluster membership (cluster facet, cluster anchors in matching) and the organisation
itself (its names and province; ``portal.signals.organisation_edited``, sent by its admin).
The cached search results (``search_cache``) follow a firm's deletion and the facets' labels.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.models import Province, Sector, Term
from portal.signals import organisation_edited
from suppliers import search_cache
from suppliers.models import Cluster, ClusterMember, SupplierProfile


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


def search_data_changed(sender, **kwargs) -> None:
    search_cache.bump()


def labels_changed(sender, **kwargs) -> None:
    search_cache.labels_changed()
    search_cache.bump()


# Labels show in every cached results block (and are cached themselves), and a deleted firm must
# leave them. A firm's own saves go through services.profile_changed, which bumps the generation.
LABELS = (Province, Sector, Term, Cluster)
for _model in LABELS:
    post_save.connect(labels_changed, sender=_model, dispatch_uid=f"search_saved_{_model.__name__}")
    post_delete.connect(labels_changed, sender=_model, dispatch_uid=f"search_deleted_{_model.__name__}")
post_delete.connect(
    search_data_changed, sender=SupplierProfile, dispatch_uid="search_deleted_SupplierProfile"
)
