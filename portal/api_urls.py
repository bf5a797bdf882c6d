"""The JSON API, version 1 (``/api/v1/``). Each app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("suppliers.api_urls")),
    path("", include("matching.api_urls")),
]
