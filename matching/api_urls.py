"""Routes of the part-request API under /api/v1/ (included by portal/api_urls.py).

Names: ``matching_api:part-request-list``, ``matching_api:part-request-detail``,
``matching_api:part-request-publish``, ``matching_api:part-request-close`` and
``matching_api:part-request-matches``, ``…-interest``, ``…-interests`` (by PartRequest id);
``matching_api:shortlist-entry-list|detail``, ``matching_api:invitation-list|detail|answer|quote``,
``matching_api:quotation-list|detail``.
"""

from rest_framework.routers import SimpleRouter

from matching.api import PartRequestViewSet
from matching.api_sourcing import InvitationViewSet, QuotationViewSet, ShortlistEntryViewSet

app_name = "matching_api"

# SimpleRouter, not DefaultRouter: other apps include their routes at the same prefix, and a
# second API root view there would shadow theirs.
router = SimpleRouter()
router.register("part-requests", PartRequestViewSet, basename="part-request")
router.register("shortlist-entries", ShortlistEntryViewSet, basename="shortlist-entry")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("quotations", QuotationViewSet, basename="quotation")

urlpatterns = router.urls
