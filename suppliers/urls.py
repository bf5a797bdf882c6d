"""Supplier pages. Each area keeps its routes in its own module, gathered here."""

from django.urls import include, path

app_name = "suppliers"

urlpatterns = [
    path("", include("suppliers.urls_accounts")),
    path("", include("suppliers.urls_profile")),
]
