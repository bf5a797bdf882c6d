"""Routes of the part-request API under /api/v1/ (included by portal/api_urls.py).

Names: ``matching_api:part-request-list``, ``matching_api:part-request-detail``,
``matching_api:part-request-publish``, ``matching_api:part-request-close`` and
``matching_api:part-request-matches`` (by PartRequest id).
"""

from rest_framework.routers import SimpleRouter

from matching.api import PartRequestViewSet

app_name = "matching_api"

# SimpleRouter, not DefaultRouter: other apps include their routes at the same prefix, and a
# second API root view there would shadow theirs.
router = SimpleRouter()
router.register("part-requests", PartRequestViewSet, basename="part-request")

urlpatterns = router.urls
