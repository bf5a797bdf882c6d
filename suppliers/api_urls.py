"""Routes of the supplier API under /api/v1/ (included by portal/api_urls.py).

Names: ``suppliers_api:supplier-list``, ``suppliers_api:supplier-detail`` (by SupplierProfile id)
and ``suppliers_api:supplier-me``.
"""

from rest_framework.routers import SimpleRouter

from suppliers.api import SupplierProfileViewSet

app_name = "suppliers_api"

# SimpleRouter, not DefaultRouter: other apps include their routes at the same prefix, and a
# second API root view there would shadow theirs.
router = SimpleRouter()
router.register("suppliers", SupplierProfileViewSet, basename="supplier")

urlpatterns = router.urls
