"""The JSON API, version 1 (``/api/v1/``). Each app contributes its routes.

The OpenAPI 3 schema and its docs page are public (they describe, they hold no data); the docs
page loads its Swagger UI files from our own static files and its start-up script from a separate
URL, so the Content-Security-Policy needs no inline script.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("suppliers.api_urls")),
    path("", include("matching.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
